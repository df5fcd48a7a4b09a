"""HTTP and Milvus probes of ``bench.milvus_replicas``: one ``/v1/ask`` body, the served version, the alias."""

from __future__ import annotations

import http.client
import json
import threading
import time
from typing import Any


def connect(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=120)


def served_version(port: int) -> str:
    connection = connect(port)
    connection.request("GET", "/readyz")
    return str(json.loads(connection.getresponse().read())["index_version"])


def ask_body(connection: http.client.HTTPConnection, question: str) -> dict[str, Any]:
    """The response body without ``took_ms`` (the one field that may differ), or the error."""
    payload = json.dumps({"question": question}, ensure_ascii=False).encode()
    started = time.perf_counter()
    try:
        connection.request("POST", "/v1/ask", payload, {"Content-Type": "application/json"})
        response = connection.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        return {"error": repr(error)}
    ms = (time.perf_counter() - started) * 1000
    if response.status != 200:
        return {"ms": ms, "error": f"{response.status}: {raw[:200]!r}"}
    body = json.loads(raw)
    body.pop("took_ms", None)
    return {"ms": ms, "body": body}


class AliasWatch:
    """When the alias moved, seen from outside every replica (pymilvus, polled every 20 ms)."""

    def __init__(self, uri: str) -> None:
        from pymilvus import MilvusClient

        self._client, self._stop = MilvusClient(uri, timeout=10), threading.Event()
        self._first = self._target()
        self.moved_at: float | None = None
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _target(self) -> str:
        return str(self._client.describe_alias("briefqa", timeout=10)["collection_name"])

    def _watch(self) -> None:
        while not self._stop.wait(0.02) and self.moved_at is None:
            if self._target() != self._first:
                self.moved_at = time.time()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)
