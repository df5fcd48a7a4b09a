"""Parity: the milvus backend's hybrid retrieval beside the local backend's, in one run, on the same vectors.

- the briefing set (``evaluation/questions/briefing.jsonl``): ``data/briefings`` ingested into a
  local folder and into Milvus through one embedder whose passage vectors are kept on disk
  (``CachedPassages``), so both versions hold the same vectors and only the first embeds;
- the CMRC sentence set (a BEIR folder): the in-memory index ``evaluation.runner.searcher_for``
  builds (its vectors from the evaluation cache), then that same index written to Milvus, read
  back as a replica reads it and searched with the same question and sentence vectors.

Both are scored by ``evaluation.runner.score_modes``; ``hit@1`` of each backend and their difference
in points are printed. Run: ``briefqa milvus-parity`` (JSON in var/bench/milvus_parity.json).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.lite_server import LiteServer
from bench.timing import say
from briefqa.runtime import make_backend, make_builder, make_searcher
from briefqa.settings import PROJECT_ROOT, Settings
from evaluation.passage_cache import CachedPassages
from evaluation.questions import load_questions
from evaluation.runner import score_modes, searcher_for
from index.embedding import Embedder
from index.manifest import Manifest

OUT = PROJECT_ROOT / "var" / "bench" / "milvus_parity.json"
BRIEFING_SET = PROJECT_ROOT / "evaluation" / "questions" / "briefing.jsonl"
BRIEFINGS = PROJECT_ROOT / "data" / "briefings"
CMRC = PROJECT_ROOT / "var" / "bench" / "cmrc-sentences"
MODES = {"briefing": ["hybrid", "dense", "bm25"], "cmrc": ["hybrid"]}  # Lite: ~0.1 s a search, 4,219 questions


def run_parity(settings: Settings, embedder: Embedder, sets: tuple[str, ...] = ("briefing", "cmrc")) -> dict[str, Any]:
    """Each set's scores on both backends, one Lite server for the run."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="milvus-parity-", dir=OUT.parent) as scratch:
        root = Path(scratch)
        server = LiteServer(root / "milvus")
        server.start()
        try:
            local = settings.model_copy(update={"data_dir": root / "local"})
            update = {"data_dir": root / "remote", "backend": "milvus", "milvus_uri": server.uri}
            remote = settings.model_copy(update={**update, "milvus_timeout_s": 600.0})
            if "briefing" in sets:
                results["briefing"] = _timed(lambda: _briefing(local, remote, embedder))
            if "cmrc" in sets:
                results["cmrc"] = _timed(lambda: _cmrc(local, remote, embedder))
        finally:
            server.stop()
    results["load_average_1min"] = {"before": round(load_before, 1), "after": round(os.getloadavg()[0], 1)}
    return results


def _timed(run: Any) -> dict[str, Any]:
    started = time.monotonic()
    return {**run(), "seconds": round(time.monotonic() - started, 1)}


def _briefing(local: Settings, remote: Settings, embedder: Embedder) -> dict[str, Any]:
    questions = load_questions(BRIEFING_SET)
    cached = CachedPassages(embedder, local.cache_dir / "eval")
    scores = {}
    for name, settings in (("local", local), ("milvus", remote)):
        say(f"parity, briefing: {name}")
        make_builder(settings, cached).sync([BRIEFINGS])
        searcher = searcher_for(BRIEFING_SET, questions, settings, cached, MODES["briefing"])
        scores[name] = _overall(score_modes(searcher, questions, MODES["briefing"], 10))
    return _compared(scores, len([q for q in questions if q.answerable]))


def _cmrc(local: Settings, remote: Settings, embedder: Embedder) -> dict[str, Any]:
    questions = load_questions(CMRC)
    say("parity, cmrc: local")
    searcher = searcher_for(CMRC, questions, local, embedder, MODES["cmrc"])
    scores = {"local": _overall(score_modes(searcher, questions, MODES["cmrc"], 10))}
    say(f"parity, cmrc: writing {len(searcher.index.passages):,} passages to milvus")
    backend = make_backend(remote, remote.index_dir)
    backend.write(searcher.index, Manifest(), keep=1)
    index = backend.load(None, lambda manifest: None)
    say("parity, cmrc: milvus")
    on_milvus = make_searcher(remote, index, searcher.embedder, searcher.sentences)
    scores["milvus"] = _overall(score_modes(on_milvus, questions, MODES["cmrc"], 10))
    return _compared(scores, len([q for q in questions if q.answerable]))


def _overall(results: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {mode: {k: round(v, 4) for k, v in result.overall.items()} for mode, result in results.items()}


def _compared(scores: dict[str, Any], questions: int) -> dict[str, Any]:
    """Both backends' scores, and milvus minus local in points of hit@1, per mode."""
    points = {
        mode: round(100 * (scores["milvus"][mode]["hit@1"] - scores["local"][mode]["hit@1"]), 2)
        for mode in scores["local"]
    }
    return {"questions": questions, **scores, "hit@1_milvus_minus_local_points": points}


def run_and_print(settings: Settings, embedder: Embedder, sets: tuple[str, ...]) -> bool:
    """Run, write the JSON to ``OUT``, print hit@1 per set and mode; True when hybrid is within 1 point."""
    result = run_parity(settings, embedder, sets)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    within = True
    for name in sets:
        r = result[name]
        for mode in MODES[name]:
            print(
                f"{name} ({r['questions']} questions) {mode:<6}: hit@1 local {r['local'][mode]['hit@1']:.4f}, "
                f"milvus {r['milvus'][mode]['hit@1']:.4f} ({r['hit@1_milvus_minus_local_points'][mode]:+.2f} points); "
                f"mrr@10 local {r['local'][mode]['mrr@10']:.4f}, milvus {r['milvus'][mode]['mrr@10']:.4f}"
            )
        within = within and abs(r["hit@1_milvus_minus_local_points"]["hybrid"]) <= 1.0
    print(f"load average (1 min): {result['load_average_1min']}; JSON: {OUT}")
    return within
