"""CMRC 2018 as sentence-level and paragraph-level retrieval benchmarks in BEIR layout.

Every context of the SQuAD-style files (``cmrc2018_dev.json`` then
``cmrc2018_trial.json``, or any ``*.json`` in sorted order, or the one file
``--src`` names) is cut into sentences after 。！？； (the delimiter run and any
closing quote or bracket ”’」』） stay with the sentence). A paragraph without
an ``id`` (XQuAD has none) is named ``<file stem>-<article>-<paragraph>``,
counted from 0. Sentences are stripped, empty ones dropped,
and identical texts share one corpus id ``s{n}`` numbered in first-seen order.
The gold units of a question are the sentences where its answer spans start;
answers that cannot be located and questions with empty text are skipped.

Output (UTF-8, ``\\n`` line ends, byte-identical on every run)::

    corpus.jsonl   {"_id": "s0", "text": "...", "title": ""}
    queries.jsonl  {"_id": "DEV_0_QUERY_0", "text": "..."}
    qrels.tsv      query-id<TAB>corpus-id<TAB>score (header line first)

At paragraph level (``--level paragraph``) the corpus is the contexts themselves (``p{n}``, identical
contexts shared, no title: paragraphs of one article share it, so the benchmark asks which paragraph
answers) and the gold unit of every non-empty question is its context. Its passages hold several
sentences, as a briefing's do: it is where re-ranking passages by their best sentence is tuned.

The derived files are CC BY-SA 4.0 like the source data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from text.progress import Progress, no_progress
from text.sentences import SentenceRule, sentence_spans

# CMRC contexts are Wikipedia text: ASCII marks and line breaks stay inside sentences.
CMRC_SENTENCES = SentenceRule(ends="。！？；", closers="”’」』）", line_breaks=False)
SOURCE_FILES = ("cmrc2018_dev.json", "cmrc2018_trial.json")


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence of one context: its text (whitespace stripped) and its [start, end) offsets there."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class BenchmarkStats:
    """Sizes of a built benchmark (``sentences`` counts its corpus units: sentences or paragraphs)."""

    contexts: int
    sentences: int
    questions: int
    qrels: int
    unplaced_answers: int
    empty_questions: int


def split_sentences(context: str) -> list[SentenceSpan]:
    """Cut a context into stripped, non-empty sentences with their offsets."""
    return [SentenceSpan(context[s:e], s, e) for s, e in sentence_spans(context, rule=CMRC_SENTENCES)]


class SourceFormatError(ValueError):
    """A source file is not SQuAD-shaped; the message names the file and what it lacks."""


def _source_paths(src_dir: Path) -> list[Path]:
    """The SQuAD-style JSON files to read: ``src_dir`` itself when it is a file, else dev before trial."""
    if src_dir.is_file():
        return [src_dir]
    known = [src_dir / name for name in SOURCE_FILES if (src_dir / name).is_file()]
    paths = known or sorted(src_dir.glob("*.json"))
    if not paths:
        raise FileNotFoundError(f"{src_dir}: no CMRC json files (expected {', '.join(SOURCE_FILES)})")
    return paths


def _paragraphs(paths: list[Path], progress: Progress = no_progress) -> Iterator[dict[str, Any]]:
    """Every paragraph of every file, in file order; one without an id (XQuAD's) is named by its place.
    ``progress`` hears how many paragraphs of all the files are done.

    Raises:
        SourceFormatError: a file is not JSON, or lacks a key the benchmark needs.
    """
    loaded = [(path, _load(path)) for path in paths]
    total = sum(
        len(article.get("paragraphs", [])) for _, data in loaded for article in data if isinstance(article, dict)
    )
    done = 0
    for path, data in loaded:
        for a, article in enumerate(data):
            for p, paragraph in enumerate(_required(article, "paragraphs", f"{path}: data[{a}]")):
                where = f"{path}: data[{a}].paragraphs[{p}]"
                _required(paragraph, "context", where)
                for q, qa in enumerate(paragraph.get("qas", [])):
                    _required(qa, "id", f"{where}.qas[{q}]")
                    _required(qa, "question", f"{where}.qas[{q}]")
                yield {"id": f"{path.stem}-{a}-{p}", **paragraph, "title": article.get("title", "")}
                done += 1
                progress(done, total)


def _load(path: Path) -> list[Any]:
    """The articles of one SQuAD-style file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise SourceFormatError(f"{path}: not a JSON file ({err})") from err
    return list(_required(data, "data", str(path)))


def _required(record: Any, key: str, where: str) -> Any:
    if not isinstance(record, dict) or key not in record:
        raise SourceFormatError(f"{where} has no {key!r}: not a SQuAD-style file")
    return record[key]


def _answer_start(context: str, answer: dict[str, Any]) -> int:
    """Offset of an answer span; falls back to searching the text when answer_start is off."""
    start = int(answer.get("answer_start", -1))
    text = answer.get("text", "")
    if 0 <= start < len(context) and context.startswith(text, start):
        return start
    return context.find(text) if text else -1


def _sentence_at(spans: list[SentenceSpan], offset: int) -> SentenceSpan | None:
    """The sentence whose span holds the offset (or the next one, for offsets in whitespace between)."""
    for span in spans:
        if offset < span.end:
            return span
    return None


class _Builder:
    """Accumulates corpus, queries and qrels while reading paragraphs."""

    def __init__(self) -> None:
        self.corpus: dict[str, str] = {}
        self.origin: dict[str, tuple[str, str, int]] = {}  # id -> (article title, context id, position)
        self.queries: list[tuple[str, str]] = []
        self.qrels: list[tuple[str, str]] = []
        self.contexts = 0
        self.unplaced = 0
        self.empty_questions = 0

    def sentence_id(self, text: str) -> str:
        """Corpus id of a sentence text, adding it when new."""
        return self.corpus.setdefault(text, f"s{len(self.corpus)}")

    def add_paragraph(self, paragraph: dict[str, Any]) -> None:
        """Add the sentences of one context and its questions with their gold sentences."""
        context = paragraph["context"]
        spans = split_sentences(context)
        ids = {span.start: self.sentence_id(span.text) for span in spans}
        for position, span in enumerate(spans):
            self.origin.setdefault(ids[span.start], (paragraph.get("title", ""), paragraph["id"], position))
        self.contexts += 1
        for qa in paragraph.get("qas", []):
            if not qa["question"].strip():
                self.empty_questions += 1
                continue
            gold: list[str] = []
            for answer in qa.get("answers", []):
                offset = _answer_start(context, answer)
                holder = _sentence_at(spans, offset) if offset >= 0 else None
                if holder is None:
                    self.unplaced += 1
                elif ids[holder.start] not in gold:
                    gold.append(ids[holder.start])
            if gold:
                self.queries.append((qa["id"], qa["question"].strip()))
                self.qrels.extend((qa["id"], corpus_id) for corpus_id in gold)


def _write_lines(path: Path, lines: Iterator[str]) -> None:
    """Write lines with '\\n' endings as UTF-8."""
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="\n")


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


