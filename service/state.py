"""The index version being served, and hot reload of newer ones without dropping a request."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from briefqa.runtime import make_builder, make_searcher
from briefqa.settings import Settings
from index.builder import IndexBuilder, check_compatible
from index.embedder import Embedder
from index.passage_index import PassageIndex
from index.search import Searcher
from index.store import IndexStoreError, current_version, open_version

log = logging.getLogger("briefqa.service")


@dataclass(frozen=True)
class Served:
    """One searcher and the version it reads; swapped as a whole, so a request sees one version."""

    searcher: Searcher
    version: str
    max_question_chars: int


class IndexState:
    """Holds the served version; ``refresh`` loads a newer complete version if there is one.

    A version that fails verification is refused: the previous one keeps serving, and ``problem``
    says why (``/readyz`` reports it).
    """

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings, self.embedder = settings, embedder
        self.builder: IndexBuilder = make_builder(settings, embedder)
        self.served: Served | None = None
        self.problem: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def refresh(self) -> None:
        root = self.settings.index_dir
        with self._lock:
            try:
                wanted = current_version(root)
            except OSError as err:
                self.problem = f"cannot read {root / 'CURRENT'}: {err}"
                return
            if wanted is None:
                self.problem = f"no index at {root}: run `briefqa ingest PATH`"
                return
            if self.served and self.served.version == wanted:
                return
            try:
                folder, manifest = open_version(root, wanted)
                check_compatible(manifest, self.builder.settings(), root)
                index = PassageIndex.load(folder, manifest)
            except IndexStoreError as err:
                self.problem = str(err)
                log.error("refusing index version %s: %s", wanted, err)
                return
            searcher = make_searcher(self.settings, index, self.embedder)
            self.served = Served(searcher, wanted, self.settings.max_question_chars)
            self.problem = None
            log.info("serving index version %s (%d passages)", wanted, len(index.passages))

    def watch(self, interval: float = 1.0) -> threading.Thread:
        """Poll for new versions in a daemon thread until ``stop``."""

        def loop() -> None:
            while not self._stop.wait(interval):
                self.refresh()

        thread = threading.Thread(target=loop, name="index-watch", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
