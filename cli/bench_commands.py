"""Benchmarks: bench (every figure of the performance issue), load-swap (hot swap under load)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bench.options import SERVERS, BenchOptions
from cli.common import comma_numbers, fail

DEFAULTS = BenchOptions()


def _servers(text: str) -> tuple[str, ...]:
    chosen = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in chosen if name not in SERVERS]
    if unknown:
        fail(f"unknown server set-up(s) {unknown}: use some of {', '.join(SERVERS)}", 2)
    return chosen


def bench(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where the JSON goes (default var/bench/results.json).")
    ] = None,
    articles: Annotated[
        int, typer.Option("--articles", "-a", help="CMRC articles to ingest and serve.")
    ] = DEFAULTS.articles,
    sizes: Annotated[
        str, typer.Option("--sizes", "-s", help="Passage counts for retrieval alone, joined by commas.")
    ] = ",".join(map(str, DEFAULTS.sizes)),
    probe_sentences: Annotated[
        int, typer.Option("--probe-sentences", help="CMRC sentences for the backends and txtai.")
    ] = DEFAULTS.probe_sentences,
    servers: Annotated[
        str, typer.Option("--servers", help="Server set-ups to drive over HTTP, joined by commas.")
    ] = ",".join(DEFAULTS.servers),
    no_peer: Annotated[bool, typer.Option("--no-peer", help="Skip txtai (installed into var/bench-venv).")] = False,
    no_backends: Annotated[bool, typer.Option("--no-backends", help="Skip the per-backend processes.")] = False,
    restart_passages: Annotated[
        int, typer.Option("--restart-passages", help="Passages of the version restarted (both runtimes); 0 skips.")
    ] = DEFAULTS.restart_passages,
    quick: Annotated[bool, typer.Option("--quick", "-q", help="Small sizes: a smoke run in a few minutes.")] = False,
) -> None:
    """Measure every figure of the performance issue in one run: print a table, write the JSON.

    Sections: encode floor, ingest (torch and ONNX int8), jieba, /v1/ask over HTTP (one server per
    set-up), a served version restarted and a cold ask, retrieval alone at 1k-1M passages, each
    embedding backend in its own process, txtai beside us. Slow builds are cached under var/.

    Examples:

        briefqa bench
        briefqa bench --quick
        briefqa bench --servers onnx-batching,torch-batching --no-peer --no-backends --sizes 1000
    """
    counts, chosen = comma_numbers(sizes, "passage counts", "1000,10000"), _servers(servers)
    options = BenchOptions(articles, counts, probe_sentences, chosen, not no_peer, not no_backends, restart_passages)
    from bench.suite import BENCH_DIR, main  # after the checks: it loads torch

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
