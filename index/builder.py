"""Build and update index versions: embed what changed, reuse the vectors of what did not, swap atomically.

The sentences of new passages are embedded in the same pass as the passages (a passage that is one
sentence is embedded once) and kept in the sentence store before the version is committed, so a
service that loads the version finds every sentence vector ready. A backend that keeps sentences
(Milvus) is handed every sentence of the version, so replicas with no local store need none of theirs.

Which documents a version holds is planned in ``index.sync``; this module embeds, indexes and writes.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import numpy as np

from index.backends.base import IndexBackend, SentenceRows
from index.backends.local import LocalBackend
from index.dense import DenseIndex
from index.embedding import Embedder, in_length_order
from index.errors import IndexMismatchError, IndexMissingError
from index.keyword import KeywordIndex
from index.manifest import BuildSettings, Counts, Manifest, ModelInfo, SourceRecord
from index.passage_index import PassageIndex
from index.sentence_store import SentenceStore
from index.sentence_vectors import sentences_of
from index.sync import SyncReport, gone_sources, merged, read_changed, without
from ingest.chunking import ChunkSettings
from ingest.documents import Passage
from ingest.pipeline import IngestedDocument, find_sources
from text.progress import Progress, no_progress
from text.terms import Analyzer

log = logging.getLogger("briefqa.index")


class IndexBuilder:
    """Owns writes to one index (its versions kept by ``backend``: folders under ``root`` by
    default); one writer at a time (a file lock under ``root``)."""

    def __init__(
        self,
        root: Path,
        embedder: Embedder,
        analyzer: Analyzer,
        chunking: ChunkSettings,
        keep: int = 3,
        backend: IndexBackend | None = None,
        sentences: SentenceStore | None = None,
    ) -> None:
        self.root, self.embedder, self.analyzer, self.chunking, self.keep = root, embedder, analyzer, chunking, keep
        self.backend: IndexBackend = backend or LocalBackend(root)
        self.sentences = sentences

    def settings(self) -> BuildSettings:
        """What an index must have been built with to be used with these settings."""
        model = ModelInfo(self.embedder.model_id, self.embedder.dimension)
        return BuildSettings(model, asdict(self.chunking), "+".join(self.analyzer.units))

    def load(self, version: str | None = None) -> PassageIndex:
        """A committed version (the current one by default), verified and checked against these settings.

        Raises:
            IndexMissingError: nothing was ever committed here.
            IndexCorruptError, IndexMismatchError: the version is damaged, or built otherwise.
        """
        return self.backend.load(version, lambda manifest: manifest.check_built_with(self.settings(), self.root))

    def current(self) -> PassageIndex | None:
        """The current version if there is one, checked against these settings."""
        try:
            return self.load()
        except IndexMissingError:
            return None

    def sync(
        self, paths: list[Path], remove_missing: bool = False, rebuild: bool = False, progress: Progress = no_progress
    ) -> SyncReport:
        """Make the index hold the documents under ``paths``: new files added, changed ones re-read,
        unchanged ones (same content hash) not even parsed, and those whose files are gone from a
        named folder removed (``remove_missing``: every document whose file was not found now).

        A file named on its own is all-or-nothing: if it cannot be read, IngestError is raised and
        nothing is written. A file in a named folder that cannot be read (a scan, a damaged PDF) is
        left out and named in ``SyncReport.skipped``: the rest is synced, and the file's earlier
        version, if any, stays. ``rebuild`` starts from nothing (after a change of model or settings).
        """
        sources = find_sources(paths)
        folders = [p.resolve() for p in paths if p.is_dir()]
        with self._lock():
            old = None if rebuild else self.current()
            report = SyncReport()
            incoming = read_changed(sources, folders, old, self.chunking, report)
            gone = gone_sources(sources, folders, old, remove_missing)
            return self._update(incoming, progress, old, gone, report)

    def sync_own_folder(self, paths: list[Path], progress: Progress = no_progress) -> SyncReport:
        """``sync`` (``remove_missing``) into a folder that is the caller's own cache (a benchmark's):
        a version another model or other settings built is started again from nothing, not refused."""
        try:
            return self.sync(paths, remove_missing=True, progress=progress)
        except IndexMismatchError:
            return self.sync(paths, remove_missing=True, rebuild=True, progress=progress)

    def add(self, document: IngestedDocument) -> SyncReport:
        with self._lock():
            return self._update([document], no_progress, self.current())

    def remove(self, doc_ids: list[str]) -> SyncReport:
        with self._lock():
            old = self.current()
            kept, report = without(old, doc_ids)
            if report.removed:
                report.version = self._write(kept, old, _reusable(old, []), report, no_progress)
            return report

    def _update(
        self,
        incoming: list[IngestedDocument],
        progress: Progress,
        old: PassageIndex | None,
        gone: set[str] | None = None,
        report: SyncReport | None = None,
    ) -> SyncReport:
        """Write a version with ``incoming`` added or updated and the documents of ``gone`` sources removed."""
        report = report or SyncReport()
        final = merged(old, incoming, gone or set(), report)
        if report.changes:
            report.version = self._write(final, old, _reusable(old, report.changed), report, progress)
        return report

    def _write(
        self,
        docs: list[IngestedDocument],
        old: PassageIndex | None,
        reusable: dict[str, np.ndarray],
        report: SyncReport,
        progress: Progress,
    ) -> str:
        passages = [p for d in docs for p in d.passages]
        to_embed = [p for p in passages if p.passage_id not in reusable]
        fresh, fresh_sentences = self._embed(to_embed, progress, report)
        report.embedded_passages = len(to_embed)
        vectors_by_id = {**reusable, **{p.passage_id: v for p, v in zip(to_embed, fresh, strict=True)}}
        vectors = np.stack([vectors_by_id[p.passage_id] for p in passages]) if passages else _empty(self.embedder)
        dense = DenseIndex.build(vectors)
        index = PassageIndex(
            documents={d.document.doc_id: d.document for d in docs},
            passages=passages,
            vectors=vectors,
            dense=dense,
            keyword=KeywordIndex.build([self.analyzer.units_of(embedding_text(p)) for p in passages]),
        )
        kept = self._version_sentences(passages, fresh_sentences, old, report) if self.backend.keeps_sentences else None
        return self.backend.write(index, self._manifest(index, dense), self.keep, kept)

    def _version_sentences(
        self, passages: list[Passage], fresh: dict[str, np.ndarray], old: PassageIndex | None, report: SyncReport
    ) -> SentenceRows:
        """Every sentence of the version with its vector: embedded just now, else kept with the
        previous version, else in the local store, else (an ingest on a new machine of a version
        written without them) embedded now."""
        texts = list(dict.fromkeys(t for _, t in sentences_of(passages)))
        known: dict[str, np.ndarray] = {}
        if old is not None and old.manifest.version:
            known.update(zip(*self.backend.sentence_vectors(old.manifest.version), strict=True))
        known.update(fresh)
        if self.sentences is not None:
            known.update(self.sentences.read(t for t in texts if t not in known))
        missing = [t for t in texts if t not in known]
        embedded = in_length_order(missing, 64, self.embedder.embed_passages, no_progress)
        report.embedded_sentences += len(missing)
        if embedded is not None:
            known.update(zip(missing, embedded, strict=True))
        return texts, np.stack([known[t] for t in texts]) if texts else _empty(self.embedder)

    def _manifest(self, index: PassageIndex, dense: DenseIndex) -> Manifest:
        """What the new version records about itself (``index.sealing`` adds its files)."""
        settings = self.settings()
        return Manifest(
            model=settings.model,
            chunking=settings.chunking,
            keyword_units=settings.keyword_units,
            created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            sources={i: SourceRecord(d.source, d.sha256) for i, d in index.documents.items()},
            counts=Counts(len(index.documents), len(index.passages)),
            dense_index=dense.describe(),
        )

    def _embed(
        self, passages: list[Passage], progress: Progress, report: SyncReport
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Embed the passages, and their sentences not yet stored, in one pass: calls of 64, shortest
        texts first (``in_length_order``: each call pads little), so a text that is both a passage
        and a sentence is embedded once. Returns the passages' vectors in their order, and the
        sentences' by text."""
        texts = [embedding_text(p) for p in passages]
        sentences = self.sentences.missing(t for _, t in sentences_of(passages)) if self.sentences else []
        union = list(dict.fromkeys(texts + sentences))
        report.embedded_sentences = len(union) - len(set(texts))
        vectors = in_length_order(union, 64, self.embedder.embed_passages, progress)
        if vectors is None:
            return _empty(self.embedder), {}
        row = {text: i for i, text in enumerate(union)}
        if self.sentences is not None and sentences:
            try:
                self.sentences.write(sentences, vectors[[row[t] for t in sentences]])
            except OSError as err:  # the version is still whole: a service embeds them when it loads it
                log.warning("cannot keep %d sentence vectors on disk: %s", len(sentences), err)
        return vectors[[row[t] for t in texts]], {t: vectors[row[t]] for t in sentences}

    @contextmanager
    def _lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".write.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield


def embedding_text(passage: Passage) -> str:
    """The text a passage is embedded and keyword-indexed as: its section heading gives it context."""
    section = passage.section if passage.section and passage.section not in ("导语", "刊头") else ""
    return f"{section}\n{passage.text}" if section and not passage.text.startswith(section) else passage.text


def _reusable(old: PassageIndex | None, changed: list[str]) -> dict[str, np.ndarray]:
    """The old version's vectors by passage id, but for those of ``changed`` documents (same ids, new text)."""
    if old is None:
        return {}
    stale = {p.passage_id for doc_id in changed for p in old.passages_of(doc_id)}
    return {p.passage_id: old.vectors[i] for i, p in enumerate(old.passages) if p.passage_id not in stale}


def _empty(embedder: Embedder) -> np.ndarray:
    return np.zeros((0, embedder.dimension), dtype=np.float32)
