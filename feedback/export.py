"""Readers' verdicts → a question set that `briefqa eval` reads (JSONL with gold passage ids and answers).

A verdict names a passage of the version served when it was given. Export maps it to the current
version by document and offsets: the current passages of the same document (same text, by digest)
that hold most of the judged span. A verdict whose document is gone or changed is listed, never guessed;
so is a passage judged both up and down for one question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from feedback.store import Verdict
from ingest.documents import Document, Passage
from text.normalize import simplify

MIN_OVERLAP = 0.5  # a current passage stands for a judged one when it holds over half of its span


@dataclass
class ExportResult:
    questions: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # a passage judged both ways
    unmapped: list[Verdict] = field(default_factory=list)  # its document changed or is gone
    only_down: list[str] = field(default_factory=list)  # questions with no passage marked right


def export_question_set(
    verdicts: Iterable[Verdict], documents: Mapping[str, Document], passages: Sequence[Passage]
) -> ExportResult:
    """Group verdicts by question; thumbs-up passages (mapped to the current version) become gold ids."""
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    result = ExportResult()
    groups: dict[str, list[Verdict]] = {}
    for v in verdicts:
        groups.setdefault(simplify(v.question.strip()), []).append(v)
    for number, (key, group) in enumerate(groups.items(), start=1):
        _export_one(f"fb{number:04d}", key, group, documents, by_doc, result)
    return result


def _export_one(
    qid: str,
    key: str,
    group: list[Verdict],
    documents: Mapping[str, Document],
    by_doc: Mapping[str, list[Passage]],
    result: ExportResult,
) -> None:
    judged: dict[str, set[str]] = {}  # current passage id -> the verdicts it received
    answers: list[str] = []
    for v in group:
        mapped = _current_passages(v, documents, by_doc)
        if mapped is None:
            result.unmapped.append(v)
            continue
        for p in mapped:
            judged.setdefault(p.passage_id, set()).add(v.verdict)
        answer = _answer_text(v, documents)
        if v.verdict == "up" and answer and answer not in answers:
            answers.append(answer)
    conflicted = sorted(pid for pid, seen in judged.items() if len(seen) > 1)
    if conflicted:
        result.conflicts.append({"question": group[0].question, "passage_ids": conflicted})
    gold = sorted(pid for pid, seen in judged.items() if seen == {"up"})
    if not gold:
        if judged and not conflicted:
            result.only_down.append(group[0].question)
        return
    doc_ids = sorted({pid.split("#", 1)[0] for pid in gold})
    record: dict[str, Any] = {"id": qid, "question": group[0].question, "gold_ids": gold, "kind": "feedback"}
    if answers:
        record["answers"] = answers
    record["doc_ids"] = doc_ids
    result.questions.append(record)


def _current_passages(
    v: Verdict, documents: Mapping[str, Document], by_doc: Mapping[str, list[Passage]]
) -> list[Passage] | None:
    """The current passages that stand for the judged one; None when that cannot be known."""
    document = documents.get(v.doc_id)
    if document is None or v.start is None or v.end is None or document.sha256 != v.doc_sha256:
        return None
    span = max(1, v.end - v.start)
    mapped = [p for p in by_doc.get(v.doc_id, []) if min(p.end, v.end) - max(p.start, v.start) > MIN_OVERLAP * span]
    return mapped or None


def _answer_text(v: Verdict, documents: Mapping[str, Document]) -> str | None:
    """The answer sentence a reader approved, as it reads in the (unchanged) document."""
    if v.target != "answer" or v.answer_start is None or v.answer_end is None:
        return None
    return documents[v.doc_id].text[v.answer_start : v.answer_end].strip() or None
