"""The index version being served, and hot reload of newer ones without dropping a request.

What ``/readyz`` reports follows from ``served`` and ``problem``:

- a good version serves and CURRENT names it: 200;
- a good version serves, but the version CURRENT names was refused (corrupt, truncated, built with
  other settings, or CURRENT itself is damaged): 200 with a ``warning`` that names the file and
  what to do. The answers are complete and correct, only not the newest, so a load balancer should
  keep sending traffic; alert on the warning;
- nothing good is loaded: 503 with the reason. A broken index never serves empty results;
- the backend (a Milvus server) does not answer: 503 ``backend_unavailable`` naming it and why,
  until a poll reaches it again (``unavailable``); the loaded version then serves on.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from briefqa.runtime import make_builder, make_searcher
from briefqa.settings import Settings
from index.answering import answer_question
from index.builder import IndexBuilder
from index.embedding import Embedder
from index.errors import BackendUnavailableError, IndexMissingError, IndexStoreError
from index.search import Searcher
from index.sentence_vectors import SentenceVectors, sentences_of

log = logging.getLogger("briefqa.service")


@dataclass(frozen=True)
class Served:
    """One searcher and the version it reads; swapped as a whole, so a request sees one version."""

    searcher: Searcher
    version: str
    max_question_chars: int


class IndexState:
    """Holds the served version; ``refresh`` loads a newer committed version if it verifies.

    A version that fails verification is refused, and not retried until CURRENT names another
    version (versions never change once written, so a retry could only fail again): the
    previous one keeps serving and ``problem`` says why. A service that starts with nothing
    loaded and a refused CURRENT falls back to the newest older version that verifies.
    """

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings, self.embedder = settings, embedder
        self.builder: IndexBuilder = make_builder(settings, embedder)
        self.served: Served | None = None
        self.problem: str | None = None
        self.unavailable: BackendUnavailableError | None = None
        self._refused: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        # Shared by every version served, and kept with the version (backends that keep them) or on
        # disk (written at ingest): a start or a new version reads them back and embeds only
        # sentences never embedded before.
        self.sentences = SentenceVectors(embedder, settings.sentence_cache_size, store=self.builder.sentences)
        self._warming: threading.Event | None = None
        self.sentences_pending = 0
        self.sentences_embedded = 0  # since the start: 0 when every served sentence was stored

    def refresh(self) -> None:
        """Serve the version CURRENT names if it is new and verifies; otherwise keep what serves."""
        with self._lock:
            try:
                self._follow_current()
                self.unavailable = None
            except BackendUnavailableError as err:
                self.unavailable = err  # not the version's fault: nothing is refused, the next poll retries
                return
            except IndexStoreError as err:
                self.problem = str(err)
            if self.served is None:
                self._fall_back()

    def _follow_current(self) -> None:
        root, backend = self.settings.index_dir, self.builder.backend
        for _ in range(3):  # CURRENT may move on (and prune the version) while one loads
            wanted = backend.current_version()
            if wanted is None:
                raise IndexMissingError.at(root)
            if self.served and self.served.version == wanted:
                self.problem = None
                return
            if wanted in self._refused:
                self.problem = self._refused[wanted]
                return
            try:
                self._serve(wanted)
                return
            except BackendUnavailableError:
                raise
            except IndexStoreError as err:
                if backend.current_version() != wanted:
                    continue
                self._refused[wanted] = str(err)
                log.error("refusing index version %s: %s", wanted, err)
                raise

    def _serve(self, version: str) -> None:
        index = self.builder.load(version)
        searcher = make_searcher(self.settings, index, self.embedder, self.sentences)
        every = [text for _, text in sentences_of(index.passages)]
        read = self._read_sentences(version, every)  # before the warm-up, whose searches would embed some
        _warm_up(searcher, version)
        self.served = Served(searcher, version, self.settings.max_question_chars)
        self.problem = None
        log.info("serving index version %s (%d passages)", version, len(index.passages))
        self._embed_sentences(every, read)

    def _read_sentences(self, version: str, every: list[str]) -> int:
        """Read the vectors of the served version's sentences not in memory: those the backend keeps
        with the version (Milvus: shared by every replica), then the local store's; how many."""
        texts, vectors = self.builder.backend.sentence_vectors(version)
        wanted = set(self.sentences.missing(every))
        rows = [row for row, text in enumerate(texts) if text in wanted]
        self.sentences.add([texts[row] for row in rows], vectors[rows])
        return len(rows) + self.sentences.load(every)

    def _embed_sentences(self, every: list[str], read: int) -> None:
        """Embed the served version's sentences never stored (``read`` were read from the store) in
        the background, so that answers need only the question's encode."""
        if self._warming is not None:
            self._warming.set()  # the older version's sentences are no longer wanted first
        stop = self._warming = threading.Event()
        texts = self.sentences.missing(every)
        log.info("read %d stored sentence vectors; %d to embed", read, len(texts))
        self.sentences_pending = len(texts)

        def left(done: int, total: int) -> None:
            if not stop.is_set():
                self.sentences_pending = max(1, total - done)  # 0 only once they are kept on disk too

        def run() -> None:
            try:
                done = self.sentences.warm(texts, stop, left)
                self.sentences_embedded += done
                if not stop.is_set():
                    self.sentences_pending = 0
                log.info("embedded %d sentences of the served version for answer sentences", done)
            except Exception:
                log.exception("embedding sentences in the background failed; answers embed them on demand")

        threading.Thread(target=run, name="sentence-vectors", daemon=True).start()

    def _fall_back(self) -> None:
        """With nothing loaded, serve the newest committed version older than the refused one."""
        backend = self.builder.backend
        try:
            wanted = backend.current_version()
            names = backend.list_versions()
        except BackendUnavailableError:
            return
        except IndexStoreError:
            wanted, names = None, backend.list_versions()
        older = names[: names.index(wanted)] if wanted in names else names
        reason = self.problem
        for name in reversed(older):
            if name in self._refused:
                continue
            try:
                self._serve(name)
            except BackendUnavailableError:
                return
            except IndexStoreError as err:
                self._refused[name] = str(err)
                continue
            self.problem = f"{reason}; serving the previous good version {name} meanwhile"
            log.warning("index: %s", self.problem)
            return

    def watch(self, interval: float = 1.0) -> threading.Thread:
        """Poll for new versions in a daemon thread until ``stop``; a failed poll is logged, never fatal."""

        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.refresh()
                except Exception:
                    log.exception("index refresh failed; the served version is unchanged, retrying")

        thread = threading.Thread(target=loop, name="index-watch", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()


def _warm_up(searcher: Searcher, version: str) -> None:
    """The first searches build jieba's tables (about 0.6 s), the first answer loads jieba's
    part-of-speech model (about 0.2 s) and, for English, the CC-CEDICT dictionary is read (about
    1.5 s): pay that here, before the swap, not in a request."""
    try:
        for question in ("广州的天使母基金规模多大？", "How big is the angel fund?"):
            answer_question(searcher.search(question, 3))
    except BackendUnavailableError:
        raise
    except Exception as err:
        raise IndexStoreError(f"index version {version} loads, but a test search fails ({err})") from err
