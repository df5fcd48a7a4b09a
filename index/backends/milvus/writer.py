"""Writing one version: documents, then passages, one flush each, recorded complete, then switched.

Flushing once before serving matters on Lite: unflushed rows sit in a memtable whose sparse index
is rebuilt on every search (seconds a query).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
from pymilvus import MilvusClient

from index.backends.base import SentenceRows
from index.backends.milvus import schema
from index.backends.milvus.client import MilvusConfig, call
from index.backends.milvus.versions import STATE, next_version, prune, remove_unfinished, switch
from index.keyword import KeywordIndex
from index.manifest import Manifest
from index.passage_index import PassageIndex

BATCH = 500


def write(
    client: MilvusClient,
    cfg: MilvusConfig,
    index: PassageIndex,
    manifest: Manifest,
    keep: int,
    sentences: SentenceRows | None = None,
) -> str:
    """Build a complete version of ``index`` (with its ``sentences``' vectors, when given: texts and
    one row each), switch the alias to it and prune; its name."""
    if not isinstance(index.keyword, KeywordIndex):
        raise TypeError("only a freshly built index can be written")
    remove_unfinished(client, cfg)
    version = next_version(client, cfg)
    main, docs, sents = schema.names(cfg.prefix, version)
    _fill(client, cfg, docs, schema.document_schema(client), _document_rows(index))
    if sentences is not None and len(sentences[0]):
        made, rows = schema.sentence_schema(client, int(sentences[1].shape[1])), _sentence_rows(*sentences)
        _fill(client, cfg, sents, made, rows)
        _check_count(client, cfg, sents, len(rows))
    passages_schema = schema.passage_schema(client, int(index.vectors.shape[1]))
    _fill(client, cfg, main, passages_schema, _passage_rows(index, index.keyword.weights()))
    _check_count(client, cfg, main, len(index.passages))
    body = replace(manifest, version=version).to_json()
    props = {STATE: "built", "briefqa.manifest": json.dumps(body, ensure_ascii=False)}
    call(client, cfg, main, lambda: client.alter_collection_properties(main, properties=props, timeout=cfg.timeout))
    switch(client, cfg, version)
    prune(client, cfg, keep)
    return version


def _passage_rows(index: PassageIndex, weights: list[dict[str, float]]) -> list[dict[str, Any]]:
    vectors = np.asarray(index.vectors, dtype=np.float32)
    return [
        {
            "passage_id": p.passage_id,
            "row": row,
            "doc_id": p.doc_id,
            "body": p.to_json(),
            "dense": vectors[row].tolist(),
            "keyword": schema.sparse(weights[row]),
        }
        for row, p in enumerate(index.passages)
    ]


def _sentence_rows(texts: list[str], vectors: np.ndarray) -> list[dict[str, Any]]:
    """One row a sentence; one longer than a VARCHAR holds is left to be embedded when asked for."""
    kept = [(t, v) for t, v in zip(texts, np.asarray(vectors, np.float32), strict=True) if len(t.encode()) <= 65_535]
    return [{"seq": n, "text": t, "dense": v.tolist()} for n, (t, v) in enumerate(kept)]


def _document_rows(index: PassageIndex) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for doc in index.documents.values():
        meta = {k: v for k, v in doc.to_json().items() if k != "text"}
        for n, part in enumerate(schema.parts(doc.text)):
            row = {"id": f"{doc.doc_id}#{n}", "doc_id": doc.doc_id, "part": n, "body": part}
            rows.append({**row, "seq": len(rows), "meta": meta if n == 0 else {}, "dummy": [0.0, 0.0]})
    return rows


def _fill(
    client: MilvusClient, cfg: MilvusConfig, name: str, made: tuple[Any, Any], rows: list[dict[str, Any]]
) -> None:
    """Create (state ``building``, so a crash leaves a leftover the next ingest removes), insert, flush, load."""
    s, ip = made
    props = {STATE: "building"}
    call(client, cfg, None, lambda: client.create_collection(name, schema=s, index_params=ip, properties=props))
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        call(client, cfg, None, lambda b=batch: client.insert(name, b, timeout=cfg.slow))  # type: ignore[misc]
    call(client, cfg, None, lambda: client.flush(name, timeout=cfg.slow))
    call(client, cfg, None, lambda: client.load_collection(name, timeout=cfg.slow))


def _check_count(client: MilvusClient, cfg: MilvusConfig, name: str, want: int) -> None:
    found = call(client, cfg, name, lambda: client.query(name, output_fields=["count(*)"], timeout=cfg.timeout))
    if int(found[0]["count(*)"]) != want:
        raise RuntimeError(f"{name}: {found[0]['count(*)']} rows written, expected {want}")
