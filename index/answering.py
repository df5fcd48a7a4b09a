"""The answer sentence, abstention, and the highlights that show why a passage matched."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.search import Hit, SearchResult
from ingest.normalize import normalize, normalize_with_origins
from ingest.sentences import sentence_spans
from ingest.terms import Analyzer

_CJK = re.compile(r"[\u3400-\u9fff]")


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

    A Chinese question abstains when a place, person or organisation it names appears in none of
    the top passages (上海, 杭州 … in a Guangzhou briefing), or when too little of its wording is
    found there. A question with no Chinese (English) has no keyword evidence, so only a low
    best dense cosine makes it abstain.
    """

    min_coverage: float = 0.4
    min_dense_without_keywords: float = 0.74
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


def coverage(text: str, terms: list[str]) -> float:
    """Share of the question's terms (weighted by length: longer terms are more specific) in ``text``."""
    if not terms:
        return 0.0
    normal = normalize(text)
    found = sum(len(t) for t in terms if t in normal)
    partial = sum(len(t) * sum(c in normal for c in t) / len(t) for t in terms if t not in normal)
    return (found + 0.5 * partial) / sum(len(t) for t in terms)


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
    if not _CJK.search(question):
        best = max((h.dense_score or 0.0) for h in result.hits)
        return best < policy.min_dense_without_keywords and not any(t in top for t in result.terms if len(t) > 2)
    if any(name not in top for name in analyzer.names(question)):
        return True
    return part_coverage(top, result.terms, analyzer) < policy.min_coverage


def pick_answer(hits: list[Hit], terms: list[str], depth: int = 3) -> Answer | None:
    """Choose the sentence of the top passages that covers the question best (earlier passages win ties)."""
    best: Answer | None = None
    best_score = float("-inf")
    for hit in hits[:depth]:
        passage = hit.passage
        for start, end in sentence_spans(passage.text):
            sentence = passage.text[start:end]
            share = coverage(sentence, terms)
            score = share - 0.15 * (hit.rank - 1)
            if score > best_score:
                best_score = score
                best = Answer(sentence, passage.doc_id, passage.start + start, passage.start + end, hit.rank, share)
    return best


def answer_question(
    question: str, result: SearchResult, analyzer: Analyzer, policy: AbstentionPolicy | None = None
) -> tuple[Answer | None, bool]:
    """The answer sentence for a search, and whether to abstain (the question is off the corpus)."""
    if is_off_topic(question, result, analyzer, policy or AbstentionPolicy()):
        return None, True
    return pick_answer(result.hits, result.terms), False
