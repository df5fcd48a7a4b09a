"""A mean-pooled sentence-transformers model exported to ONNX (``models/onnx_export.py``), run on ONNX
Runtime: tokenizers + onnxruntime + numpy, no torch in the process (about 1 GB less resident)."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding.base import ModelEmbedder
from index.embedding.cache import QueryCache
from index.embedding.e5_tokens import FileTokens, TokenIds
from index.embedding.sbert import PASSAGE_PROMPT_NAMES
from index.embedding.traced import in_length_order

MODEL_FILE = "model.onnx"
RECIPE_FILE = "briefqa-onnx.json"


def _session(model_file: Path, threads: int, spinning: bool) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL  # the graph is a chain: parallel only adds overhead
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # idle pool threads that spin take the cores from the server's own threads (and other processes)
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    return ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])


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

    Threads: one session with ``threads`` intra-op threads (default all cores) serves every call;
    ``lanes`` question batches may run it side by side (ONNX Runtime releases the GIL for the whole
    run and its session is thread-safe), and ``passage_lanes`` passage batches at ingest (one, on
    every core, is the faster with AVX-512 VNNI: docs/performance.md). A second session per lane would
    cost another copy of the weights (about 120 MB for int8) and measured no faster. Idle pool
    threads sleep instead of spinning (``spinning``) so that they leave the cores to the server's
    own threads.

    Int8 vectors depend slightly on the batch a text is in (one activation scale per batch): the
    ``recipe`` is recorded with stored vectors so that another runtime's are never mixed in.

    Args:
        folder: the export (``model.onnx``, ``tokenizer.json``, the sentence-transformers configs).
        model_id: the name recorded in index manifests.
        query_prefix, passage_prefix: instead of the folder's prompts (None: the folder's).
        tokens: what turns texts into token ids (default: the folder's ``tokenizer.json``).
    """

    query_cache: QueryCache

    def __init__(
        self,
        folder: str | Path,
        model_id: str,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        threads: int | None = None,
        batch_size: int = 32,
        max_length: int = 512,
        cache_size: int = 1024,
        spinning: bool = False,
        tokens: TokenIds | None = None,
        passage_lanes: int = 1,
    ) -> None:
        self.folder, self.model_id, self.batch_size = Path(folder), model_id, batch_size
        self.recipe = export_recipe(self.folder)
        self.threads = max(1, threads or os.cpu_count() or 1)
        self.lanes = self.threads
        self.passage_lanes = max(1, passage_lanes)
        declared = _prompts(self.folder)
        self.query_prefix = declared[0] if query_prefix is None else query_prefix
        self.passage_prefix = declared[1] if passage_prefix is None else passage_prefix
        self.query_cache = QueryCache(cache_size)
        self._tokens = tokens or FileTokens(self.folder / "tokenizer.json", max_length)
        self._session = _session(self.folder / MODEL_FILE, self.threads, spinning)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        self._pool: ThreadPoolExecutor | None = None  # made on the first batch of passages

    def _batch(self, texts: list[str]) -> np.ndarray:
        ids, mask = self._tokens(texts)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
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
