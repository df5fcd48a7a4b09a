"""The answer sentence, abstention, and the highlights that show why a passage matched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.evidence import ANSWER_DEPTH, coverage
from index.search import Hit, SearchResult
from text.normalize import normalize, normalize_with_origins, simplify


@dataclass(frozen=True)
class Answer:
    """The sentence most likely to answer; offsets are in the document's clean text."""

    text: str
    doc_id: str
    start: int
    end: int
    passage_rank: int


@dataclass(frozen=True)
class AbstentionPolicy:
    """When a question is judged not to be about the corpus.

    A question abstains when its best passage, with its section and document title, lacks a place it names
    (``index.evidence.missing_names``: 苏州's AI figures are no answer about 广州's). A Chinese question
    abstains when a place or organisation it names, or the year or tranche it asks about (2024年, 二期:
    ``index.query.details``), is in none of the top passages; when too little of its wording is found
    there; or when little is found and the two legs disagree (the dense leg's best passage is not among
    the keyword leg's best few). A question with no Chinese abstains when a name it gives is missing
    in every Chinese form, or when its best dense cosine is low and under a quarter of its words'
    Chinese forms are found. A question about a named or described issue that the library holds skips
    the wording rules (责任编辑是谁 shares no word with the issue). Last, a question asking for a count in a
    measure word or for a year abstains when its answer sentence holds none (``index.answer_shape``).
    Calibrated in docs/retrieval.md.
    """

    min_coverage: float = 0.3
    weak_coverage: float = 0.5
    agreement_depth: int = 2
    min_dense_without_keywords: float = 0.74
    min_translated: float = 0.25
    depth: int = 5


def term_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Offsets in ``text`` of every occurrence of the (normalised) ``terms``, merged, in order."""
    normal, origins = normalize_with_origins(text)
    spans = []
    for term in {t for t in terms if t}:
        at = normal.find(term)
        while at >= 0:
            spans.append((origins[at], origins[at + len(term) - 1] + 1))
            at = normal.find(term, at + len(term))
    return _merge(sorted(spans))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def is_off_topic(result: SearchResult, policy: AbstentionPolicy) -> bool:
    """Decide abstention from the evidence the search gathered (see ``AbstentionPolicy``)."""
    if not result.hits:
        return True
    if result.hits[0].missing_names:
        return True  # the best passage is about another place (苏州's AI figures for a question on 广州's)
    query = result.query
    top = normalize(" ".join(h.passage.text for h in result.hits[: policy.depth]))
    if not query.chinese:
        return _english_off_topic(result, top, policy)
    if any(name not in top for name in query.names):
        return True
    if any(not any(form in top for form in forms) for forms in query.details):
        return True  # the year or tranche asked about is stated nowhere: a near miss, not an answer
    if result.scope is not None:
        return False  # the issue it names or describes is held, and the rest (责任编辑是谁) may share no word
    share = coverage(top, query.terms, query.term_parts)
    dense_best = min(result.hits, key=lambda h: h.dense_rank or len(result.hits) + 1)
    legs_agree = dense_best.bm25_rank is not None and dense_best.bm25_rank <= policy.agreement_depth
    return share < policy.min_coverage or (share < policy.weak_coverage and not legs_agree)


def _english_off_topic(result: SearchResult, top: str, policy: AbstentionPolicy) -> bool:
    """An English question: off topic when a name it gives (Shenzhen) is in none of the top passages
    in any of its Chinese forms, or when the dense match is weak and almost none of its words is found."""
    translations = result.query.translations
    found = [any(normalize(w) in top for w in t.chinese) for t in translations]
    if any(t.name and not hit for t, hit in zip(translations, found, strict=True)):
        return True
    best = max((h.dense_score or 0.0) for h in result.hits)
    share = sum(found) / len(found) if found else 0.0
    return best < policy.min_dense_without_keywords and share < policy.min_translated


def pick_answer(hits: list[Hit], depth: int = ANSWER_DEPTH) -> Answer | None:
    """Choose the sentence of the top passages with the best evidence (judged by the search,
    ``index.evidence``) that it answers; a passage one rank lower needs 0.15 more, and earlier
    sentences win ties. Measured on the briefing set (docs/retrieval.md)."""
    candidates = [
        (hit, sentence, sentence.score - 0.15 * (hit.rank - 1))
        for hit in hits[:depth]
        for sentence in hit.sentences or ()
    ]
    if not candidates:
        return None
    best = max(range(len(candidates)), key=lambda i: (candidates[i][2], -i))
    hit, sentence, _ = candidates[best]
    p, s, e = hit.passage, sentence.start, sentence.end
    return Answer(p.text[s:e], p.doc_id, p.start + s, p.start + e, hit.rank)


def answer_question(
    result: SearchResult, policy: AbstentionPolicy | None = None, depth: int = ANSWER_DEPTH
) -> tuple[Answer | None, bool]:
    """The answer sentence for a search, and whether to abstain (the question is off the corpus)."""
    if is_off_topic(result, policy or AbstentionPolicy()):
        return None, True
    answer, required = pick_answer(result.hits, depth), result.query.required
    if answer is not None and required is not None and not required.search(simplify(answer.text)):
        return None, True  # it asks how many 座 or which year, and the best sentence states another figure
    return answer, False
