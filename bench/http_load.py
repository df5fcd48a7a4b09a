"""/v1/ask over real HTTP on loopback: the real ``briefqa serve`` in its own process, driven by threads."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.timing import memory_mb, percentiles

CLIENTS = (1, 4, 16)
ROUNDS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(
    data_dir: Path, corpus: Path, env: dict[str, str], log: Path, settled: bool = True, limit: float = 600
) -> Iterator[tuple[int, int, float]]:
    """Run ``briefqa serve`` over an already-built index; once it is ready (and, when ``settled``, done
    embedding the served sentences), yield (port, pid, seconds from start to ready)."""
    process, port = start_serve(data_dir, corpus, env, log)
    try:
        started = time.monotonic()
        wait_ready(port, process, settled, limit)
        yield port, process.pid, round(time.monotonic() - started, 1)
    finally:
        process.terminate()
        process.wait(timeout=30)


def start_serve(data_dir: Path, corpus: Path, env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Spawn ``briefqa serve`` on a free loopback port, its output to ``log``; (process, port)."""
    port = free_port()
    child_env = {**os.environ, **env, "BRIEFQA_DATA_DIR": str(data_dir), "BRIEFQA_PORT": str(port)}
    child_env["BRIEFQA_HOST"] = "127.0.0.1"
    command = [sys.executable, "-m", "cli", "serve", "--corpus", str(corpus)]
    with log.open("w") as sink:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, env=child_env, stdout=sink, stderr=subprocess.STDOUT), port


def wait_ready(port: int, process: subprocess.Popen[bytes], settled: bool, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"briefqa serve exited with {process.returncode} before it was ready (see its log)")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/readyz")
            response = connection.getresponse()
            # Settled: done embedding the served version's sentences (the steady state users see).
            if response.status == 200 and (not settled or json.loads(response.read()).get("sentences_pending") == 0):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"briefqa serve on port {port} not ready after {limit:.0f} s")


class Client:
    """One keep-alive connection asking questions, as one user's browser would.

    ``path`` is /v1/ask (answer sentence, abstention, highlights) or /v1/search (ranked passages only).
    """

    def __init__(self, port: int, path: str = "/v1/ask") -> None:
        self._port, self.path = port, path
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def ask(self, question: str) -> float:
        """Ask; return the milliseconds until the whole answer arrived. A connection the server
        closed while idle (uvicorn's keep-alive is 5 s; the bare encodes between blocks can take
        longer on a busy machine) is opened again first, outside the clock."""
        try:
            return self._ask(question)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            self._connection.close()
            self._connection = http.client.HTTPConnection("127.0.0.1", self._port, timeout=120)
            self._connection.connect()
            return self._ask(question)

    def _ask(self, question: str) -> float:
        body = json.dumps({"question": question}, ensure_ascii=False).encode()
        started = time.perf_counter()
        self._connection.request("POST", self.path, body, {"Content-Type": "application/json"})
        response = self._connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{self.path} answered {response.status}: {payload[:200]!r}")
        return elapsed


def one_client(
    port: int,
    questions: list[str],
    warmup: list[str],
    path: str = "/v1/ask",
    floor: Callable[[str], float] | None = None,
    block: int = 10,
) -> dict[str, Any]:
    """Latency percentiles of one client asking ``questions`` one after another.

    With ``floor`` (the milliseconds the bare model takes for one question, in this process) the same questions are
    also encoded bare, in alternating blocks of ``block``: both figures come from the same questions
    in the same seconds, so neither question length nor the machine's drift between minutes (both
    move the encode by 20 % here) enters their ratio. A short pause before each block lets the
    other process's idle threads go to sleep first, so the two never share the cores.
    """
    client = Client(port, path)
    for question in warmup:
        client.ask(question)
    answered: list[float] = []
    bare: list[float] = []
    for start in range(0, len(questions), block):
        group = questions[start : start + block]
        if floor is not None:
            time.sleep(0.05)
            bare += [floor(q) for q in group]
            time.sleep(0.05)
        answered += [client.ask(q) for q in group]
    return {**percentiles(answered), **({"bare_same_questions": percentiles(bare)} if bare else {})}


