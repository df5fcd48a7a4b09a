"""The answer sentence, abstention, and the highlights that show why a passage matched."""

from __future__ import annotations

from dataclasses import dataclass

from index.evidence import coverage, lexical_terms, passage_evidence, wanted_shape
from index.search import Hit, Searcher, SearchResult
from index.sentence_vectors import SpanKey
from text.cjk import has_chinese
from text.normalize import normalize, normalize_with_origins
from text.terms import Analyzer


@dataclass(frozen=True)
class Answer:
    """The sentence most likely to answer; offsets are in the document's clean text."""

    text: str
    doc_id: str
    start: int
    end: int
    passage_rank: int
    coverage: float


@dataclass(frozen=True)
class AbstentionPolicy:
    """When a question is judged not to be about the corpus.

    A Chinese question abstains when a place or organisation it names appears in none of the top
    passages (上海, 杭州 … in a Guangzhou briefing); when too little of its wording is found there;
    or when little is found and the two legs disagree (the dense leg's best passage is not among
    the keyword leg's best few). A question with no Chinese abstains when a name it gives is missing
    in every Chinese form, or when its best dense cosine is low and under a quarter of its words'
    Chinese forms are found. Calibrated on the briefing sets (docs/retrieval.md).
    """

    min_coverage: float = 0.3
    weak_coverage: float = 0.5
    agreement_depth: int = 2
    min_dense_without_keywords: float = 0.74
    min_translated: float = 0.25
    depth: int = 5


def term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
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


def part_coverage(text: str, terms: list[str], analyzer: Analyzer) -> float:
    """Length-weighted share of terms found whole or by one of their parts (传真号码 by 传真)."""
    if not terms:
        return 0.0
    normal = normalize(text)
    found = sum(len(t) for t in terms if any(part in normal for part in analyzer.parts_of(t)))
    return found / sum(len(t) for t in terms)


def is_off_topic(question: str, result: SearchResult, analyzer: Analyzer, policy: AbstentionPolicy) -> bool:
    """Decide abstention from the evidence the search gathered (see ``AbstentionPolicy``)."""
    if not result.hits:
        return True
    top = normalize(" ".join(h.passage.text for h in result.hits[: policy.depth]))
    if not has_chinese(question):
        return _english_off_topic(result, top, policy)
    if any(name not in top for name in analyzer.names(question)):
        return True
    share = part_coverage(top, result.terms, analyzer)
    dense_best = min(result.hits, key=lambda h: h.dense_rank or len(result.hits) + 1)
    legs_agree = dense_best.bm25_rank is not None and dense_best.bm25_rank <= policy.agreement_depth
    return share < policy.min_coverage or (share < policy.weak_coverage and not legs_agree)


def _english_off_topic(result: SearchResult, top: str, policy: AbstentionPolicy) -> bool:
    """An English question: off topic when a name it gives (Shenzhen) is in none of the top passages
    in any of its Chinese forms, or when the dense match is weak and almost none of its words is found."""
    found = [any(normalize(w) in top for w in t.chinese) for t in result.translations]
    if any(t.name and not hit for t, hit in zip(result.translations, found, strict=True)):
        return True
    best = max((h.dense_score or 0.0) for h in result.hits)
    share = sum(found) / len(found) if found else 0.0
    return best < policy.min_dense_without_keywords and share < policy.min_translated


def pick_answer(
    question: str,
    hits: list[Hit],
    terms: list[str],
    depth: int = 3,
    similarity: dict[SpanKey, float] | None = None,
) -> Answer | None:
    """Choose the sentence of the top passages with the best evidence (``index.evidence``) that it
    answers; a passage one rank lower needs 0.15 more, and earlier sentences win ties.
    Measured on the briefing set: 67 of 76 answer sentences hold the gold answer (docs/retrieval.md)."""
    shape = wanted_shape(question)
    lexical = lexical_terms(question, terms)
    candidates = [
        (hit, s, e, score - 0.15 * (hit.rank - 1))
        for hit in hits[:depth]
        for s, e, score in passage_evidence(hit.passage, lexical, similarity or {}, shape)
    ]
    if not candidates:
        return None
    best = max(range(len(candidates)), key=lambda i: (candidates[i][3], -i))
    hit, s, e, _ = candidates[best]
    p = hit.passage
    return Answer(p.text[s:e], p.doc_id, p.start + s, p.start + e, hit.rank, coverage(p.text[s:e], lexical))


def answer_question(
    question: str, result: SearchResult, searcher: Searcher, policy: AbstentionPolicy | None = None, depth: int = 3
) -> tuple[Answer | None, bool]:
    """The answer sentence for a search, and whether to abstain (the question is off the corpus)."""
    if is_off_topic(question, result, searcher.analyzer, policy or AbstentionPolicy()):
        return None, True
    similarity = {}
    if result.query_vector is not None:
        similarity = searcher.sentences.cosines([h.passage for h in result.hits[:depth]], result.query_vector)
    return pick_answer(question, result.hits, result.terms, depth, similarity), False
