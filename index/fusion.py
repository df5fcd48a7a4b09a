"""Fuse the dense and keyword rankings into one."""

from __future__ import annotations

import math
from dataclasses import dataclass

Ranking = list[tuple[int, float]]  # (row, score), best first

FUSIONS = ("zscore", "weighted", "rrf")
# (dense weight, cross-language dense weight) each method was tuned with (docs/retrieval.md).
TUNED_WEIGHTS = {"zscore": (0.7, 0.5), "weighted": (0.7, 0.6), "rrf": (0.7, 0.6)}


@dataclass(frozen=True)
class FusionSettings:
    """``zscore``: each leg's scores standardised over its own ranking ((s - mean) / std), mixed with
    ``dense_weight``, so a leg whose best hit stands far above the rest keeps that confidence, and a
    flat leg says little; ``weighted``: min-max normalised scores mixed with ``dense_weight`` (each
    leg's best counts 1, however unsure); ``rrf``: reciprocal rank fusion with constant ``rrf_k``.
    Either way a leg that found nothing leaves the other alone. ``crosslingual_dense_weight``
    replaces ``dense_weight`` for questions with no Chinese, whose dense match crosses languages
    and is weaker (docs/retrieval.md)."""

    method: str = "zscore"
    rrf_k: float = 60.0
    dense_weight: float = 0.7
    crosslingual_dense_weight: float = 0.5


def tuned_fusion(
    method: str, rrf_k: float = 60.0, dense_weight: float | None = None, crosslingual: float | None = None
) -> FusionSettings:
    """``method`` with the weights given, or else those it was tuned with."""
    if method not in FUSIONS:
        raise ValueError(f"unknown fusion {method!r}: use one of {', '.join(FUSIONS)}")
    tuned = TUNED_WEIGHTS[method]
    weight = tuned[0] if dense_weight is None else dense_weight
    return FusionSettings(method, rrf_k, weight, tuned[1] if crosslingual is None else crosslingual)


def fuse_rankings(dense: Ranking, keyword: Ranking, settings: FusionSettings) -> Ranking:
    """Return the fused ranking (row, fused score), best first."""
    if not dense or not keyword:
        return list(dense or keyword)
    if settings.method not in FUSIONS:
        raise ValueError(f"unknown fusion {settings.method!r}: use one of {', '.join(FUSIONS)}")
    legs = [
        (_scaled(ranking, settings), weight)
        for ranking, weight in ((dense, settings.dense_weight), (keyword, 1.0 - settings.dense_weight))
    ]
    rows = dict.fromkeys([row for row, _ in dense] + [row for row, _ in keyword])
    fused = {row: sum(weight * scaled.get(row, floor) for (scaled, floor), weight in legs) for row in rows}
    return sorted(fused.items(), key=lambda item: -item[1])


def _scaled(ranking: Ranking, settings: FusionSettings) -> tuple[dict[int, float], float]:
    """A leg's scores on the fusion's common scale, and what a row the leg did not rank counts."""
    if settings.method == "rrf":
        return {row: 2 / (settings.rrf_k + rank + 1) for rank, (row, _) in enumerate(ranking)}, 0.0
    values = [score for _, score in ranking]
    scaled = min_max(values) if settings.method == "weighted" else z_scores(values)
    # Unranked by this leg means below all it ranked: its lowest (z-scores) or 0 (min-max, as before).
    floor = min(scaled) if settings.method == "zscore" else 0.0
    return {row: unit for (row, _), unit in zip(ranking, scaled, strict=True)}, floor


def z_scores(values: list[float]) -> list[float]:
    """``values`` standardised: (v - mean) / standard deviation; all equal → all 0."""
    mean = sum(values) / len(values)
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return [0.0 if spread == 0 else (v - mean) / spread for v in values]


def min_max(values: list[float]) -> list[float]:
    """``values`` scaled to [0, 1] (lowest 0, highest 1); all equal → all 1."""
    low, high = min(values), max(values)
    return [1.0 if high == low else (v - low) / (high - low) for v in values]
