"""Hot swap under load: 16 clients ask over loopback HTTP for 30 s while an ingest swaps the index.

Three processes, as in production: ``briefqa serve`` with the real model over a temporary index
of the briefing; an ingest process (the real model, loaded once) that changes a document and
re-ingests every few seconds, committing a new index version each time; and this one, whose
client threads ask ``/v1/ask`` in closed loops. Passes when no request failed and every answer
names a version that the ingest committed complete (and verified on disk right after).

Run: ``briefqa load-swap`` (JSON in var/bench/load_swap.json).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.http_load import run_threads, serving
from bench.replica_http import ask_body
from bench.timing import percentiles
from briefqa.settings import PROJECT_ROOT

BRIEFING = PROJECT_ROOT / "data" / "briefings" / "lingdao-xuekan-2025-06.txt"
QUESTIONS = PROJECT_ROOT / "evaluation" / "questions" / "briefing.jsonl"
OUT = PROJECT_ROOT / "var" / "bench" / "load_swap.json"

# The ingest process: loads the model, builds the first version, says "version <v> <unix time>"
# and "ready"; on "go" rewrites 动态简报.txt and re-ingests every INTERVAL seconds until stdin closes.
INGEST = """
import sys, threading, time
from pathlib import Path
from briefqa.runtime import make_builder, make_embedder
from briefqa.settings import Settings
from index.store import open_version

corpus, interval = Path(sys.argv[1]), float(sys.argv[2])
settings = Settings()
builder = make_builder(settings, make_embedder(settings))
closed = threading.Event()

def ingest(edition):
    text = f"动态简报 第{edition}版\\n\\n广州发布低空经济发展实施方案（第{edition}次修订），支持无人机物流试点。\\n"
    (corpus / "动态简报.txt").write_text(text, encoding="utf-8")
    started = time.time()
    version = builder.sync([corpus]).version
    open_version(settings.index_dir, version)  # committed complete: every file verifies
    print("version", version, time.time(), round(time.time() - started, 3), flush=True)

ingest(0)
print("ready", flush=True)
sys.stdin.readline()
threading.Thread(target=lambda: (sys.stdin.read(), closed.set()), daemon=True).start()
edition = 1
while not closed.wait(interval):
    ingest(edition)
    edition += 1
