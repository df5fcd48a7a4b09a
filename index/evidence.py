"""How strongly a single sentence answers a question: shared words, closeness, and the expected shape.

Computed once per sentence during a search (``Searcher``); read twice: to re-rank the best passages
by their best sentence (a passage answers as well as its best sentence does), and to pick the answer
sentence. Term coverage of any text (a sentence, the top passages) is owned here too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.query import Query
from index.sentence_vectors import SpanKey
from ingest.documents import Passage
from text.normalize import normalize
from text.sentences import passage_sentences

CLOSENESS = 5.0  # e5 cosines crowd between 0.75 and 0.95: 0.02 of cosine weighs 0.1 of term coverage
SHAPE_BONUS = 0.3
ANSWER_DEPTH = 3  # the hits whose sentences may be the answer: every search judges at least these


@dataclass(frozen=True)
class SentenceEvidence:
    """One sentence of a passage: its offsets in the passage text, its cosine to the question (None
    when the search had no question vector) and its ``sentence_evidence``."""

    start: int
    end: int
    cosine: float | None
    score: float
    coverage: float = 0.0  # share of the question's lexical terms the sentence holds
    shaped: bool = False  # it holds what the question asks for (a date, a number: ``index.query.wanted_shape``)


def coverage(text: str, terms: Sequence[str], parts: Sequence[Sequence[str]] | None = None) -> float:
    """Share of the question's ``terms`` in ``text``, weighted by length (longer terms are more specific).

    A term not found whole counts by its parts: given ``parts`` (per term, itself and its meaningful
    parts), wholly when one part is found (传真号码 by 传真); otherwise half for each character found.
    """
    if not terms:
        return 0.0
    normal = normalize(text)
    found = 0.0
    for at, term in enumerate(terms):
        if term in normal:
            found += len(term)
        elif parts is not None:
            found += len(term) if any(part in normal for part in parts[at]) else 0
        else:
            found += 0.5 * sum(1 for c in term if c in normal)
    return found / sum(map(len, terms))


def missing_names(text: str, query: Query) -> int:
    """How many of the places and organisations ``query`` names ``text`` lacks (an English name counts
    as held in any of its Chinese forms)."""
    held = normalize(text)
    if not query.chinese:
        return sum(t.name and not any(normalize(w) in held for w in t.chinese) for t in query.translations)
    return sum(name not in held for name in query.names)


def sentence_evidence(text: str, terms: Sequence[str], cosine: float | None, shape: re.Pattern[str] | None) -> float:
    """Share of the question's ``terms`` in the sentence, plus how far its ``cosine`` to the
    question stands above 0.8, plus a bonus when it holds what the question asks for (a date,
    a number, a person: ``index.query.wanted_shape``). Terms are empty for a question with no Chinese."""
    return judge_sentence(0, len(text), text, terms, cosine, shape).score


def judge_sentence(
    start: int, end: int, text: str, terms: Sequence[str], cosine: float | None, shape: re.Pattern[str] | None
) -> SentenceEvidence:
    """The sentence at ``start:end`` of a passage, ``text``, with its ``sentence_evidence`` and its parts."""
    closeness = CLOSENESS * (cosine - 0.8) if cosine is not None else 0.0
    shaped = shape is not None and shape.search(text) is not None
    share = coverage(text, terms) if terms else 0.0
    return SentenceEvidence(start, end, cosine, share + closeness + (SHAPE_BONUS if shaped else 0.0), share, shaped)


def passage_evidence(
    passage: Passage, query: Query, cosines: dict[SpanKey, float], passage_cosine: float | None = None
) -> tuple[SentenceEvidence, ...]:
    """Every sentence of ``passage`` with its evidence; ``cosines`` are keyed by document span, as
    ``SentenceVectors.cosines`` gives them.

    A passage of one sentence is that sentence, and its vector (embedded with its heading) says more
    than the bare sentence's: its ``passage_cosine``, when known, stands for the sentence's.
    """
    p, spans = passage, passage_sentences(passage.text)
    judged = []
    for s, e in spans:
        cosine = cosines.get((p.doc_id, p.start + s, p.start + e))
        if len(spans) == 1 and passage_cosine is not None:
            cosine = passage_cosine
        judged.append(judge_sentence(s, e, p.text[s:e], query.lexical_terms, cosine, query.shape))
    return tuple(judged)


def best_evidence(sentences: Sequence[SentenceEvidence]) -> float:
    """A passage's evidence: that of its best sentence (0 when it has none)."""
    return max((s.score for s in sentences), default=0.0)