def _write_beir(
    out_dir: Path, corpus: Iterable[dict[str, Any]], queries: list[tuple[str, str]], qrels: list[tuple[str, str]]
) -> None:
    """Write a BEIR folder: corpus records, (id, text) queries and (query, corpus unit) relevance pairs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_lines(out_dir / "corpus.jsonl", (_dump(record) for record in corpus))
    _write_lines(out_dir / "queries.jsonl", (_dump({"_id": i, "text": t}) for i, t in queries))
    qrel_lines = (f"{query_id}\t{corpus_id}\t1" for query_id, corpus_id in qrels)
    _write_lines(out_dir / "qrels.tsv", iter(["query-id\tcorpus-id\tscore", *qrel_lines]))


def build_cmrc_sentences(src_dir: Path, out_dir: Path, progress: Progress = no_progress) -> BenchmarkStats:
    """Build the CMRC 2018 sentence-retrieval benchmark (BEIR layout) from src_dir into out_dir."""
    builder = _Builder()
    for paragraph in _paragraphs(_source_paths(Path(src_dir)), progress):
        builder.add_paragraph(paragraph)
    corpus = ((_id, text, *builder.origin[_id]) for text, _id in builder.corpus.items())
    records = (
        {"_id": i, "text": t, "title": title, "metadata": {"context": c, "position": n}} for i, t, title, c, n in corpus
    )
    _write_beir(Path(out_dir), records, builder.queries, builder.qrels)
    return BenchmarkStats(
        contexts=builder.contexts,
        sentences=len(builder.corpus),
        questions=len(builder.queries),
        qrels=len(builder.qrels),
        unplaced_answers=builder.unplaced,
        empty_questions=builder.empty_questions,
    )


def build_cmrc_paragraphs(src_dir: Path, out_dir: Path, progress: Progress = no_progress) -> BenchmarkStats:
    """Build the CMRC 2018 paragraph-retrieval benchmark (BEIR layout): which context answers."""
    corpus: dict[str, str] = {}
    queries, qrels, contexts, empty = [], [], 0, 0
    for paragraph in _paragraphs(_source_paths(Path(src_dir)), progress):
        contexts += 1
        context_id = corpus.setdefault(paragraph["context"].strip(), f"p{len(corpus)}")
        for qa in paragraph.get("qas", []):
            if not qa["question"].strip():
                empty += 1
                continue
            queries.append((qa["id"], qa["question"].strip()))
            qrels.append((qa["id"], context_id))
    records = ({"_id": i, "text": t, "title": ""} for t, i in corpus.items())
    _write_beir(Path(out_dir), records, queries, qrels)
    return BenchmarkStats(contexts, len(corpus), len(queries), len(qrels), 0, empty)
