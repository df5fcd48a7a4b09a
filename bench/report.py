"""The results as one table for people and the same figures as JSON, each target passed or failed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.checks import checks
from bench.runtime_report import runtime_checks, runtime_lines


def table(r: dict[str, Any]) -> str:
    """A plain-text report: every section that ran, then the targets."""
    lines = [f"briefqa benchmark ({r['meta']['when']}, {r['meta']['cpus']} CPUs; all figures from this one run)"]
    for section in (_floor, _ingest, runtime_lines, _service, _scale, _milvus, _backends, _peer):
        lines += section(r)
    targets = checks(r) + runtime_checks(r)
    lines += ["", "Targets:"] if targets else []
    for c in targets:
        mark = "SHOWN" if c.passed is None else "PASS" if c.passed else "FAIL"
        lines.append(f"  [{mark}] {c.name}: {c.measured} (target {c.target})")
    return "\n".join(lines)


def _floor(r: dict[str, Any]) -> list[str]:
    out = []
    for key, how in (("floor", "sentence-transformers' eager encode"), ("floor_traced", "traced, as briefqa runs it")):
        if key not in r:
            continue
        s = r[key]["single_query"]
        out += [
            "",
            f"Model encode (torch, bare model, {how}, this process):",
            f"  one question: p50 {s['p50']:.1f} ms, p95 {s['p95']:.1f} ms (a floor of /v1/ask)",
        ]
        out += [
            f"  batch of {n:>2}: {b['ms_per_batch']:.1f} ms, {b['questions_per_s']} questions/s"
            for n, b in r[key]["batches"].items()
        ]
    return out


def _ingest(r: dict[str, Any]) -> list[str]:
    if "ingest" not in r:
        return []
    i, b, j = r["ingest"]["ingest"], r["ingest"]["bare_encode"], r["jieba"]
    traced = r["ingest"].get("bare_encode_traced")
    return [
        "",
        f"Ingest ({i['documents']} CMRC articles, {i['passages']} passages, {i['characters']} characters):",
        f"  briefqa ingest: {i['seconds']} s, {i['passages_per_s']} passages/s, {i['chars_per_s']} characters/s",
        f"  bare model batch encode, same passages: {b['seconds']} s, {b['passages_per_s']} passages/s",
        *(
            [f"  bare model traced, same passages: {traced['seconds']} s, {traced['passages_per_s']} passages/s"]
            if traced
            else []
        ),
        f"  jieba precise mode {j['jieba_chars_per_s']} characters/s; BM25 units {j['units_chars_per_s']} characters/s",
    ]


def _service(r: dict[str, Any]) -> list[str]:
    out = []
    for name, s in r.get("service", {}).items():
        one, loads, memory = s["one_client_ms"], s["throughput"], s["memory"]
        out += [
            "",
            f"/v1/ask over HTTP, `briefqa serve` ({name}):",
            f"  start to ready, the served sentences embedded: {s.get('ready_s', '?')} s",
            f"  one client: p50 {one['p50']:.1f} ms, p95 {one['p95']:.1f} ms, p99 {one['p99']:.1f} ms"
            + _bare_beside(one),
            "  throughput, all clients busy (1, 4, 16 clients taking turns, twice): "
            + ", ".join(f"{c} clients {v['answers_per_s']}/s (p50 {v['p50']:.0f} ms)" for c, v in loads.items()),
            "  throughput, whole run incl. start and drain: "
            + ", ".join(f"{c} clients {v.get('answers_per_s_whole_run', '?')}/s" for c, v in loads.items()),
            *_search_lines(s.get("search")),
            f"  resident memory: {memory['rss_mb']} MB now, {memory['peak_mb']} MB peak",
        ]
    return out


def _search_lines(search: dict[str, Any] | None) -> list[str]:
    """/v1/search: the same retrieval without answer extraction, to show what answering costs."""
    if not search:
        return []
    one, loads = search["one_client_ms"], search["throughput"]
    return [
        f"  /v1/search one client: p50 {one['p50']:.1f} ms, p95 {one['p95']:.1f} ms{_bare_beside(one)}; throughput: "
        + ", ".join(f"{c} clients {v['answers_per_s']}/s" for c, v in loads.items())
        + " (all busy)"
    ]


def _bare_beside(one: dict[str, Any]) -> str:
    bare = one.get("bare_same_questions")
    return f" (bare traced encode of the same questions, alternating: p50 {bare['p50']:.1f} ms)" if bare else ""


def _scale(r: dict[str, Any]) -> list[str]:
    if "scale" not in r:
        return []
    s = r["scale"]
    out = [
        "",
        "Retrieval alone (depth 50, one thread), by size:",
        "  dense: vectors beyond the real CMRC ones are SYNTHETIC (blends of real vectors + noise)",
    ]
    for d in s["dense"]:
        flat = f"; flat would be {d['flat_latency_ms']['p50']:.1f} ms" if "flat_latency_ms" in d else ""
        params = ", ".join(f"{k}={v}" for k, v in d["index"].items() if k != "kind")
        out.append(
            f"  {d['passages']:>9,} {d['index']['kind']}{' (' + params + ')' if params else ''}: "
            f"p50 {d['latency_ms']['p50']:.2f} ms, recall@10 {d['recall_at_10']:.3f}, "
            f"{d['synthetic_vectors']:,} synthetic, build {d['build_s']}{flat}"
        )
    out.append(
        f"  BM25: passages RECOMBINED from {s['bm25'][0]['recombined_from_real_sentences']:,} real CMRC "
        f"sentences (array-built BM25 equals bm25s' own: {s['bm25_builder_matches_bm25s']})"
    )
    out += [
        f"  {b['passages']:>9,}: p50 {b['latency_ms']['p50']:.2f} ms, p95 {b['latency_ms']['p95']:.2f} ms, "
        f"build {b['build_s']} s"
        for b in s["bm25"]
    ]
    return out


def _milvus(r: dict[str, Any]) -> list[str]:
    if not r.get("milvus"):
        return []
    out = [
        "",
        "The milvus backend (a milvus-lite server, loopback) beside the local one (FAISS flat, bm25s), depth 50:",
        "  recall@10 = share of the reference top 10 in the leg's top 10 (dense: exact inner product;",
        "  keyword: bm25s); vectors beyond the real CMRC ones SYNTHETIC, passages RECOMBINED real sentences",
    ]
    for m in r["milvus"]:
        for leg in ("dense", "keyword"):
            local, milvus = m[leg]["local"], m[leg]["milvus"]
            out.append(
                f"  {m['passages']:>9,} {leg:<7}: local p50 {local['latency_ms']['p50']:.2f} ms, recall@10 "
                f"{local['recall_at_10']:.3f} | milvus p50 {milvus['latency_ms']['p50']:.1f} ms, p95 "
                f"{milvus['latency_ms']['p95']:.1f} ms, recall@10 {milvus['recall_at_10']:.3f}, first query "
                f"{m['first_query_s'][leg]} s"
            )
        out.append(
            f"  {m['passages']:>9,} milvus: write {m['write_s']} s, load {m['load_s']} s, "
            f"{m['bytes_on_disk_per_passage']:,} bytes on disk a passage ({m['text_bytes_per_passage']} of them "
            f"text), server RSS {m['milvus_rss_mb']:,.0f} MB, {m['real_vectors']:,} real vectors, "
            f"{m['questions']} questions"
        )
    return out


def _backends(r: dict[str, Any]) -> list[str]:
    rows = r.get("backends", {})
    if not rows:
        return []
    out = ["", "Embedding backends, each in its own process (CMRC sentences, recall@10 against the gold sentence):"]
    for name, b in rows.items():
        if "error" in b:
            out.append(f"  {name}: failed: {b['error'][:200]}")
            continue
        out.append(
            f"  {name:>6}: one question p50 {b['single_query_ms']['p50']:.1f} ms; {b['query_batch_per_s']} "
            f"questions/s batched; {b['passages_per_s']} passages/s; recall@10 dense "
            f"{b['recall_at_10']['dense']:.3f}, hybrid {b['recall_at_10']['hybrid']:.3f}; "
            + _first_lines(b)
            + f"peak {b['memory']['peak_mb']} MB"
        )
    return out


def _first_lines(b: dict[str, Any]) -> str:
    if "recall_at_1" not in b:
        return ""
    brief = b.get("briefing", {})
    return (
        f"R@1 hybrid {b['recall_at_1']['hybrid']:.4f} ({b['questions']} questions); "
        f"briefing set hybrid hit@1 {brief.get('hit_at_1', 0):.4f} ({brief.get('questions', 0)} questions); "
    )


def _peer(r: dict[str, Any]) -> list[str]:
    p, ours = r.get("peer"), r.get("backends", {}).get("torch")
    if not p:
        return []
    if "error" in p or "skipped" in p:
        return ["", f"txtai: {p.get('error') or p.get('skipped')}"]
    out = [
        "",
        f"Peer: txtai {p['version']} vs briefqa, same {ours['passages'] if ours else '?'} sentences and model folder:",
    ]
    for mode in ("dense", "hybrid"):
        theirs = p[mode]
        mine = (
            f"briefqa p50 {ours['search_ms'][mode]['p50']:.1f} ms, recall@10 {ours['recall_at_10'][mode]:.3f}"
            if ours
            else ""
        )
        out.append(
            f"  {mode:>6}: txtai p50 {theirs['search_ms']['p50']:.1f} ms, recall@10 {theirs['recall_at_10']:.3f}"
            f" (index {theirs['index_s']} s) | {mine}"
        )
    return out


def write_json(r: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    judged = checks(r) + runtime_checks(r)
    body = {**r, "checks": [{**c.__dict__, "passed": None if c.passed is None else bool(c.passed)} for c in judged]}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2, default=float), encoding="utf-8")
