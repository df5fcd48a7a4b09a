"""The model runtime's figures beside torch: a restart of a served 1,000-passage version (seconds to
ready, what it embedded again, its resident memory), and a cold ``briefqa ask``.

Each server and each ``ask`` is a process of its own (``briefqa serve``, ``python -m cli ask``), so
that the figures are what a user's process pays: imports, model load, index load, sentences.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.corpus import write_articles
from bench.http_load import Client, serving
from bench.timing import memory_mb, say, timed
from briefqa.runtime import make_builder, make_embedder
from briefqa.settings import PROJECT_ROOT, Settings

SYNCED = re.compile(r"(\d+) passages\s+and\s+(\d+)\s+more\s+sentences\s+embedded")  # rich may wrap the line
ASKED = "天使母基金规模多大？"
BRIEFINGS = PROJECT_ROOT / "data" / "briefings"


def build_version(settings: Settings, folder: Path, passages: int) -> dict[str, Any]:
    """Ingest CMRC articles into ``settings.data_dir`` until the version holds ``passages`` or more
    (about 2.5 passages an article); return the figures of the ingest that got there."""
    builder = make_builder(settings, make_embedder(settings))
    count, held = passages * 2 // 5, 0
    while held < passages and count <= 848:
        paths = write_articles(folder, count)
        for stale in set(folder.glob("*.txt")) - set(paths):
            stale.unlink()
        report, seconds = timed(lambda: builder.sync_own_folder([folder]))
        index = builder.current()
        assert index is not None
        held = len(index.passages)
        say(f"  {held} passages from {count} articles")
        count += max(10, (passages - held) // 2)
    return {
        "articles": len(paths),
        "passages": held,
        "seconds": round(seconds, 1),
        "embedded_passages": report.embedded_passages,
        "embedded_sentences": report.embedded_sentences,
    }


def _readyz(port: int) -> dict[str, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/readyz")
    return dict(json.loads(connection.getresponse().read()))


def restart(data_dir: Path, folder: Path, env: dict[str, str], log: Path, questions: list[str]) -> dict[str, Any]:
    """Start ``briefqa serve`` over the built version (its sync finds every file unchanged) and
    report the seconds until it is ready with every sentence vector, what it embedded again (from
    its sync line and /readyz), and its resident memory after answering ``questions``."""
    with serving(data_dir, folder, env, log, settled=True) as (port, pid, ready_s):
        status = _readyz(port)
        client = Client(port)
        for question in questions:
            client.ask(question)
        memory = memory_mb(pid)
    synced = SYNCED.search(log.read_text(encoding="utf-8", errors="replace"))
    return {
        "ready_s": ready_s,
        "passages": status["passages"],
        "passages_embedded": int(synced.group(1)) if synced else None,
        "sentences_embedded_at_sync": int(synced.group(2)) if synced else None,
        "sentences_embedded_by_server": status.get("sentences_embedded"),
        "memory": memory,
    }


def cold_ask(settings: Settings, env: dict[str, str]) -> dict[str, Any]:
    """Seconds of ``briefqa ask`` in a new process over the bundled briefing (indexed here first)."""
    make_builder(settings, make_embedder(settings)).sync_own_folder([BRIEFINGS])
    child = {**os.environ, **env, "BRIEFQA_DATA_DIR": str(settings.data_dir)}
    command = [sys.executable, "-m", "cli", "ask", ASKED, "-k", "3", "--json"]
    started = time.perf_counter()
    done = subprocess.run(command, env=child, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        return {"error": done.stderr[-800:]}
    answer = json.loads(done.stdout).get("answer") or {}
    return {"seconds": round(seconds, 2), "answered": "100亿元" in (answer.get("text") or "")}
