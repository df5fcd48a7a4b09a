"""A mean-pooled sentence-transformers model exported to ONNX (``models/onnx_export.py``), run on
OpenVINO or ONNX Runtime (``index.embedding.runtimes``): a tokenizer, the runtime and numpy, no torch
in the process (about 1 GB less resident)."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from index.embedding.base import ModelEmbedder
from index.embedding.cache import QueryCache
from index.embedding.e5_tokens import FileTokens, TokenIds
from index.embedding.runtimes import BATCH_SIZES, open_graph
from index.embedding.sbert import PASSAGE_PROMPT_NAMES
from index.embedding.traced import in_length_order
from models.onnx_export import model_file

RECIPE_FILE = "briefqa-onnx.json"


def _prompts(folder: Path) -> tuple[str, str]:
    """The folder's declared query and passage prompts (sentence-transformers' config), else none."""
    path = folder / "config_sentence_transformers.json"
    declared: dict[str, str] = json.loads(path.read_text(encoding="utf-8")).get("prompts", {}) if path.is_file() else {}
    passage = next((declared[n] for n in PASSAGE_PROMPT_NAMES if n in declared), "")
    return declared.get("query", ""), passage


def export_recipe(folder: Path) -> str:
    """The runtime recipe an export records (``onnxruntime-1.32.0/int8/v2``): part of what its vectors are."""
    try:
        return str(json.loads((folder / RECIPE_FILE).read_text(encoding="utf-8"))["recipe"])
    except (OSError, ValueError, KeyError) as exc:
        raise FileNotFoundError(f"{folder / RECIPE_FILE}: not a finished ONNX export ({exc}); run make setup") from exc


class OnnxEmbedder(ModelEmbedder):
    """Unit vectors from an exported folder: tokenize, run the graph, mean-pool over the attention mask,
    L2-normalise (what the folder's sentence-transformers modules do).

    Threads: one graph with ``threads`` threads (default all cores) serves every call; ``lanes``
    question batches may run it side by side (both runtimes release the GIL for the whole run), and
    ``passage_lanes`` passage batches at ingest (one, on every core, is the faster on AVX-512 CPUs:
    docs/performance.md). A second graph per lane would cost another copy of the weights and
    measured no faster. ONNX Runtime's idle pool threads sleep instead of spinning (``spinning``) so
    that they leave the cores to the server's own threads.

    Vectors depend slightly on the runtime, its precision and (int8) the batch a text is in: the
    model id names the runtime's recipe so that another runtime's vectors are never mixed in.

    Args:
        folder: the export (``model.onnx``, ``tokenizer.json``, the sentence-transformers configs).
        model_id: the name recorded in index manifests.
        query_prefix, passage_prefix: instead of the folder's prompts (None: the folder's).
        batch_size: texts per run at ingest (default: the runtime's, ``runtimes.BATCH_SIZES``).
        tokens: what turns texts into token ids (default: the folder's ``tokenizer.json``).
        runtime, precision: "openvino" (in "f32" or "bf16") or "onnxruntime" (``index.embedding.runtimes``).
    """

    query_cache: QueryCache

    def __init__(
        self,
        folder: str | Path,
        model_id: str,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        threads: int | None = None,
        batch_size: int | None = None,
        max_length: int = 512,
        cache_size: int = 1024,
        spinning: bool = False,
        tokens: TokenIds | None = None,
        passage_lanes: int = 1,
        runtime: str = "onnxruntime",
        precision: str = "f32",
    ) -> None:
        self.folder, self.model_id = Path(folder), model_id
        self.batch_size = batch_size or BATCH_SIZES.get(runtime, 32)
        self.recipe = export_recipe(self.folder)
        self.threads = max(1, threads or os.cpu_count() or 1)
        self.lanes = self.threads
        self.passage_lanes = max(1, passage_lanes)
        declared = _prompts(self.folder)
        self.query_prefix = declared[0] if query_prefix is None else query_prefix
        self.passage_prefix = declared[1] if passage_prefix is None else passage_prefix
        self.query_cache = QueryCache(cache_size)
        self._tokens = tokens or FileTokens(self.folder / "tokenizer.json", max_length)
        self._graph = open_graph(model_file(self.folder), runtime, self.threads, spinning, precision)
        self.dimension = self._graph.dimension
        self._pool: ThreadPoolExecutor | None = None  # made on the first batch of passages

    def _batch(self, texts: list[str]) -> np.ndarray:
        ids, mask = self._tokens(texts)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._graph(feed)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for ``texts`` as given (no prompt added), in length-ordered batches."""
        vectors = in_length_order(texts, self.batch_size, self._batch)
        return vectors if vectors is not None else np.zeros((0, self.dimension), np.float32)

    def _encode_side_by_side(self, texts: list[str]) -> np.ndarray:
        """As ``_encode``, with ``passage_lanes`` batches running at once (ingest; runs on one session
        overlap without the GIL). Each group of similar lengths is dealt out row by row, so that the
        lanes' batches are alike."""
        lanes = self.passage_lanes
        if lanes == 1 or len(texts) <= self.batch_size:
            return self._encode(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        span = self.batch_size * lanes
        chunks = [order[at : at + span][lane::lanes] for at in range(0, len(order), span) for lane in range(lanes)]
        chunks = [rows for rows in chunks if rows]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(lanes, "onnx-passages")
        parts = self._pool.map(lambda rows: self._batch([texts[i] for i in rows]), chunks)
        vectors = np.zeros((len(texts), self.dimension), np.float32)
        for rows, part in zip(chunks, parts, strict=True):
            vectors[rows] = part
        return vectors

    def embed_queries(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        """Embed questions; repeated ones come from the cache. ``threads`` (the batching wrapper's
        per-lane core count) is accepted and ignored: the one session's pool is shared by the lanes."""
        return self.query_cache.embed(texts, lambda missing: self._encode([self.query_prefix + t for t in missing]))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode_side_by_side([self.passage_prefix + t for t in texts])
