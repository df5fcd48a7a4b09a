"""``IndexBackend`` on Milvus: versions as collections behind one alias (``index.backends.milvus``)."""

from __future__ import annotations

from collections.abc import Callable

from pymilvus import MilvusClient

from index.backends.base import SentenceRows
from index.backends.milvus import reader, versions, writer
from index.backends.milvus.client import BACKEND, MilvusConfig, connect, probe
from index.errors import IndexMissingError
from index.manifest import Manifest
from index.passage_index import PassageIndex


class MilvusBackend:
    name = BACKEND
    keeps_sentences = True  # replicas elsewhere have no local store to read them from

    def __init__(self, cfg: MilvusConfig) -> None:
        self.cfg, self.location = cfg, cfg.uri
        self._client: MilvusClient | None = None

    @property
    def client(self) -> MilvusClient:
        """Connected on first use, so a replica started while Milvus is down starts (and says 503)."""
        if self._client is None:
            self._client = connect(self.cfg)
        return self._client

    def write(self, index: PassageIndex, manifest: Manifest, keep: int, sentences: SentenceRows | None = None) -> str:
        """As ``IndexBackend.write``; ``sentences`` (texts, vectors) are stored with the version, so
        replicas load them instead of embedding them (``sentence_vectors``)."""
        return writer.write(self.client, self.cfg, index, manifest, keep, sentences)

    def sentence_vectors(self, version: str) -> SentenceRows:
        """The sentence vectors stored with ``version``; none when it was written without them."""
        return reader.sentence_vectors(self.client, self.cfg, version)

    def load(self, version: str | None, check: Callable[[Manifest], None]) -> PassageIndex:
        version = version or self.current_version()
        if version is None:
            raise IndexMissingError(f"no index in milvus at {self.cfg.uri}: run `briefqa ingest PATH` first")
        return reader.load(self.client, self.cfg, version, check)

    def current_version(self) -> str | None:
        probe(self.client, self.cfg)  # describe_alias alone may not reach a frozen server in time
        return versions.current_version(self.client, self.cfg)

    def list_versions(self) -> list[str]:
        return versions.list_versions(self.client, self.cfg)
