"""Loading a version from Milvus into memory: passages, documents, vectors and the manifest.

A replica serves without any local index folder; only the two legs' searches go to Milvus.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
from pymilvus import MilvusClient

from index.backends.base import SentenceRows, no_sentences
from index.backends.milvus import schema
from index.backends.milvus.client import MilvusConfig, call
from index.backends.milvus.legs import MilvusDense, MilvusKeyword
from index.errors import IndexCorruptError
from index.manifest import Manifest
from index.passage_index import PassageIndex
from ingest.documents import Document, Passage

PAGE = 2000


def load(client: MilvusClient, cfg: MilvusConfig, version: str, check: Callable[[Manifest], None]) -> PassageIndex:
    main, docs, _ = schema.names(cfg.prefix, version)
    described = call(client, cfg, main, lambda: client.describe_collection(main, timeout=cfg.timeout))
    try:
        manifest = Manifest.from_json(json.loads(described["properties"]["briefqa.manifest"]))
    except (KeyError, TypeError, ValueError) as err:
        raise IndexCorruptError(f"milvus collection {main}: no readable manifest ({err})") from err
    check(manifest)
    rows = _scan(client, cfg, main, "row", ["row", "body", "dense", "keyword"])
    passages = [Passage.from_json(r["body"]) for r in rows]
    dim = manifest.model.dimension if manifest.model else 0
    vectors = np.array([r["dense"] for r in rows], dtype=np.float32).reshape(len(rows), dim or -1)
    vocabulary = {int(key) for r in rows for key in _keys(r["keyword"])}
    doc_ids = [p.doc_id for p in passages]
    dense = MilvusDense(client, cfg, main, doc_ids, vocabulary)
    keyword = MilvusKeyword(client, cfg, main, doc_ids, vocabulary)
    documents = _documents(_scan(client, cfg, docs, "seq", schema.DOC_FIELDS))
    return PassageIndex(documents, passages, vectors, dense, keyword, manifest)


def sentence_vectors(client: MilvusClient, cfg: MilvusConfig, version: str) -> SentenceRows:
    """The sentence vectors stored with ``version`` (texts and one row each); none for a version
    written without them (a replica then embeds its sentences itself)."""
    name = schema.names(cfg.prefix, version)[2]
    if not call(client, cfg, None, lambda: client.has_collection(name, timeout=cfg.timeout)):
        return no_sentences()
    rows = _scan(client, cfg, name, "seq", ["seq", "text", "dense"])
    if not rows:
        return no_sentences()
    return [r["text"] for r in rows], np.array([r["dense"] for r in rows], dtype=np.float32)


def _keys(vector: Any) -> Any:
    """A sparse vector as Milvus returns it: a dict, or a scipy matrix in some clients."""
    return vector.keys() if isinstance(vector, dict) else vector.indices


def _scan(client: MilvusClient, cfg: MilvusConfig, name: str, order: str, fields: list[str]) -> list[dict[str, Any]]:
    """Every row, in pages over the ``order`` column (a query's limit is bounded)."""
    out: list[dict[str, Any]] = []
    while True:
        expr = f"{order} >= {len(out)} and {order} < {len(out) + PAGE}"
        page = call(
            client,
            cfg,
            name,
            lambda e=expr: client.query(name, filter=e, output_fields=fields, limit=PAGE, timeout=cfg.slow),  # type: ignore[misc]
        )
        out.extend(sorted(page, key=lambda r: int(r[order])))
        if len(page) < PAGE:
            return out


def _documents(rows: list[dict[str, Any]]) -> dict[str, Document]:
    """Documents from their parts, joined in order."""
    texts: dict[str, list[str]] = {}
    metas: dict[str, dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (r["doc_id"], int(r["part"]))):
        texts.setdefault(r["doc_id"], []).append(r["body"])
        if int(r["part"]) == 0:
            metas[r["doc_id"]] = dict(r["meta"])
    return {doc_id: Document.from_json({**metas[doc_id], "text": "".join(parts)}) for doc_id, parts in texts.items()}
