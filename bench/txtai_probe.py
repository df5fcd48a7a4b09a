"""txtai over the same sentences and model, run inside its own virtual environment (var/bench-venv).

Standalone on purpose (only txtai, numpy and the standard library): the peer's environment does
not hold briefqa. Reads a JSON job file, prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from importlib.metadata import version

import numpy as np


def percentiles(ms: list[float]) -> dict[str, float]:
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return {"n": len(ms), "p50": round(float(p50), 3), "p95": round(float(p95), 3), "p99": round(float(p99), 3)}


def main(job_path: str) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from txtai import Embeddings

    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    config = {
        "path": job["model"],
        "method": "sentence-transformers",
        "content": False,
        "instructions": {"query": "query: ", "data": "passage: "},
        "batch": 64,
        "encodebatch": 32,
    }
    results = {}
    for name, extra in (("dense", {}), ("hybrid", {"hybrid": True})):
        embeddings = Embeddings(config | extra)
        started = time.perf_counter()
        embeddings.index(job["sentences"])
        index_s = time.perf_counter() - started
        times = []
        for question in job["latency_questions"][name]:
            started = time.perf_counter()
            embeddings.search(question, 10)
            times.append((time.perf_counter() - started) * 1000)
        ranked = embeddings.batchsearch(job["questions"], 10)
        hits = [
            len({int(i) for i, _ in r} & set(g)) / min(len(g), 10) for r, g in zip(ranked, job["gold"], strict=True)
        ]
        results[name] = {
            "index_s": round(index_s, 1),
            "search_ms": percentiles(times),
            "recall_at_10": round(float(np.mean(hits)), 4),
        }
    print(json.dumps({"peer": "txtai", "version": version("txtai"), **results}))


if __name__ == "__main__":
    main(sys.argv[1])
