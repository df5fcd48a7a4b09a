"""Clocks, percentiles and resident memory: the measuring tools every section shares."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def percentiles(ms: list[float]) -> dict[str, float]:
    """p50/p95/p99 and mean of a list of milliseconds, rounded for a table."""
    values = np.asarray(ms, dtype=np.float64)
    if not len(values):
        return {"n": 0}
    p50, p95, p99 = (round(float(v), 3) for v in np.percentile(values, [50, 95, 99]))
    return {"n": len(values), "p50": p50, "p95": p95, "p99": p99, "mean": round(float(values.mean()), 3)}


def time_each(action: Callable[[T], Any], items: Iterable[T]) -> list[float]:
    """Milliseconds ``action`` took on each item, one after another."""
    out = []
    for item in items:
        started = time.perf_counter()
        action(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def timed(action: Callable[[], T]) -> tuple[T, float]:
    """``action()`` and the seconds it took."""
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def memory_mb(pid: int | str = "self") -> dict[str, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS", 0.0), "peak_mb": fields.get("VmHWM", 0.0)}


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class SectionLog:
    """A line as each section starts, numbered, and one with the time the section took as it ends:
    a run of an hour says where it is and what is left."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.current, self.started = total, 0, "", 0.0

    def __call__(self, name: str) -> None:
        self.finish()
        self.done += 1
        self.current, self.started = name, time.perf_counter()
        say(f"({self.done}/{self.total}) {name}")

    def finish(self) -> None:
        if self.current:
            say(f"({self.done}/{self.total}) {self.current}: done in {time.perf_counter() - self.started:.1f} s")
        self.current = ""
