"""The process's one thread for torch work on several cores."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Lock, local
from typing import Any, TypeVar

_on_model_thread = local()  # .active: this is the model thread (set once, when it starts)
_MODEL_THREAD = ThreadPoolExecutor(1, "torch", initializer=lambda: setattr(_on_model_thread, "active", True))
_model_thread_lock = Lock()
_model_thread_jobs = 0
T = TypeVar("T")


def on_model_thread(action: Callable[..., T], *args: Any) -> T:
    """Run ``action(*args)`` on the process's one thread for torch work on several cores.

    Why: libgomp (torch's OpenMP) keeps a team of worker threads per thread that starts a parallel
    region, and once a process holds more such threads than cores every region waits for a worker
    to wake up. One-core encodes start no team and may run anywhere.
    """
    if getattr(_on_model_thread, "active", False):
        return action(*args)
    global _model_thread_jobs
    with _model_thread_lock:
        _model_thread_jobs += 1
    try:
        return _MODEL_THREAD.submit(action, *args).result()
    finally:
        with _model_thread_lock:
            _model_thread_jobs -= 1


def model_thread_busy() -> bool:
    """Whether the model thread is running or holding work (say, a long batch of passages)."""
    return _model_thread_jobs > 0
