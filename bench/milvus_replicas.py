"""Replicas on one Milvus: N ``briefqa serve`` processes (the real model) on one ``milvus-lite server``.

Figures (docs/scaling.md): whether the replicas answer the briefing set identically (whole response
bodies but ``took_ms``); how long after an upload through one replica every replica serves the new
version; 16 clients spread over the replicas across that switch: errors, and whether every response
equals the reference response of the version it names (one from a mix of versions, or from a
half-loaded one, would differ). The questions repeat, so after its first ask a question's vector
comes from the query cache: those answers/s are the index's and the answer step's, not the model's;
a last phase asks questions new to the servers (numbered), each paying its encode.

Run: ``briefqa milvus-replicas`` (JSON in var/bench/milvus_replicas.json).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.http_load import run_threads, start_serve, wait_ready
from bench.lite_server import LiteServer
from bench.load_swap import BRIEFING, QUESTIONS
from bench.replica_http import AliasWatch, ask_body, connect, served_version
from bench.timing import percentiles
from briefqa.settings import PROJECT_ROOT

OUT = PROJECT_ROOT / "var" / "bench" / "milvus_replicas.json"
ADMIN_KEY = "bench-admin-key-0123456789"
UPLOAD = "# 海南简报\n\n2025 年 6 月 20 日\n\n## 免税\n\n海南离岛旅客每人每年免税购物额度提高到15万元。\n"


def run_replicas(replicas: int = 3, clients: int = 16, seconds: float = 30.0) -> dict[str, Any]:
    """Start a Lite server, ingest the briefing, start ``replicas`` serves, then measure (``_measure``)."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="milvus-replicas-", dir=OUT.parent) as scratch:
        root = Path(scratch)
        server = LiteServer(root / "milvus")
        server.start()
        try:
            env = {"BRIEFQA_BACKEND": "milvus", "BRIEFQA_MILVUS_URI": server.uri, "BRIEFQA_ADMIN_KEY": ADMIN_KEY}
            env["PYTHONPATH"] = str(PROJECT_ROOT)
            corpus = root / "corpus"
            corpus.mkdir()
            shutil.copy(BRIEFING, corpus / BRIEFING.name)
            command = [sys.executable, "-m", "cli", "ingest", str(corpus)]
            started = time.monotonic()
            subprocess.run(command, env={**os.environ, **env, "BRIEFQA_DATA_DIR": str(root / "ingest")}, check=True)
            ingest_s = round(time.monotonic() - started, 1)
            with _replicas(replicas, corpus, root, env) as ports:
                result = _measure(ports, clients, seconds, server.uri)
            result.update(ingest_s=ingest_s, milvus_rss_mb=server.rss_mb())
        finally:
            server.stop()
    load = {"before": round(load_before, 1), "after": round(os.getloadavg()[0], 1), "cpus": os.cpu_count()}
    return {**result, "load_average_1min": load}


@contextmanager
def _replicas(count: int, corpus: Path, root: Path, env: dict[str, str]) -> Iterator[list[int]]:
    """``count`` serves, each with a data folder of its own (no index in it), started together."""
    started = [start_serve(root / f"replica{n}", corpus, env, root / f"replica{n}.log") for n in range(count)]
    try:
        for process, port in started:
            wait_ready(port, process, settled=True, limit=600)
        yield [port for _, port in started]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            process.wait(timeout=30)


def _measure(ports: list[int], clients: int, seconds: float, uri: str) -> dict[str, Any]:
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    before = {port: {q: ask_body(connect(port), q)["body"] for q in questions} for port in ports}
    differing = [q for q in questions if any(before[p][q] != before[ports[0]][q] for p in ports)]
    old = served_version(ports[0])
    alias = AliasWatch(uri)
    answers: list[dict[str, Any]] = []
    stop = threading.Event()
    load = threading.Thread(target=lambda: answers.extend(_drive(ports, questions, clients, stop)))
    started = time.monotonic()
    load.start()
    time.sleep(seconds / 3)
    switch = _switch(ports, old)
    time.sleep(max(0.0, started + seconds - time.monotonic(), seconds / 3))  # and a while on the new version
    stop.set()
    load.join()
    seconds = time.monotonic() - started
    alias.stop()
    after = {q: ask_body(connect(ports[0]), q)["body"] for q in questions}
    references = {old: before[ports[0]], switch["new_version"]: after}
    fresh = _fresh(ports, questions, clients, seconds / 2)
    return {
        "replicas": len(ports),
        "questions": len(questions),
        "identical_before_switch": not differing,
        "questions_answered_differently": differing,
        "switch": {**switch, **_after_alias(switch, alias.moved_at)},
        **_figures(answers, references, ports, seconds, clients),
        "new_questions": fresh,
    }


