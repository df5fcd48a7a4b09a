"""Collections of one version: names, schemas and rows.

The keyword vector holds bm25s' own weights of each unit (``KeywordIndex.weights``), keyed by a
32-bit FNV-1a of the unit and searched by inner product: the same scores as bm25s, whatever the
segments and filters (Milvus' BM25 function scores per segment). Documents are cut into parts of at
most 60,000 UTF-8 bytes (Milvus counts VARCHAR in bytes; Lite counts characters).
"""

from __future__ import annotations

from typing import Any

from pymilvus import DataType, MilvusClient

MAX_BYTES = 60_000
EMPTY = {1: 1e-9}  # a sparse vector may not be empty; no unit hashes to 1 in practice
PASSAGE_FIELDS = ["row", "body"]
DOC_FIELDS = ["seq", "doc_id", "part", "body", "meta"]


SUFFIXES = ("_docs", "_sents")


def names(prefix: str, version: str) -> tuple[str, str, str]:
    """The passages, documents and sentence-vector collections of ``version`` (Milvus allows letters,
    digits and _)."""
    base = prefix + version.replace("-", "_").replace(".", "_")
    return base, f"{base}_docs", f"{base}_sents"


def unit_id(unit: str) -> int:
    h = 0x811C9DC5
    for byte in unit.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def sparse(weights: dict[str, float]) -> dict[int, float]:
    vec: dict[int, float] = {}
    for unit, weight in weights.items():
        key = unit_id(unit)
        vec[key] = vec.get(key, 0.0) + weight
    return vec or dict(EMPTY)


def query_vector(units: list[str]) -> dict[int, float]:
    """A repeated unit counts again, as in bm25s."""
    vec: dict[int, float] = {}
    for unit in units:
        vec[unit_id(unit)] = vec.get(unit_id(unit), 0.0) + 1.0
    return vec or dict(EMPTY)


def passage_schema(client: MilvusClient, dim: int) -> tuple[Any, Any]:
    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("passage_id", DataType.VARCHAR, max_length=256, is_primary=True)
    s.add_field("row", DataType.INT64)
    s.add_field("doc_id", DataType.VARCHAR, max_length=256)
    s.add_field("body", DataType.JSON)  # Passage.to_json()
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    s.add_field("keyword", DataType.SPARSE_FLOAT_VECTOR)
    ip = client.prepare_index_params()
    ip.add_index("dense", index_type="FLAT", metric_type="IP")  # exact, as the local leg below 200k passages
    ip.add_index("keyword", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    ip.add_index("doc_id", index_type="INVERTED")
    return s, ip


def document_schema(client: MilvusClient) -> tuple[Any, Any]:
    """A collection needs a vector field, so documents carry a 2-d dummy."""
    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", DataType.VARCHAR, max_length=300, is_primary=True)
    s.add_field("seq", DataType.INT64)
    s.add_field("doc_id", DataType.VARCHAR, max_length=256)
    s.add_field("part", DataType.INT64)
    s.add_field("body", DataType.VARCHAR, max_length=65_535)
    s.add_field("meta", DataType.JSON)  # Document.to_json() without its text, on part 0
    s.add_field("dummy", DataType.FLOAT_VECTOR, dim=2)
    ip = client.prepare_index_params()
    ip.add_index("dummy", index_type="FLAT", metric_type="IP")
    return s, ip


def sentence_schema(client: MilvusClient, dim: int) -> tuple[Any, Any]:
    """Sentence vectors by sentence text, as ``SentenceVectors`` keeps them (the answer step reads them)."""
    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("seq", DataType.INT64, is_primary=True)
    s.add_field("text", DataType.VARCHAR, max_length=65_535)
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    ip = client.prepare_index_params()
    ip.add_index("dense", index_type="FLAT", metric_type="IP")
    return s, ip


def parts(text: str, limit: int = MAX_BYTES) -> list[str]:
    """``text`` in pieces of at most ``limit`` UTF-8 bytes, never cut inside a character."""
    data, out = text.encode("utf-8"), []
    while len(data) > limit:
        cut = limit
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        out.append(data[:cut].decode("utf-8"))
        data = data[cut:]
    return [*out, data.decode("utf-8")]
