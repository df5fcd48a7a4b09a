"""An ingest into Milvus SIGKILLed at random points (a real process, a real Milvus Lite server), and
the Milvus server SIGKILLed mid-ingest: the alias keeps serving the previous version, and the next
ingest completes and removes the leftover."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.lite_server import LiteServer
from briefqa.runtime import make_builder, make_searcher
from briefqa.settings import PROJECT_ROOT
from index.errors import BackendUnavailableError
from tests.fakes import HashingEmbedder
from tests.helpers import LIBRARY
from tests.milvus.test_milvus_backend import milvus_settings

pytestmark = [pytest.mark.milvus, pytest.mark.slow]
KILLS = 10

# Builds its builder, says "ready", waits for a line on stdin, syncs the corpus, says "done VERSION".
INGEST = """
import sys
from pathlib import Path
from briefqa.runtime import make_builder
from index.errors import BackendUnavailableError
from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
settings = settings_for(Path(sys.argv[1]), backend="milvus", milvus_uri=sys.argv[2], milvus_timeout_s=30.0)
builder = make_builder(settings, HashingEmbedder())
print("ready", flush=True)
sys.stdin.readline()
print("done", builder.sync([Path(p) for p in sys.argv[3:]]).version, flush=True)
"""


def _edition(corpus: Path, n: int) -> None:
    text = f"动态简报 第{n}版\n\n广州发布低空经济发展实施方案（第{n}次修订），支持无人机物流试点。\n"
    (corpus / "动态简报.txt").write_text(text, encoding="utf-8")


class _Ingest:
    """One ingest process, spawned ahead (imports take seconds) and started on ``go``."""

    def __init__(self, data_dir: Path, uri: str, corpus: list[Path]) -> None:
        command = [sys.executable, "-c", INGEST, str(data_dir), uri, *map(str, corpus)]
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        self.process = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "ready"

    def go(self) -> float:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return time.monotonic()

    def finish(self) -> str:
        assert self.process.stdout is not None
        said = self.process.stdout.readline().split()
        assert self.process.wait(timeout=300) == 0 and said[0] == "done", said
        return said[1]


def _watch(backend, stop: threading.Event, seen: dict[str, float]) -> None:
    """When the writer's first collection appears (``write``) and when the alias moves (``switch``)."""
    client, served = backend.client, backend.current_version()
    before = set(client.list_collections(timeout=10))
    while not stop.wait(0.02) and "switch" not in seen:
        if "write" not in seen and set(client.list_collections(timeout=10)) - before:
            seen["write"] = time.monotonic()
        if backend.current_version() != served:
            seen["switch"] = time.monotonic()


def _library(tmp_path: Path, milvus: LiteServer, **overrides: object):
    """The library plus a folder for the changing edition, and a builder on ``milvus``."""
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    settings = milvus_settings(tmp_path / "data", milvus, **overrides)
    return corpus_dir, [*LIBRARY, corpus_dir], settings, make_builder(settings, HashingEmbedder())


def _assert_serves_edition(settings, builder, n: int) -> None:
    index = builder.current()
    assert index is not None
    hits = make_searcher(settings, index, HashingEmbedder()).search(f"第{n}次修订", k=3).hits
    assert hits and f"（第{n}次修订）" in hits[0].passage.text, n


