"""The dense and keyword legs of a version, searched in Milvus.

Rows are the version's passage order (stored in ``row``). A restriction to rows becomes the
expression ``doc_id in [...]``: every filter (documents, publication, dates) is a set of documents,
resolved in memory where the documents are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from pymilvus import MilvusClient

from index.backends.milvus.client import MilvusConfig, call
from index.backends.milvus.schema import query_vector, unit_id
from index.fusion import Ranking


class MilvusLegs:
    """Both legs of one version's passages collection ``name``."""

    def __init__(
        self, client: MilvusClient, cfg: MilvusConfig, name: str, doc_ids: Sequence[str], vocabulary: set[int]
    ) -> None:
        self.client, self.cfg, self.name = client, cfg, name
        self._doc_ids, self._vocabulary = list(doc_ids), vocabulary

    def expression(self, allowed: np.ndarray | None) -> str:
        if allowed is None:
            return ""
        docs = sorted({self._doc_ids[int(row)] for row in allowed})
        return f"doc_id in {json.dumps(docs, ensure_ascii=False)}"

    def _search(self, data: Any, field: str, k: int, allowed: np.ndarray | None) -> Ranking:
        if k <= 0 or not self._doc_ids or (allowed is not None and len(allowed) == 0):
            return []
        k = min(k, len(self._doc_ids))
        hits = call(
            self.client,
            self.cfg,
            self.name,
            lambda: self.client.search(
                self.name,
                data=[data],
                anns_field=field,
                limit=k,
                filter=self.expression(allowed),
                output_fields=["row"],  # Lite returns every field, vectors too, when none are named
                search_params={"metric_type": "IP"},
                timeout=self.cfg.timeout,
            ),
        )[0]
        return [(int(h["entity"]["row"]), float(h["distance"])) for h in hits]


class MilvusDense(MilvusLegs):
    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> Ranking:
        return self._search(np.asarray(vector, dtype=np.float32).tolist(), "dense", k, allowed)


class MilvusKeyword(MilvusLegs):
    def knows(self, unit: str) -> bool:
        return unit_id(unit) in self._vocabulary

    def search(self, units: list[str], k: int, allowed: np.ndarray | None = None) -> Ranking:
        known = [u for u in units if self.knows(u)]
        if not known:
            return []
        return [(row, score) for row, score in self._search(query_vector(known), "keyword", k, allowed) if score > 0]

    def search_alternatives(self, groups: list[list[list[str]]], k: int, allowed: np.ndarray | None = None) -> Ranking:
        """One search per form; a passage scores its best form of each word, summed (as bm25s' leg).
        A passage outside a form's top ``k`` counts 0 for it, so far down the ranking this can differ."""
        total: dict[int, float] = {}
        for forms in groups:
            best: dict[int, float] = {}
            for units in forms:
                for row, score in self.search(units, k, allowed):
                    best[row] = max(best.get(row, 0.0), score)
            for row, score in best.items():
                total[row] = total.get(row, 0.0) + score
        ranked = sorted(total.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:k]
