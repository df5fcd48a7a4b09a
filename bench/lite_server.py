"""A real ``milvus-lite server`` process on a free loopback port, stoppable and restartable: the
milvus tests' fixture and the milvus benchmarks share it."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.http_load import free_port
from bench.timing import memory_mb

BINARY = Path(sys.executable).parent / "milvus-lite"


def _die_with_parent() -> None:
    """A test run killed (a timeout) takes its server with it (Linux: PR_SET_PDEATHSIG)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class LiteServer:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir, self.port = data_dir, free_port()
        self.uri = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, wait: float = 120.0) -> None:
        """Spawn and wait until it answers an RPC (imports take 6-17 s on a loaded machine); a no-op
        while its process runs. A second server on the same data folder would lose the folder's lock
        and exit, yet ``answers()`` would hear the first (which ``stop`` then never stops): so it
        waits until its own process answers."""
        if self.running():
            return
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
        command = [str(BINARY), "server", "--data-dir", str(self.data_dir), "--host", "127.0.0.1"]
        if self.answers():
            raise RuntimeError(f"another server answers on port {self.port}: not starting milvus-lite there")
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + wait
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"milvus-lite server did not start (rc {self.process.poll()})")
            time.sleep(0.5)

    def running(self) -> bool:
        """Its own process is alive (whether it answers in time or not)."""
        return self.process is not None and self.process.poll() is None

    def answers(self) -> bool:
        """One RPC on a connection of its own, closed after: pymilvus shares a connection per URI in a
        process, and one left idle is sent GOAWAY ("too many pings") by the server, after which a new
        client of the same URI failed to connect (``AliasWatch`` in the replicas benchmark)."""
        from pymilvus import MilvusClient

        client = None
        try:
            client = MilvusClient(self.uri, timeout=2, dedicated=True)
            client.get_server_version(timeout=2)
            return True
        except Exception:
            return False
        finally:
            if client is not None:
                client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # SIGTERM ends it at once; the WAL keeps what was written
            self.process.wait(timeout=30)
            self.process = None
        if self.answers():
            raise RuntimeError(f"milvus-lite stopped, yet a server still answers on port {self.port}")

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would end it."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=30)
            self.process = None

    def rss_mb(self) -> float:
        """The server's resident memory now (0 when it is not running)."""
        if self.process is None:
            return 0.0
        return memory_mb(self.process.pid)["rss_mb"]

    def drop_everything(self) -> None:
        """Every collection (and so every alias), so a test starts from an empty server."""
        client = self._client(timeout=10)
        try:
            for name in client.list_collections(timeout=10):
                for alias in client.list_aliases(name, timeout=10).get("aliases", []):
                    client.drop_alias(alias, timeout=10)
                client.drop_collection(name, timeout=10)
        finally:
            client.close()

    def _client(self, timeout: float, attempts: int = 3) -> Any:
        """A connection of its own; a GOAWAY ("too many pings") sent to an earlier one can refuse the first
        attempt (gRPC reuses the transport), and the next attempt gets a new one."""
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException

        for attempt in range(attempts):
            try:
                return MilvusClient(self.uri, timeout=timeout, dedicated=True)
            except MilvusException:
                if attempt == attempts - 1:
                    raise
                time.sleep(1.0)
        raise AssertionError("unreachable")
