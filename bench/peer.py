"""txtai beside briefqa: the same sentences and converted model, in txtai's own virtual environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.corpus import BENCH_DIR, Cmrc

PEER_VENV = BENCH_DIR.parent / "bench-venv"
# torch pinned first: an unpinned one would pull a multi-GB CUDA build into the peer's environment.
PEER_PACKAGES = (["torch==2.13.0"], ["txtai==9.14.0", "sentence-transformers==6.2.0"])


def peer_python(venv: Path = PEER_VENV, install: bool = True) -> Path | None:
    """The peer environment's python, created and filled on first use (a few minutes, once)."""
    python = venv / "bin" / "python"
    if _has_txtai(python):
        return python
    if not install:
        return None
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    for packages in PEER_PACKAGES:
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    return python


def _has_txtai(python: Path) -> bool:
    return python.is_file() and subprocess.run([str(python), "-c", "import txtai"], capture_output=True).returncode == 0


def run_peer(python: Path, model_dir: Path, cmrc: Cmrc, work: Path) -> dict[str, Any]:
    """txtai's index time, search latency and recall@10 (dense, and with its BM25 hybrid) on ``cmrc``."""
    job = {
        "model": str(model_dir),
        "sentences": cmrc.sentences,
        "questions": cmrc.questions,
        "gold": [sorted(g) for g in cmrc.gold],
        "latency_questions": {"dense": cmrc.questions[0::7][:60], "hybrid": cmrc.questions[1::7][:60]},
    }
    work.mkdir(parents=True, exist_ok=True)
    job_path = work / "txtai-job.json"
    job_path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    script = Path(__file__).with_name("txtai_probe.py")
    done = subprocess.run([str(python), str(script), str(job_path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"txtai probe failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))
