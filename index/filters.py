"""Which passages a search may return: some documents, a publication, an inclusive ISO date range."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.passage_index import PassageIndex


@dataclass(frozen=True)
class Filters:
    """Restrict a search to some documents, a publication, or an inclusive ISO date range."""

    doc_ids: tuple[str, ...] = ()
    publication: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def is_empty(self) -> bool:
        return not (self.doc_ids or self.publication or self.date_from or self.date_to)


def allowed_rows(index: PassageIndex, filters: Filters) -> np.ndarray:
    """Rows of the passages ``filters`` let through."""
    docs = index.documents
    keep = {
        doc_id
        for doc_id, doc in docs.items()
        if (not filters.doc_ids or doc_id in filters.doc_ids)
        and (not filters.publication or doc.publication == filters.publication)
        and (not filters.date_from or (doc.date or "") >= filters.date_from)
        and (not filters.date_to or (doc.date or "9999") <= filters.date_to)
    }
    return np.array([i for i, p in enumerate(index.passages) if p.doc_id in keep], dtype=np.int64)
