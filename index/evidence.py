"""How strongly a single sentence answers a question: shared words, closeness, and the expected shape.

Used twice: to pick the answer sentence, and to re-rank the best passages by their best sentence
(a passage answers as well as its best sentence does).
"""

from __future__ import annotations

import re

from index.sentence_vectors import SpanKey
from ingest.documents import Passage
from text.cjk import has_chinese
from text.normalize import normalize
from text.sentences import passage_sentences

CLOSENESS = 5.0  # e5 cosines crowd between 0.75 and 0.95: 0.02 of cosine weighs 0.1 of term coverage
SHAPE_BONUS = 0.3


def coverage(text: str, terms: list[str]) -> float:
    """Share of the question's terms (weighted by length: longer terms are more specific) in ``text``."""
    if not terms:
        return 0.0
    normal = normalize(text)
    found = partial = 0  # characters of the terms found whole; of the others, characters found alone
    for term in terms:
        if term in normal:
            found += len(term)
        else:
            partial += sum(1 for c in term if c in normal)
    return (found + 0.5 * partial) / sum(map(len, terms))


# What a question asks for, and what a sentence that answers it contains.
_ANSWER_TYPES = (
    (
        re.compile(r"哪一?年|哪天|何时|什么时候|几月|几号|日期|时间|when|what year|what date", re.I),
        re.compile(r"\d{4}\s*年|\d{1,2}\s*月|\d{4}-\d{2}|[一二三四五六七八九十〇零]{4}年"),
    ),
    (
        re.compile(r"多少|多大|多长|多久|几[个项大类条家种位份期]|规模|数量|how (many|much|big|large)", re.I),
        re.compile(r"\d|[一二三四五六七八九十百千万亿两]+\s*[个项大类条家种位份期亿万部批座所名人次年]"),
    ),
    (re.compile(r"谁|哪位|哪些人|\bwho\b", re.I), re.compile(r"[：:]\s*\S|书记|市长|主任|编辑|主席")),
    # Which ones (哪些, 哪几): an enumeration of at least three items (A、B、C or A、B和C). English
    # "which" asks for one thing as often as for several, so it is left out.
    (re.compile(r"哪些|哪几"), re.compile(r"[^、，。]+、[^、，。]+[、和及与][^、，。]+")),
)


def wanted_shape(question: str) -> re.Pattern[str] | None:
    """The pattern an answering sentence should contain, from the question word (when, how many, who,
    which ones)."""
    return next((shape for asks, shape in _ANSWER_TYPES if asks.search(question)), None)


def lexical_terms(question: str, terms: list[str]) -> list[str]:
    """The terms a sentence's coverage is judged by: none for a question with no Chinese, whose
    terms are dictionary translations with many senses (its closeness carries the evidence)."""
    return terms if has_chinese(question) else []


def sentence_evidence(text: str, terms: list[str], cosine: float | None, shape: re.Pattern[str] | None) -> float:
    """Share of the question's ``terms`` in the sentence, plus how far its ``cosine`` to the
    question stands above 0.8, plus a bonus when it holds what the question asks for (a date,
    a number, a person: ``wanted_shape``). Terms are empty for a question with no Chinese."""
    closeness = CLOSENESS * (cosine - 0.8) if cosine is not None else 0.0
    bonus = SHAPE_BONUS if shape is not None and shape.search(text) else 0.0
    return (coverage(text, terms) if terms else 0.0) + closeness + bonus


def passage_evidence(
    passage: Passage, terms: list[str], cosines: dict[SpanKey, float], shape: re.Pattern[str] | None
) -> list[tuple[int, int, float]]:
    """Every sentence of ``passage`` (offsets in the passage) with its ``sentence_evidence``;
    ``cosines`` are keyed by document span, as ``SentenceVectors.cosines`` gives them."""
    p = passage
    return [
        (s, e, sentence_evidence(p.text[s:e], terms, cosines.get((p.doc_id, p.start + s, p.start + e)), shape))
        for s, e in passage_sentences(p.text)
    ]
