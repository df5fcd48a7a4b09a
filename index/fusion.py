"""Fuse the dense and keyword rankings into one."""

from __future__ import annotations

from dataclasses import dataclass

Ranking = list[tuple[int, float]]  # (row, score), best first


@dataclass(frozen=True)
class FusionSettings:
    """``rrf``: reciprocal rank fusion with constant ``rrf_k``; ``weighted``: min-max normalised
    scores mixed with ``dense_weight``. Either way a leg that found nothing leaves the other alone.
    ``crosslingual_dense_weight`` replaces ``dense_weight`` for questions with no Chinese, whose
    dense match crosses languages and is weaker (docs/retrieval.md)."""

    method: str = "weighted"
    rrf_k: float = 60.0
    dense_weight: float = 0.7
    crosslingual_dense_weight: float = 0.6


def fuse_rankings(dense: Ranking, keyword: Ranking, settings: FusionSettings) -> Ranking:
    """Return the fused ranking (row, fused score), best first."""
    if not dense or not keyword:
        return list(dense or keyword)
    weights = (settings.dense_weight, 1.0 - settings.dense_weight)
    fused: dict[int, float] = {}
    for ranking, weight in zip((dense, keyword), weights, strict=True):
        scaled = min_max([score for _, score in ranking])
        for rank, ((row, _), unit) in enumerate(zip(ranking, scaled, strict=True)):
            contribution = 2 * weight / (settings.rrf_k + rank + 1) if settings.method == "rrf" else weight * unit
            fused[row] = fused.get(row, 0.0) + contribution
    return sorted(fused.items(), key=lambda item: -item[1])


def min_max(values: list[float]) -> list[float]:
    """``values`` scaled to [0, 1] (lowest 0, highest 1); all equal → all 1."""
    low, high = min(values), max(values)
    return [1.0 if high == low else (v - low) / (high - low) for v in values]
