"""Replicas on one Milvus Lite server, as `briefqa milvus-replicas` measures them (real processes, the
real model): identical answers, an upload served by all within 5 s, clients across the switch
without an error or a response unlike its version's."""

from __future__ import annotations

import pytest

from bench.milvus_replicas import run_replicas
from bench.replica_report import failures

pytestmark = [pytest.mark.milvus, pytest.mark.slow]


def test_three_replicas_answer_alike_and_switch_together() -> None:
    result = run_replicas(replicas=3, clients=6, seconds=12.0)
    assert failures(result) == []
    assert result["requests"] > 0 and set(result["versions_seen"]) == {"v000001", "v000002"}
