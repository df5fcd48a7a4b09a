"""Connecting to Milvus, and turning its failures into ``BackendUnavailableError``.

Every call passes its own timeout: ``MilvusClient(timeout=)`` bounds only connecting, and a frozen
server otherwise hangs a call forever. A restarted server keeps collections released (code 101)
until ``load_collection``: ``call`` loads once and retries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import grpc
from pymilvus import MilvusClient, MilvusException

from index.errors import BackendUnavailableError

T = TypeVar("T")
BACKEND = "milvus"
_NOT_LOADED = 101
_FAILURES = (MilvusException, grpc.RpcError)  # a frozen server raises grpc's DEADLINE_EXCEEDED itself
# pymilvus logs every failed call with a traceback (tens of thousands of lines while a server is down).
logging.getLogger("pymilvus").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class MilvusConfig:
    uri: str  # a local path (Milvus Lite embedded) or http://host:19530
    token: str = ""
    timeout: float = 10.0  # per call; writes allow more (``slow``)
    alias: str = "briefqa"
    prefix: str = "briefqa_"

    @property
    def slow(self) -> float:
        """Inserts, flushes and loads take longer than a search."""
        return max(self.timeout, 600.0)


def connect(cfg: MilvusConfig) -> MilvusClient:
    """A client; an embedded Lite file needs its folder to exist."""
    if "://" not in cfg.uri:
        Path(cfg.uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        return MilvusClient(cfg.uri, token=cfg.token, timeout=cfg.timeout)
    except _FAILURES as err:
        raise unavailable(err) from err


def unavailable(err: BaseException) -> BackendUnavailableError:
    details = getattr(err, "message", None) or (err.details() if isinstance(err, grpc.RpcError) else str(err))
    return BackendUnavailableError(BACKEND, str(details or type(err).__name__)[:200])


def call(client: MilvusClient, cfg: MilvusConfig, name: str | None, fn: Callable[[], T]) -> T:
    """``fn()``; a released collection ``name`` is loaded once; any failure is BackendUnavailableError."""
    try:
        try:
            return fn()
        except MilvusException as err:
            if err.code != _NOT_LOADED or name is None:
                raise
            client.load_collection(name, timeout=cfg.slow)
            return fn()
    except _FAILURES as err:
        raise unavailable(err) from err


def probe(client: MilvusClient, cfg: MilvusConfig) -> Any:
    """One cheap call that proves the server answers (constructing a client proves nothing)."""
    return call(client, cfg, None, lambda: client.get_server_version(timeout=cfg.timeout))