def test_an_ingest_killed_anywhere_leaves_the_alias_and_the_next_ingest_cleans_up(
    milvus: LiteServer, tmp_path: Path
) -> None:
    corpus_dir, corpus, settings, builder = _library(tmp_path, milvus)
    backend = builder.backend
    _edition(corpus_dir, 0)
    builder.sync(corpus)
    # One uninterrupted ingest, timed: reading and analysing, then writing collections, then the switch.
    _edition(corpus_dir, 1)
    ingest, seen, stop = _Ingest(tmp_path / "data", milvus.uri, corpus), {}, threading.Event()
    watcher = threading.Thread(target=_watch, args=(backend, stop, seen))
    watcher.start()
    began = ingest.go()
    served = ingest.finish()
    stop.set()
    watcher.join()
    to_write, to_switch = seen["write"] - began, seen["switch"] - began
    # Random points before the switch: a few from the start (reading, analysing), most from the moment
    # the first collection appears (writing), each within what that stage took in the timed run.
    rng = random.Random(16)
    points = [("start", rng.uniform(0.0, to_write)) for _ in range(3)]
    points += [("write", rng.uniform(0.0, 0.7 * (to_switch - to_write))) for _ in range(KILLS - 3)]
    client = backend.client  # type: ignore[attr-defined]
    leftovers_seen = 0
    for n, (stage, delay) in enumerate(points, start=2):
        _edition(corpus_dir, n)
        victim = _Ingest(tmp_path / "data", milvus.uri, corpus)
        before = set(client.list_collections(timeout=10))
        victim.go()
        while stage == "write" and set(client.list_collections(timeout=10)) == before:
            assert victim.process.poll() is None, "the ingest ended before writing anything"
            time.sleep(0.02)
        time.sleep(delay)
        victim.process.send_signal(signal.SIGKILL)
        assert victim.process.wait(timeout=30) == -signal.SIGKILL
        assert backend.current_version() == served, f"killed {delay:.2f} s after its {stage}: the alias moved"
        _assert_serves_edition(settings, builder, n - 1)
        complete = set(backend.list_versions())
        leftovers = [c for c in client.list_collections(timeout=10) if c.removeprefix("briefqa_")[:7] not in complete]
        leftovers_seen += bool(leftovers)
        report = builder.sync(corpus)  # the next ingest
        assert report.version is not None and backend.current_version() == report.version
        served = report.version
        complete = set(backend.list_versions())
        assert all(c.removeprefix("briefqa_")[:7] in complete for c in client.list_collections(timeout=10))
        _assert_serves_edition(settings, builder, n)
    print(f"write from {to_write:.2f} s, switch at {to_switch:.2f} s; kills {[(a, round(d, 2)) for a, d in points]}")
    print(f"leftover collections found after {leftovers_seen} of {KILLS} kills, all removed by the next ingest")
    assert leftovers_seen >= KILLS - 3  # every kill mid-write left a half-written version for the next ingest


def test_milvus_killed_mid_ingest_fails_it_cleanly_and_the_next_ingest_completes(
    milvus: LiteServer, tmp_path: Path
) -> None:
    corpus_dir, corpus, settings, builder = _library(tmp_path, milvus, milvus_timeout_s=5.0)
    _edition(corpus_dir, 1)
    served = builder.sync(corpus).version
    _edition(corpus_dir, 2)
    client = builder.backend.client  # type: ignore[attr-defined]
    before = set(client.list_collections(timeout=10))
    failed: list[BaseException] = []
    ingest = threading.Thread(target=lambda: _sync_catching(builder, corpus, failed))
    ingest.start()
    while set(client.list_collections(timeout=10)) == before:
        assert ingest.is_alive(), "the ingest ended before writing anything"
        time.sleep(0.02)
    milvus.kill()
    ingest.join(timeout=120)
    assert len(failed) == 1 and isinstance(failed[0], BackendUnavailableError), failed
    assert "milvus" in str(failed[0])
    milvus.start()
    assert builder.backend.current_version() == served
    _assert_serves_edition(settings, builder, 1)
    report = builder.sync(corpus)
    assert report.version is not None and builder.backend.current_version() == report.version
    complete = set(builder.backend.list_versions())
    assert all(c.removeprefix("briefqa_")[:7] in complete for c in client.list_collections(timeout=10))
    _assert_serves_edition(settings, builder, 2)


def _sync_catching(builder, corpus: list[Path], failed: list[BaseException]) -> None:
    try:
        builder.sync(corpus)
    except BaseException as err:  # the test asserts what it was
        failed.append(err)
