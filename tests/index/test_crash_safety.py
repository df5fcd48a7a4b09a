"""Crash safety on the real file system: an ingest killed with SIGKILL, or out of disk, loses nothing.

A real ingest subprocess is killed at 20 random points of a rebuild (half of them inside the
write itself); after each kill a live service still answers from a complete version and the
index still verifies, and the next ingest completes. ENOSPC injected at each stage of a write
leaves the old version serving and no half-written version behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import faiss
import httpx
import numpy as np
import pytest

from briefqa.runtime import make_builder
from briefqa.settings import PROJECT_ROOT, Settings
from index.builder import IndexBuilder
from index.passage_index import PassageIndex
from index.store import IndexWriteError, current_version, list_versions, open_version
from tests.fakes import HashingEmbedder
from tests.helpers import BRIEFING, serve_in_thread, settings_for

KILLS = 20
DIMENSION = 384  # the real model's, so the files are the real model's size
QUESTION = {"question": "广州天使母基金规模多大？", "top_k": 3}

# A warm ingest process: imports and warms up once, says "ready", then for each line read forks a
# child that rebuilds the whole index (saying "writing" when it starts writing the new version and
# "done <version>" at the end); the parent says "child <pid>" and "exited <status>". Forking keeps
# Python's two seconds of imports off the kill clock; each child is an ordinary process to kill.
WORKER = """
import os, sys, traceback
from pathlib import Path
import index.backends.local as builder_module  # where the builder commits a version
from briefqa.runtime import make_builder
from briefqa.settings import Settings
from tests.fakes import HashingEmbedder

builder = make_builder(Settings(), HashingEmbedder(int(sys.argv[2])))
builder.analyzer.units_of("预热")
write_version = builder_module.write_version

def say(line):
    # one write(2) of a short line to a pipe is whole or not at all: a child killed while printing
    # with print() left "done" without its version (seen once in 20 kills)
    os.write(1, (line + "\\n").encode())

def announced(*args, **kwargs):
    say("writing")
    return write_version(*args, **kwargs)

builder_module.write_version = announced
print("ready", flush=True)
for _ in sys.stdin:
    pid = os.fork()
    if pid == 0:
        try:
            say("done " + builder.sync([Path(sys.argv[1])], rebuild=True).version)
            os._exit(0)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
    print("child", pid, flush=True)
    print("exited", os.waitpid(pid, 0)[1], flush=True)
"""


@dataclass
class Service:
    settings: Settings
    builder: IndexBuilder
    url: str
    sources: Path
    committed: set[str | None]  # every version CURRENT has named: what the service may still hold in memory


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A live service over an index of 30 generated briefings (a rebuild takes about a second)."""
    base = tmp_path_factory.mktemp("crash")
    sources = base / "sources"
    sources.mkdir()
    paragraphs = [p for p in BRIEFING.read_text(encoding="utf-8").splitlines() if p.strip()]
    rng = random.Random(2025)
    for number in range(30):
        body = "\n".join(rng.sample(paragraphs, k=min(25, len(paragraphs))))
        (sources / f"简报-{number:03d}.txt").write_text(f"领导参阅 第{number}期\n\n{body}\n", encoding="utf-8")
    settings = settings_for(base / "var")
    builder = make_builder(settings, HashingEmbedder(DIMENSION))
    builder.sync([sources])
    for url in serve_in_thread(settings, HashingEmbedder(DIMENSION)):
        yield Service(settings, builder, url, sources, {current_version(settings.index_dir)})


class Ingest:
    """The warm ingest process; ``rebuild`` starts one rebuild in a fresh child process."""

    def __init__(self, service: Service) -> None:
        env = {**os.environ, "BRIEFQA_DATA_DIR": str(service.settings.data_dir), "PYTHONPATH": str(PROJECT_ROOT)}
        command = [sys.executable, "-c", WORKER, str(service.sources), str(DIMENSION)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.expect("ready")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def expect(self, word: str, timeout: float = 60) -> str:
        """Wait for the line starting with ``word``, skipping earlier progress lines."""
        deadline = time.monotonic() + timeout
        while not (line := self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))).startswith(word):
            assert line.split()[0] in ("child", "writing", "done"), f"ingest said {line!r}, waiting for {word!r}"
        return line

    def rebuild(self) -> int:
        """Start a rebuild in a new child process; returns the child's pid."""
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return int(self.expect("child").split()[1])

    def kill(self, child: int) -> bool:
        """SIGKILL the child; False if it had already finished its rebuild."""
        with contextlib.suppress(ProcessLookupError):  # already exited, and reaped by its parent
            os.kill(child, signal.SIGKILL)
        status = int(self.expect("exited").split()[1])
        assert status == 0 or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL), status
        return status != 0

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(10)