@dataclass
class Run:
    """One closed-loop run: answers in the steady state and its seconds, all answers and their seconds."""

    steady: int
    steady_s: float
    answers: int
    seconds: float
    latencies: list[float]


def closed_loop(port: int, questions: list[str], clients: int, path: str = "/v1/ask") -> Run:
    """``clients`` closed-loop clients sharing ``questions`` (each asked once).

    The steady state is while every client is busy: from the moment the first round has been
    answered (``clients`` answers) to the moment the last question is handed out. The start, when
    all clients ask at once, and the drain, when fewer and fewer are left, are outside it.
    """
    handout = _Handout(questions)
    answered: list[float] = []
    latencies: list[float] = []
    errors: list[Exception] = []

    def user(_: int) -> None:
        client = Client(port, path)
        while (question := handout.next()) is not None:
            try:
                latencies.append(client.ask(question))
                answered.append(time.perf_counter())
            except (OSError, RuntimeError) as err:
                errors.append(err)
                return

    seconds = run_threads(user, clients)
    if errors:
        raise RuntimeError(f"{len(errors)} of {clients} clients failed; first: {errors[0]}")
    answered.sort()
    begin, end = answered[clients - 1], handout.last_at
    if end <= begin:
        raise ValueError(f"{len(questions)} questions are too few to see {clients} clients all busy")
    steady = sum(1 for t in answered if begin < t <= end)
    return Run(steady, end - begin, len(answered), seconds, latencies)


class _Handout:
    """The shared questions, handed out one at a time; ``last_at`` is when the last one went."""

    def __init__(self, questions: list[str]) -> None:
        self._queue = list(reversed(questions))
        self._lock = threading.Lock()
        self.last_at = 0.0

    def next(self) -> str | None:
        with self._lock:
            if not self._queue:
                return None
            question = self._queue.pop()
            if not self._queue:
                self.last_at = time.perf_counter()
            return question


def run_threads(target: Callable[[int], None], count: int) -> float:
    """Run ``target(0)`` ... ``target(count - 1)``, each in a thread, to their end; return the seconds taken."""
    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def throughput(runs: list[Run], clients: int) -> dict[str, Any]:
    """Answers/s over ``runs``: ``answers_per_s`` in their steady states, ``answers_per_s_whole_run``
    over everything, start and drain included."""
    return {
        "clients": clients,
        "runs": len(runs),
        "answers_per_s": round(sum(r.steady for r in runs) / sum(r.steady_s for r in runs), 1),
        "answers_per_s_whole_run": round(sum(r.answers for r in runs) / sum(r.seconds for r in runs), 1),
        **percentiles([ms for r in runs for ms in r.latencies]),
    }


def measure_service(
    port: int, pid: int, questions: list[str], per_client: int = 30, floor: Callable[[str], float] | None = None
) -> dict[str, Any]:
    """For /v1/ask, then /v1/search: one-client latency (beside ``floor`` on the same questions, see
    ``one_client``) and throughput at 1, 4 and 16 clients (every question new to the server, so its
    query cache never answers); then its memory.

    The concurrencies take turns, ``ROUNDS`` times (1, 4, 16, 1, 4, 16), so that the machine's
    drift between minutes falls on all of them alike rather than on whichever ran last.
    """
    out: dict[str, Any] = {}
    rest = questions
    for path, name in (("/v1/ask", "ask"), ("/v1/search", "search")):
        result = {"one_client_ms": one_client(port, rest[10:110], rest[:10], path, floor)}
        rest = rest[110:]
        runs: dict[int, list[Run]] = {clients: [] for clients in CLIENTS}
        for _ in range(ROUNDS):
            for clients in CLIENTS:
                count = max(30, per_client * clients // ROUNDS)
                runs[clients].append(closed_loop(port, rest[:count], clients, path))
                rest = rest[count:]
        loads = {str(clients): throughput(runs[clients], clients) for clients in CLIENTS}
        out[name] = {**result, "throughput": loads}
    return {**out["ask"], "search": out["search"], "memory": memory_mb(pid)}