def _switch(ports: list[int], old: str) -> dict[str, Any]:
    """Upload a document through the first replica; when each replica serves the new version."""
    boundary, started = "briefqa-bench", time.time()
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="hainan.md"\r\n'
    body = (part + "Content-Type: text/plain\r\n\r\n" + UPLOAD + f"\r\n--{boundary}--\r\n").encode()
    served_at: dict[str, float | None] = {}
    watchers = [threading.Thread(target=_served_at, args=(port, old, started + 120, served_at)) for port in ports]
    for watcher in watchers:  # every replica watched from before the upload, at once
        watcher.start()
    connection = connect(ports[0])
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {ADMIN_KEY}"}
    connection.request("POST", "/v1/documents", body, headers)
    response = connection.getresponse()
    status, returned = response.status, time.time()
    response.read()
    new = served_version(ports[0])
    for watcher in watchers:
        watcher.join()
    delays = [at - returned for at in served_at.values() if at is not None]
    return {
        "upload_status": status,
        "upload_s": round(returned - started, 2),
        "old_version": old,
        "new_version": new,
        "upload_returned_at": returned,
        "served_by_replica_at": served_at,
        "all_served_within_s": round(max(delays), 2) if len(delays) == len(ports) else None,  # may be < 0
    }


def _after_alias(switch: dict[str, Any], moved_at: float | None) -> dict[str, Any]:
    """How long after the alias moved (seen from outside) the last replica served the new version."""
    served = [at for at in switch["served_by_replica_at"].values() if at is not None]
    if moved_at is None or len(served) < len(switch["served_by_replica_at"]):
        return {"alias_moved_at": moved_at, "all_served_within_s_of_alias_move": None}
    by_replica = {port: round(at - moved_at, 2) for port, at in switch["served_by_replica_at"].items()}
    return {
        "alias_moved_at": moved_at,
        "served_s_after_alias_move_by_replica": by_replica,  # the first is the one the upload went through
        "all_served_within_s_of_alias_move": round(max(served) - moved_at, 2),
    }


def _served_at(port: int, old: str, deadline: float, served_at: dict[str, float | None]) -> None:
    """When ``port`` first answers /readyz with a version other than ``old`` (None: not by ``deadline``)."""
    served_at[str(port)] = None
    while time.time() < deadline:
        if served_version(port) != old:
            served_at[str(port)] = time.time()
            return
        time.sleep(0.05)


def _drive(
    ports: list[int], questions: list[str], clients: int, stop: threading.Event, fresh: bool = False
) -> list[dict[str, Any]]:
    """Closed-loop clients until ``stop``, client n always on replica n mod len(ports) (a sticky balancer);
    ``fresh``: every question new to the servers (numbered), so each answer pays its encode."""
    answers: list[dict[str, Any]] = []

    def client(number: int) -> None:
        port = ports[number % len(ports)]
        connection, asked = connect(port), 0
        while not stop.is_set():
            question = questions[(number * 7 + asked) % len(questions)] + (f"（{number}-{asked}）" if fresh else "")
            answers.append({"port": port, "question": question, **ask_body(connection, question)})
            asked += 1

    run_threads(client, clients)
    return answers


def _fresh(ports: list[int], questions: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """Answers/s per replica with questions new to the servers: the model's encode included."""
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    started = time.monotonic()
    answers = _drive(ports, questions, clients, stop, fresh=True)
    took = time.monotonic() - started
    good = [a for a in answers if "error" not in a]
    per_replica = Counter(a["port"] for a in good)
    return {
        "seconds": round(took, 1),
        "requests": len(answers),
        "errors": len(answers) - len(good),
        "answers_per_s": round(len(good) / took, 1),
        "answers_per_s_by_replica": {str(p): round(per_replica[p] / took, 1) for p in ports},
        "latency_ms": percentiles([a["ms"] for a in good]),
    }


def _figures(
    answers: list[dict[str, Any]], references: dict[str, dict[str, Any]], ports: list[int], seconds: float, clients: int
) -> dict[str, Any]:
    errors = [a["error"] for a in answers if "error" in a]
    good = [a for a in answers if "error" not in a]
    versions = Counter(a["body"]["index_version"] for a in good)
    unknown = [a for a in good if a["body"]["index_version"] not in references]
    mismatched = [a for a in good if a["body"] != references.get(a["body"]["index_version"], {}).get(a["question"])]
    per_replica = Counter(a["port"] for a in good)
    return {
        "clients": clients,
        "duration_s": round(seconds, 1),
        "requests": len(answers),
        "errors": len(errors),
        "error_examples": errors[:3],
        "versions_seen": dict(versions),
        "responses_of_unknown_versions": len(unknown),
        "responses_unlike_their_versions_reference": len(mismatched),
        "mismatch_examples": [(a["question"], a["body"]["index_version"]) for a in mismatched[:3]],
        "answers_per_s": round(len(good) / seconds, 1),
        "answers_per_s_by_replica": {str(p): round(per_replica[p] / seconds, 1) for p in ports},
        "latency_ms": percentiles([a["ms"] for a in good]),
    }
