"""What ``briefqa milvus-replicas`` prints, and the checks it passes or fails (``bench.milvus_replicas``)."""

from __future__ import annotations

import json
from typing import Any

from bench.milvus_replicas import OUT, run_replicas


def run_and_print(replicas: int = 3, clients: int = 16, seconds: float = 30.0) -> bool:
    """Run, write the JSON to ``OUT``, print the figures; True when every check held."""
    result = run_replicas(replicas, clients, seconds)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    switch, latency = result["switch"], result["latency_ms"]
    print(
        f"{result['replicas']} replicas on one milvus-lite server, {result['questions']} briefing questions: "
        f"identical answers {result['identical_before_switch']} (differing: {result['questions_answered_differently']})"
    )
    print(
        f"upload through one replica: HTTP {switch['upload_status']} in {switch['upload_s']} s "
        f"({switch['old_version']} -> {switch['new_version']}); every replica served it within "
        f"{switch['all_served_within_s']} s of the upload returning, "
        f"{switch['all_served_within_s_of_alias_move']} s of the alias moving "
        f"(by replica, the uploading one first: {switch.get('served_s_after_alias_move_by_replica')})"
    )
    print(
        f"{result['clients']} clients over {result['duration_s']:.0f} s across the switch: "
        f"{result['requests']} requests, "
        f"{result['errors']} errors, versions seen {result['versions_seen']}, "
        f"{result['responses_unlike_their_versions_reference']} responses unlike their version's reference"
    )
    print(
        f"answers/s {result['answers_per_s']} (by replica {result['answers_per_s_by_replica']}); latency ms p50 "
        f"{latency.get('p50')}, p95 {latency.get('p95')}, p99 {latency.get('p99')}; milvus-lite RSS "
        f"{result['milvus_rss_mb']} MB; load average {result['load_average_1min']}"
    )
    fresh = result["new_questions"]
    print(
        f"then {fresh['seconds']:.0f} s of questions new to the servers (each pays its encode): "
        f"{fresh['answers_per_s']} answers/s (by replica {fresh['answers_per_s_by_replica']}), "
        f"{fresh['errors']} errors, latency ms p50 {fresh['latency_ms'].get('p50')}"
    )
    print(f"JSON: {OUT}")
    if failures(result):
        print("FAILED: " + "; ".join(failures(result)))
    return not failures(result)


def failures(result: dict[str, Any]) -> list[str]:
    """What the run failed on: empty when every check held."""
    switch, out = result["switch"], []
    if not result["identical_before_switch"]:
        out.append(f"replicas answered differently: {result['questions_answered_differently'][:3]}")
    if switch["upload_status"] != 201:
        out.append(f"the upload answered {switch['upload_status']}")
    within = switch["all_served_within_s_of_alias_move"]
    if within is None or within > 5.0:
        out.append(f"not every replica served the new version within 5 s of the alias moving ({within})")
    if result["errors"] or result["new_questions"]["errors"]:
        out.append(f"{result['errors']} failed requests, e.g. {result['error_examples']}")
    if result["responses_unlike_their_versions_reference"] or result["responses_of_unknown_versions"]:
        out.append(f"responses unlike their version's reference: {result['mismatch_examples']}")
    if len(result["versions_seen"]) != 2:
        out.append(f"the clients saw versions {result['versions_seen']}, not both")
    return out
