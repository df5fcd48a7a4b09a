"""The runtimes that run an exported ONNX graph: OpenVINO (the default) or ONNX Runtime.

Both take the same feed (``input_ids``, ``attention_mask``, ``token_type_ids`` where the graph has
them) and return the last hidden state. OpenVINO reads the ONNX file itself, the 4-bit export
included, and computes in fp32 or, where the CPU has it (AVX512_BF16, AMX) and it is asked for,
in bfloat16: faster on batches, and its vectors are not fp32's (docs/performance.md).
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

RUNTIMES = ("openvino", "onnxruntime")
PRECISIONS = ("f32", "bf16")
# Texts per batch at ingest: OpenVINO embedded CMRC sentences 8-10 % faster in batches of 12-16 than of 32
# (docs/performance.md); ONNX Runtime's 32 were measured with it.
BATCH_SIZES = {"openvino": 16, "onnxruntime": 32}


class Graph(Protocol):
    inputs: set[str]
    dimension: int

    def __call__(self, feed: dict[str, np.ndarray]) -> np.ndarray: ...


class OrtGraph:
    """One ONNX Runtime session, safe to run from several threads at once."""

    def __init__(self, model_file: Path, threads: int, spinning: bool) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL  # the graph is a chain: parallel only adds overhead
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # idle pool threads that spin take the cores from the server's own threads (and other processes)
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
        self._session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self._session.get_inputs()}
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def __call__(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        return np.asarray(self._session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0])


class OpenVinoGraph:
    """One compiled OpenVINO model on the CPU; each calling thread gets its own infer request (a
    request runs one call at a time; the compiled model is shared, so the weights are held once).

    The compiled model is cached beside the export (``openvino-cache/``, keyed by OpenVINO on the
    graph and its version): a later process loads it in 0.15 s instead of compiling
    the ONNX file for 0.6 s, and holds about 70 MB less (no parsed ONNX graph on the way)."""

    def __init__(self, model_file: Path, threads: int, precision: str = "f32") -> None:
        import openvino as ov

        config: dict[str, Any] = {
            "INFERENCE_NUM_THREADS": threads,
            "INFERENCE_PRECISION_HINT": openvino_precision(precision),
        }
        # one folder per precision and thread count: OpenVINO's cache key leaves the precision out,
        # and a bf16 model given the f32 blob computed NaNs (seen with 2026.4.1)
        cache = model_file.parent / "openvino-cache" / f"{config['INFERENCE_PRECISION_HINT']}-{threads}"
        if os.access(model_file.parent, os.W_OK) or cache.is_dir():
            config["CACHE_DIR"] = str(cache)
        self._compiled = ov.Core().compile_model(str(model_file), "CPU", config)
        self.inputs = {port.get_any_name() for port in self._compiled.inputs}
        self.dimension = int(self._compiled.outputs[0].get_partial_shape()[-1].get_length())
        self._local = threading.local()

    def __call__(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self._compiled.create_infer_request()
        rows, tokens = feed["input_ids"].shape
        padded = {k: bucketed(v) for k, v in feed.items() if k in self.inputs}
        result = request.infer(padded)
        return np.array(result[self._compiled.outputs[0]][:rows, :tokens])  # a copy: the request reuses its buffer


def bucket(size: int, steps: tuple[int, ...]) -> int:
    """The first of ``steps`` that holds ``size``, else the next multiple of the last step."""
    return next((step for step in steps if step >= size), -(-size // steps[-1]) * steps[-1])


ROW_STEPS = (1, 2, 4, 8, 16, 32)
TOKEN_STEPS = (*range(8, 129, 8), 160, 192, 224, 256)


def bucketed(array: np.ndarray) -> np.ndarray:
    """``array`` (rows × tokens) padded with zeros to a bucket of rows and of tokens. OpenVINO builds
    kernels for every new input shape, and kept each: unbucketed, the int8 model's server grew by
    700 MB over 1,700 questions of mixed batches and ran them 1.3-1.6× slower (docs/performance.md).
    Padded rows and tokens have no attention mask, so they change no real token's state."""
    rows, tokens = array.shape
    pad = ((0, bucket(rows, ROW_STEPS) - rows), (0, bucket(tokens, TOKEN_STEPS) - tokens))
    return np.pad(array, pad) if any(after for _, after in pad) else array


def open_graph(model_file: Path, runtime: str, threads: int, spinning: bool = False, precision: str = "f32") -> Graph:
    if runtime == "onnxruntime":
        return OrtGraph(model_file, threads, spinning)
    if runtime == "openvino":
        return OpenVinoGraph(model_file, threads, precision)
    raise ValueError(f"unknown ONNX runtime {runtime!r}: use one of {', '.join(RUNTIMES)}")


@functools.cache
def openvino_precision(wanted: str) -> str:
    """The precision OpenVINO will compute in: bf16 only where asked for and the CPU has it."""
    import openvino as ov

    if wanted not in PRECISIONS:
        raise ValueError(f"unknown precision {wanted!r}: use one of {', '.join(PRECISIONS)}")
    return wanted if wanted == "f32" or "BF16" in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES") else "f32"


def openvino_recipe(precision: str) -> str:
    """OpenVINO's part of a recipe: its version and the precision this CPU computes in (bf16
    vectors are not fp32's, so an index records which it was built with)."""
    import openvino as ov

    return f"openvino-{ov.__version__.split('-')[0]}-{openvino_precision(precision)}"
