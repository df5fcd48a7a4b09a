"""Benchmarks: bench (every figure of the performance issue), load-swap (hot swap under load),
milvus-replicas (replicas on one Milvus across a switch), milvus-parity (both backends' retrieval)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from bench.options import SERVERS, BenchOptions
from cli.common import comma_numbers, fail

DEFAULTS = BenchOptions()
_SIZES, _SERVERS = ",".join(map(str, DEFAULTS.sizes)), ",".join(DEFAULTS.servers)


def _servers(text: str) -> tuple[str, ...]:
    chosen = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in chosen if name not in SERVERS]
    if unknown:
        fail(f"unknown server set-up(s) {unknown}: use some of {', '.join(SERVERS)}", 2)
    return chosen


_Out = Annotated[Path | None, typer.Option("--out", "-o", help="Where the JSON goes (default var/bench/results.json).")]
_Articles = Annotated[int, typer.Option("--articles", "-a", help="CMRC articles to ingest and serve.")]
_Sizes = Annotated[str, typer.Option("--sizes", "-s", help="Passage counts for retrieval alone, joined by commas.")]
_ProbeSentences = Annotated[int, typer.Option("--probe-sentences", help="CMRC sentences for the backends and txtai.")]
_Servers = Annotated[str, typer.Option("--servers", help="Server set-ups to drive over HTTP, joined by commas.")]
_NoPeer = Annotated[bool, typer.Option("--no-peer", help="Skip txtai (and installing it into var/bench-venv).")]
_RestartPassages = Annotated[
    int, typer.Option("--restart-passages", help="Passages of the version restarted (both runtimes); 0 skips.")
]
_MilvusOnly = Annotated[
    bool, typer.Option("--milvus-only", help="Only the milvus backend beside the local one, at --sizes up to 100k.")
]


def bench(
    out: _Out = None,
    articles: _Articles = DEFAULTS.articles,
    sizes: _Sizes = _SIZES,
    probe_sentences: _ProbeSentences = DEFAULTS.probe_sentences,
    servers: _Servers = _SERVERS,
    no_peer: _NoPeer = False,
    no_backends: Annotated[bool, typer.Option("--no-backends", help="Skip the per-backend processes.")] = False,
    no_milvus: Annotated[bool, typer.Option("--no-milvus", help="Skip the milvus backend beside local.")] = False,
    milvus_only: _MilvusOnly = False,
    restart_passages: _RestartPassages = DEFAULTS.restart_passages,
    quick: Annotated[bool, typer.Option("--quick", "-q", help="Small sizes: a smoke run in a few minutes.")] = False,
) -> None:
    """Measure every figure of the performance issue in one run: print a table, write the JSON.

    Sections: encode floor, ingest (torch and each ONNX recipe) against the bare encode, jieba, /v1/ask over
    HTTP (one server per set-up), a served version restarted and a cold ask, retrieval alone at 1k-1M
    passages, the milvus backend's legs (latency, recall@10) beside the local ones at up to 100k
    passages, each embedding backend in its own process, and txtai beside us. Slow builds are cached
    under var/.

    Examples:

        briefqa bench
        briefqa bench --quick
        briefqa bench --servers onnx-batching,torch-batching --no-peer --no-backends --sizes 1000
        briefqa bench --milvus-only --sizes 10000,100000
    """
    counts = comma_numbers(sizes, "passage counts", "1000,10000")
    sections = (not no_peer, not no_backends, not no_milvus)
    options = BenchOptions(articles, counts, probe_sentences, _servers(servers), *sections)
    options = replace(options, restart_passages=restart_passages)
    from bench.corpus import BENCH_DIR
    from bench.suite import main, main_milvus  # after the checks: they load torch

    if milvus_only:
        main_milvus(options, out or BENCH_DIR / "milvus_scale.json")
        return
    main(options.quick() if quick else options, out or BENCH_DIR / "results.json")


def load_swap(
    seconds: Annotated[float, typer.Option("--seconds", "-t", help="How long the clients ask.")] = 30,
    clients: Annotated[int, typer.Option("--clients", "-c", min=1, help="Closed-loop clients.")] = 16,
    swap_every: Annotated[float, typer.Option("--swap-every", help="Seconds between re-ingests.")] = 6,
) -> None:
    """Hot swap under load: clients ask over HTTP while another process re-ingests and swaps the index.

    Passes (exit status 0) when no request failed and every answer names a version the ingest
    committed complete; writes var/bench/load_swap.json.

    Examples:

        briefqa load-swap
        briefqa load-swap --seconds 10 --clients 4
    """
    from bench.load_swap import run_and_print

    if not run_and_print(seconds, clients, swap_every):
        raise typer.Exit(1)


def milvus_replicas(
    replicas: Annotated[int, typer.Option("--replicas", "-r", min=1, help="briefqa serve processes.")] = 3,
    clients: Annotated[int, typer.Option("--clients", "-c", min=1, help="Closed-loop clients.")] = 16,
    seconds: Annotated[float, typer.Option("--seconds", "-t", help="How long the clients ask (at least).")] = 30,
) -> None:
    """Replicas on one Milvus Lite server: identical answers, a switch served by all, clients across it.

    Starts a `milvus-lite server`, ingests the briefing, starts the replicas (the real model), asks
    each the briefing set, then uploads a document through one while the clients ask all of them
    (for --seconds, and at least a third of it after every replica serves the upload).
    Passes (exit status 0) when the replicas answered identically, all served the upload within
    5 s, no request failed and every response equals its version's reference; writes
    var/bench/milvus_replicas.json.

    Examples:

        briefqa milvus-replicas
        briefqa milvus-replicas --replicas 2 --clients 4 --seconds 10
    """
    from bench.replica_report import run_and_print

    if not run_and_print(replicas, clients, seconds):
        raise typer.Exit(1)


def milvus_parity(
    sets: Annotated[
        str, typer.Option("--sets", help="Question sets, joined by commas: briefing, cmrc.")
    ] = "briefing,cmrc",
) -> None:
    """Both backends' retrieval in one run on the same vectors: hit@1 and MRR@10 of each, and the difference.

    The briefing set over data/briefings ingested into a local folder and into a milvus-lite
    server; the CMRC sentence set (var/bench/cmrc-sentences, `briefqa cmrc` builds it) indexed in
    memory and written to the same server. Vectors come from the evaluation cache, so the second
    backend embeds nothing. Passes (exit status 0) when hybrid hit@1 differs by at most 1 point;
    writes var/bench/milvus_parity.json.

    Examples:

        briefqa milvus-parity
        briefqa milvus-parity --sets briefing
    """
    chosen = tuple(name.strip() for name in sets.split(",") if name.strip())
    if not chosen or any(name not in ("briefing", "cmrc") for name in chosen):
        fail(f"--sets {sets!r}: use briefing, cmrc or both, joined by a comma", 2)
    from bench.milvus_parity import run_and_print
    from cli.common import load_embedder, load_settings

    settings = load_settings()
    if not run_and_print(settings, load_embedder(settings), chosen):
        raise typer.Exit(1)
