"""The model runtime's figures (each ONNX recipe, the default first, beside torch) as table lines, and the
runtime issue's six targets judged on the same run."""

from __future__ import annotations

from typing import Any

from bench.checks import Check
from bench.options import ONNX_INGESTS, recipe_label

ONNX, TORCH = "onnx-batching", "torch-batching"


def runtime_lines(r: dict[str, Any]) -> list[str]:
    """Ingest on each ONNX recipe, then each runtime's restart of a served version and cold ``briefqa ask``."""
    out = []
    for key, server in ONNX_INGESTS:
        if key not in r:
            continue
        i, recipe = r[key], recipe_label(server)
        out += [
            "",
            f"Ingest on ONNX, {recipe} (same {i['documents']} articles, {i['passages']} passages, and "
            f"{i['sentences_embedded_besides']} sentences besides, in one pass):",
            f"  {i['seconds']} s, {i['passages_per_s']} passages/s, {i['chars_per_s']} characters/s",
        ]
    restarts = {k: v for k, v in r.get("restart", {}).items() if k != "cold_ask"}
    for backend, rest in restarts.items():
        v = rest["version"]
        out += ["", f"Restart of a served version ({backend}; {v['passages']} passages from {v['articles']} articles):"]
        out += [
            f"  start {n}: ready with every sentence vector in {s['ready_s']} s; re-embedded at start: "
            f"{s['passages_embedded']} passages, {s['sentences_embedded_at_sync']} + "
            f"{s['sentences_embedded_by_server']} sentences; resident {s['memory']['rss_mb']} MB "
            f"(peak {s['memory']['peak_mb']} MB)"
            for n, s in enumerate(rest["starts"], 1)
        ]
    for backend, ask in r.get("restart", {}).get("cold_ask", {}).items():
        told = f"{ask['seconds']} s, answered: {ask['answered']}" if "seconds" in ask else ask.get("error", "?")[:200]
        out.append(f"  cold `briefqa ask` on the bundled briefing ({backend}): {told}")
    return out


def runtime_checks(r: dict[str, Any]) -> list[Check]:
    """The runtime issue's targets R1-R6, each from this run alone; absent parts are left out."""
    return _latency(r) + _throughput(r) + _ingest(r) + _restart(r) + _memory(r) + _accuracy(r)


def _latency(r: dict[str, Any]) -> list[Check]:
    onnx = r.get("service", {}).get(ONNX, {}).get("one_client_ms", {})
    if "bare_same_questions" not in onnx:
        return []
    served, bare = onnx["p50"], onnx["bare_same_questions"]["p50"]
    return [
        Check(
            "R1. /v1/ask p50 on ONNX (default), one client ÷ bare traced torch encode p50, same questions",
            f"{served:.1f} ms ÷ {bare:.1f} ms = {served / bare:.2f}×",
            "≤ 0.6×",
            served / bare <= 0.6,
        )
    ]


def _throughput(r: dict[str, Any]) -> list[Check]:
    service = r.get("service", {})
    if ONNX not in service or TORCH not in service:
        return []
    onnx, torch = service[ONNX]["throughput"], service[TORCH]["throughput"]
    o16, t16, o1 = onnx["16"]["answers_per_s"], torch["16"]["answers_per_s"], onnx["1"]["answers_per_s"]
    return [
        Check(
            "R2. 16 clients: ONNX server ÷ torch server; ONNX 16 ÷ its 1 client (answers/s, all busy)",
            f"{o16} ÷ {t16} = {o16 / t16:.2f}×; {o16} ÷ {o1} = {o16 / o1:.2f}×",
            "≥ 2× and ≥ 2×",
            o16 / t16 >= 2 and o16 / o1 >= 2,
        )
    ]


def _ingest(r: dict[str, Any]) -> list[Check]:
    if "ingest_onnx" not in r or "ingest" not in r:
        return []
    onnx, torch = r["ingest_onnx"]["passages_per_s"], r["ingest"]["ingest"]["passages_per_s"]
    return [
        Check(
            "R3. ingest passages/s, ONNX ÷ torch",
            f"{onnx} ÷ {torch} = {onnx / torch:.2f}×",
            "≥ 2.5×",
            onnx / torch >= 2.5,
        )
    ]


def _restart(r: dict[str, Any]) -> list[Check]:
    rest = r.get("restart", {}).get("onnx")
    if not rest:
        return []
    last = rest["starts"][-1]
    again = [last["passages_embedded"], last["sentences_embedded_at_sync"], last["sentences_embedded_by_server"]]
    ask = r["restart"].get("cold_ask", {}).get("onnx", {}).get("seconds")
    return [
        Check(
            f"R4. restart of a served {rest['version']['passages']}-passage version (ONNX): ready s; re-embedded",
            f"{last['ready_s']} s; {again[0]} passages, {again[1]} + {again[2]} sentences",
            "≤ 10 s; 0",
            last["ready_s"] <= 10 and again == [0, 0, 0],
        ),
        Check("R4b. cold `briefqa ask` (ONNX), bundled briefing", f"{ask} s", "≤ 3 s", ask is not None and ask <= 3),
    ]


def _memory(r: dict[str, Any]) -> list[Check]:
    rest = r.get("restart", {}).get("onnx")
    if not rest:
        return []
    rss = rest["starts"][-1]["memory"]["rss_mb"]
    return [Check("R5. resident memory, ONNX server, 1,000-passage version", f"{rss} MB", "≤ 600 MB", rss <= 600)]


def _accuracy(r: dict[str, Any]) -> list[Check]:
    backends = r.get("backends", {})
    onnx, torch = backends.get("onnx", {}), backends.get("torch", {})
    if "recall_at_1" not in onnx or "recall_at_1" not in torch:
        return []
    o1, t1 = onnx["recall_at_1"]["hybrid"], torch["recall_at_1"]["hybrid"]
    ob, tb = onnx["briefing"]["hit_at_1"], torch["briefing"]["hit_at_1"]
    out = [
        Check(
            f"R6. CMRC sentence hybrid R@1 ({onnx['questions']} questions, {onnx['passages']} sentences), "
            "ONNX vs torch; briefing set hybrid hit@1",
            f"{o1:.4f} vs {t1:.4f} ({(o1 - t1) * 100:+.2f} points); {ob:.4f} vs {tb:.4f}",
            "within 0.3 points; equal",
            abs(o1 - t1) * 100 <= 0.3 and ob == tb,
        )
    ]
    peer = r.get("peer", {})
    if "hybrid" in peer and "search_ms" in onnx:
        ours, theirs = onnx["search_ms"]["hybrid"]["p50"], peer["hybrid"]["search_ms"]["p50"]
        out.append(
            Check(
                "R6b. hybrid search p50, briefqa (ONNX) ÷ txtai, same sentences",
                f"{ours:.1f} ÷ {theirs:.1f} ms = {ours / theirs:.2f}×",
                "≤ 0.4×",
                ours / theirs <= 0.4,
            )
        )
    return out