def check_serving(service: Service, committed: set[str | None]) -> str:
    """The index verifies and loads, and the live service answers from a committed, complete version."""
    folder, manifest = open_version(service.settings.index_dir)
    assert PassageIndex.load(folder, manifest).passages
    answer = httpx.post(service.url + "/v1/ask", json=QUESTION, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["index_version"] in committed and answer.json()["passages"]
    ready = httpx.get(service.url + "/readyz", timeout=10).json()
    assert "warning" not in ready, ready
    return str(answer.json()["index_version"])


def wait_until(check: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_ingest_killed_at_random_points_never_breaks_the_served_index(service: Service):
    root = service.settings.index_dir
    committed = service.committed
    ingest = Ingest(service)
    try:
        started = time.monotonic()  # one full rebuild, timed, to place the kills
        ingest.rebuild()
        ingest.expect("writing")
        writing = time.monotonic()
        committed.add(ingest.expect("done").split()[1])
        whole, write = time.monotonic() - started, time.monotonic() - writing
        ingest.expect("exited")

        rng = random.Random(20)
        outcomes: list[str] = []
        for attempt in range(2 * KILLS):
            if len(outcomes) == KILLS:
                break
            before, leftovers = current_version(root), set((root / "versions").glob(".tmp-*"))
            child = ingest.rebuild()
            if attempt % 2:  # inside the write of the new version
                ingest.expect("writing")
                time.sleep(rng.uniform(0, write))
            else:  # anywhere in the rebuild
                time.sleep(rng.uniform(0, whole))
            killed = ingest.kill(child)
            after = current_version(root)
            if after != before:
                committed.add(after)  # the new version was committed before the kill
            unfinished = set((root / "versions").glob(".tmp-*")) - leftovers
            check_serving(service, committed)
            if not killed:
                continue  # it finished first (the machine was faster this time): not a kill
            outcomes.append("committed" if after != before else "mid-write" if unfinished else "before-write")

        ingest.rebuild()  # the next ingest completes
        last = ingest.expect("done").split()[1]
        assert int(ingest.expect("exited").split()[1]) == 0
    finally:
        ingest.close()
    committed.add(last)
    wait_until(lambda: check_serving(service, committed) == last)
    assert not list((root / "versions").glob(".tmp-*")) and not list(root.glob(".CURRENT.*"))
    assert len(list_versions(root)) <= service.settings.keep_versions
    print(f"{KILLS} kills (rebuild {whole:.2f} s, write {write:.2f} s): {sorted(outcomes)}")
    assert len(outcomes) == KILLS and outcomes.count("mid-write") >= 3, outcomes


def no_space(path: object = None) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def half_then_full() -> Callable[..., None]:
    """A writer that gets half its bytes out before the disk fills up."""

    def write(target: object, *args: object, **kwargs: object) -> None:
        Path(str(target)).write_bytes(b"\x93NUMPY" + bytes(100))
        raise no_space(target)

    return write


def fsync_fails_for(name: str) -> Callable[[int], None]:
    """``os.fsync`` that reports ENOSPC (as delayed allocation does) for the file called ``name``."""
    real = os.fsync

    def fsync(fd: int) -> None:
        path = os.readlink(f"/proc/self/fd/{fd}")
        if Path(path).name == name or Path(path).name.startswith(name):
            raise no_space(path)
        real(fd)

    return fsync


ENOSPC = {
    "numpy.save of vectors.npy": lambda mp: mp.setattr(np, "save", half_then_full()),
    "faiss.write_index of dense.faiss": lambda mp: mp.setattr(faiss, "write_index", half_then_full()),
    "fsync of passages.jsonl": lambda mp: mp.setattr(os, "fsync", fsync_fails_for("passages.jsonl")),
    "fsync of manifest.json": lambda mp: mp.setattr(os, "fsync", fsync_fails_for("manifest.json")),
    "fsync of the CURRENT pointer": lambda mp: mp.setattr(os, "fsync", fsync_fails_for(".CURRENT.")),
}


@pytest.mark.parametrize("stage", list(ENOSPC))
def test_a_full_disk_leaves_the_old_version_serving(service: Service, stage: str, monkeypatch: pytest.MonkeyPatch):
    root = service.settings.index_dir
    before, versions = current_version(root), list_versions(root)
    extra = service.sources / f"磁盘满-{stage.split()[0]}.txt"
    extra.write_text(f"领导参阅 增刊\n\n{stage}：磁盘写满时，旧版本索引继续服务。\n", encoding="utf-8")
    with monkeypatch.context() as patched:
        ENOSPC[stage](patched)
        with pytest.raises(IndexWriteError, match="the disk is full") as refused:
            service.builder.sync([service.sources])
    assert f"version {before} is still current" in str(refused.value)
    assert current_version(root) == before and list_versions(root) == versions
    assert not list((root / "versions").glob(".tmp-*")) and not list(root.glob(".CURRENT.*"))
    check_serving(service, service.committed)  # a complete version committed before serves, with no warning

    recovered = service.builder.sync([service.sources]).version  # space is back: the same ingest completes
    assert recovered and current_version(root) == recovered and open_version(root)
    service.committed.add(recovered)
