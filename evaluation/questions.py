"""Question sets for retrieval evaluation.

Two sources are supported:

* a JSONL file, one question per line::

      {"id": "b01", "question": "...", "answers": ["..."], "kind": "list"}
      {"id": "l07", "question": "...", "answers": ["..."], "doc_id": "lingdao-xuekan-2025-07"}
      {"id": "q7", "question": "...", "gold_ids": ["s12"]}

  ``answers`` are gold strings (a retrieved unit is correct when it contains
  one); ``gold_ids`` are ids of correct units. ``doc_id`` (or a ``doc_ids``
  list) names the gold document(s): in a library where several issues hold
  the same string ("100亿元"), only a unit of a gold document counts.
  ``id``, ``kind``, ``twin`` and ``doc_id``/``doc_ids`` are optional.

* a BEIR folder holding ``corpus.jsonl``, ``queries.jsonl`` and
  ``qrels.tsv`` (or ``qrels/test.tsv``); every query with at least one
  positive qrel becomes a question with ``gold_ids``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class QuestionSetError(ValueError):
    """A question set or BEIR folder could not be read; the message says where and why."""


@dataclass(frozen=True)
class Question:
    """One evaluation question with its gold answers and/or gold unit ids."""

    id: str
    text: str
    answers: tuple[str, ...] = ()
    gold_ids: tuple[str, ...] = ()
    kind: str = ""
    twin: str | None = None
    doc_ids: tuple[str, ...] = ()  # the gold documents; empty when any document may answer

    @property
    def answerable(self) -> bool:
        """True when the question has gold answers or gold ids (off-topic questions have neither)."""
        return bool(self.answers or self.gold_ids)


@dataclass(frozen=True)
class BeirDocument:
    """One passage of a BEIR corpus."""

    id: str
    text: str
    title: str = ""


def load_questions(path: Path | str) -> list[Question]:
    """Load questions from a JSONL file or a BEIR folder; raise QuestionSetError on bad input."""
    path = Path(path)
    if path.is_dir():
        return _load_beir_questions(path)
    return [_question_from_record(record, path, line_no) for line_no, record in _read_jsonl(path)]


def load_beir_corpus(folder: Path | str) -> list[BeirDocument]:
    """Load ``corpus.jsonl`` of a BEIR folder as documents in file order."""
    path = Path(folder) / "corpus.jsonl"
    documents = []
    for line_no, record in _read_jsonl(path):
        doc_id = _required_str(record, "_id", path, line_no)
        text = _required_str(record, "text", path, line_no)
        documents.append(BeirDocument(doc_id, text, str(record.get("title") or "")))
    return documents


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for every non-blank line of a JSONL file."""
    if not path.is_file():
        raise QuestionSetError(f"{path}: file not found; check the path or build the question set first")
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise QuestionSetError(
                    f"{path}:{line_no}: not valid JSON ({exc.msg}); fix the line so it holds one JSON object"
                ) from exc
            if not isinstance(record, dict):
                raise QuestionSetError(f"{path}:{line_no}: expected a JSON object, got {type(record).__name__}")
            yield line_no, record


def _required_str(record: dict[str, Any], field: str, path: Path, line_no: int) -> str:
    """Return a non-empty string field or raise naming the file, line and field."""
    value = record.get(field)
    if not isinstance(value, str) or not value.strip():
        raise QuestionSetError(f"{path}:{line_no}: missing or empty field {field!r}; add it as a non-empty string")
    return value


def _string_list(record: dict[str, Any], field: str, path: Path, line_no: int) -> tuple[str, ...]:
    """Return an optional list-of-strings field as a tuple."""
    value = record.get(field, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise QuestionSetError(f"{path}:{line_no}: field {field!r} must be a list of non-empty strings")
    return tuple(value)


def _question_from_record(record: dict[str, Any], path: Path, line_no: int) -> Question:
    """Build a Question from one JSONL object."""
    text = _required_str(record, "question", path, line_no)
    if "answers" not in record and "gold_ids" not in record:
        raise QuestionSetError(
            f"{path}:{line_no}: needs 'answers' (gold strings) or 'gold_ids' (unit ids); "
            "use an empty 'answers' list for an off-topic question"
        )
    twin = record.get("twin")
    doc_ids = _string_list(record, "doc_ids", path, line_no)
    if "doc_id" in record:
        doc_ids = (_required_str(record, "doc_id", path, line_no), *doc_ids)
    return Question(
        id=str(record.get("id") or f"{path.stem}-{line_no}"),
        text=text,
        answers=_string_list(record, "answers", path, line_no),
        gold_ids=_string_list(record, "gold_ids", path, line_no),
        kind=str(record.get("kind") or ""),
        twin=str(twin) if twin else None,
        doc_ids=tuple(dict.fromkeys(doc_ids)),
    )


def _qrels_path(folder: Path) -> Path:
    """Locate the qrels file of a BEIR folder."""
    for candidate in (folder / "qrels.tsv", folder / "qrels" / "test.tsv"):
        if candidate.is_file():
            return candidate
    raise QuestionSetError(f"{folder}: no qrels.tsv or qrels/test.tsv; a BEIR folder needs one of them")


def read_qrels(path: Path) -> dict[str, list[str]]:
    """Read a BEIR qrels TSV (header line first) into query id -> positive corpus ids."""
    gold: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            fields = line.rstrip("\n").split("\t")
            if (line_no == 1 and fields[0] == "query-id") or not line.strip():
                continue
            if len(fields) != 3 or not fields[2].lstrip("-").isdigit():
                raise QuestionSetError(
                    f"{path}:{line_no}: expected 'query-id<TAB>corpus-id<TAB>score' with an integer score"
                )
            if int(fields[2]) > 0:
                gold.setdefault(fields[0], []).append(fields[1])
    return gold


def _load_beir_questions(folder: Path) -> list[Question]:
    """Questions of a BEIR folder: queries that have positive qrels, in queries.jsonl order."""
    gold = read_qrels(_qrels_path(folder))
    path = folder / "queries.jsonl"
    questions = []
    for line_no, record in _read_jsonl(path):
        query_id = _required_str(record, "_id", path, line_no)
        text = _required_str(record, "text", path, line_no)
        if query_id in gold:
            questions.append(Question(query_id, text, gold_ids=tuple(gold[query_id]), kind=folder.name))
    return questions