"""


def run_load_swap(duration_s: float = 30, clients: int = 16, swap_every_s: float = 6) -> dict[str, Any]:
    """Drive ``clients`` closed-loop clients for ``duration_s`` while the index is re-ingested.

    Returns:
        Figures (latency percentiles in ms, answers/s, errors, versions written and seen) and
        ``failures``: why the run failed, empty when it passed.
    """
    OUT.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]  # the machine may be shared: say how busy it was
    with tempfile.TemporaryDirectory(prefix="load-swap-", dir=OUT.parent) as scratch:
        corpus, data = Path(scratch) / "corpus", Path(scratch) / "var"
        corpus.mkdir()
        shutil.copy(BRIEFING, corpus / BRIEFING.name)
        env = {**os.environ, "BRIEFQA_DATA_DIR": str(data), "PYTHONPATH": str(PROJECT_ROOT)}
        ingest = _start([sys.executable, "-c", INGEST, str(corpus), str(swap_every_s)], env)
        try:
            written = [_read_version(ingest)]
            _expect(ingest, "ready")
            with serving(data, corpus, env, Path(scratch) / "serve.log", settled=False, limit=300) as (port, _, _):
                ingest.stdin.write("go\n")  # type: ignore[union-attr]
                ingest.stdin.flush()  # type: ignore[union-attr]
                answers = _drive(port, clients, duration_s)
        finally:
            ingest.stdin.close()  # type: ignore[union-attr]
            ingest.wait(60)
        written += _remaining_versions(ingest)
    load = {"before": round(load_before, 1), "after": round(os.getloadavg()[0], 1), "cpus": os.cpu_count()}
    return {**_figures(answers, written, clients, duration_s), "load_average_1min": load}


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _expect(process: subprocess.Popen[str], word: str) -> str:
    line = process.stdout.readline().strip()  # type: ignore[union-attr]
    if not line.startswith(word):
        raise RuntimeError(f"ingest process said {line!r}, expected {word!r} (exit code {process.poll()})")
    return line


def _read_version(process: subprocess.Popen[str]) -> dict[str, Any]:
    _, version, committed_at, took = _expect(process, "version").split()
    return {"version": version, "committed_at": float(committed_at), "ingest_s": float(took)}


def _remaining_versions(process: subprocess.Popen[str]) -> list[dict[str, Any]]:
    lines = process.stdout.read().split("\n")  # type: ignore[union-attr]
    return [
        {"version": v, "committed_at": float(at), "ingest_s": float(took)}
        for _, v, at, took in (line.split() for line in lines if line.startswith("version "))
    ]


def _drive(port: int, clients: int, duration_s: float) -> list[dict[str, Any]]:
    """Closed-loop clients, each on its own keep-alive connection, each question new to the server."""
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    answers: list[dict[str, Any]] = []
    stop_at = time.monotonic() + duration_s

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        asked = 0
        while time.monotonic() < stop_at:
            question = f"{questions[(number + asked) % len(questions)]}（{number}-{asked}）"  # no cache hits
            answers.append(_ask(connection, question))
            asked += 1

    run_threads(client, clients)
    return answers


def _ask(connection: http.client.HTTPConnection, question: str) -> dict[str, Any]:
    started_at = time.time()
    answer = ask_body(connection, question)
    if "error" in answer:
        return {"at": started_at, "ms": answer.get("ms"), "error": answer["error"]}
    return {"at": started_at, "ms": answer["ms"], "version": answer["body"]["index_version"]}


def _figures(answers: list[dict[str, Any]], written: list[dict[str, Any]], clients: int, duration: float) -> dict:
    complete = {w["version"] for w in written}
    errors = [a["error"] for a in answers if "error" in a]
    seen = Counter(a["version"] for a in answers if "version" in a)
    strangers = sorted(set(seen) - complete)
    latencies = [a["ms"] for a in answers if a.get("ms") is not None and "error" not in a]
    commits = [w["committed_at"] for w in written[1:]]
    near_swap = [a["ms"] for a in answers if "version" in a and any(0 <= a["at"] - c <= 2 for c in commits)]
    failures = [f"{len(errors)} failed requests, e.g. {errors[:3]}"] if errors else []
    failures += [f"answers named versions never committed: {strangers}"] if strangers else []
    failures += ["the index was never swapped while the clients asked"] if len(seen) < 2 else []
    return {
        "clients": clients,
        "duration_s": duration,
        "requests": len(answers),
        "errors": len(errors),
        "answers_per_s": round(len(latencies) / duration, 1),
        "latency_ms": {**percentiles(latencies), "max": round(max(latencies, default=0), 1)},
        "latency_ms_within_2s_of_a_swap": percentiles(near_swap),
        "versions_written": written,
        "versions_seen": dict(sorted(seen.items())),
        "failures": failures,
    }


def run_and_print(duration_s: float = 30, clients: int = 16, swap_every_s: float = 6) -> bool:
    """Run, write the JSON to ``OUT``, print the figures; True when the run passed."""
    result = run_load_swap(duration_s, clients, swap_every_s)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    latency = result["latency_ms"]
    near = result["latency_ms_within_2s_of_a_swap"]
    print(
        f"{result['clients']} clients for {result['duration_s']:.0f} s while re-ingesting: "
        f"{result['requests']} requests, {result['errors']} errors, {result['answers_per_s']} answers/s"
    )
    print(
        f"latency ms: p50 {latency['p50']}, p95 {latency['p95']}, p99 {latency['p99']}, max {latency['max']}; "
        f"within 2 s after a swap: p50 {near.get('p50')}, p99 {near.get('p99')} ({near.get('n')} requests)"
    )
    print(f"machine load average (1 min): {result['load_average_1min']}")
    print(f"versions written: {[w['version'] for w in result['versions_written']]}")
    print(f"versions seen (answers each): {result['versions_seen']}")
    print(f"JSON: {OUT}")
    if result["failures"]:
        print("FAILED: " + "; ".join(result["failures"]))
    return not result["failures"]
