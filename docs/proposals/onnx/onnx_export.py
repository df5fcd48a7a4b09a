"""Export a converted sentence-transformers folder (an XLM-R/BERT encoder with mean pooling) to ONNX and
quantise it for ONNX Runtime on CPU.

Set-up time only: it needs torch, transformers and onnx (the serving process needs none of them). It
works offline on a local folder, and is idempotent: a target whose manifest names the same source and
quantisation is kept as it is; anything else is rebuilt in a temporary folder and swapped in whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

FORMAT_VERSION = 2  # bump whenever the recipe changes: exports made by another recipe are rebuilt
MANIFEST = "briefqa-onnx.json"
MODEL_FILE = "model.onnx"
COPIED = ("tokenizer.json", "config.json", "config_sentence_transformers.json", "1_Pooling/config.json")


def source_fingerprint(source: Path) -> str:
    """Cheap identity of a converted folder: its small files' bytes and the weights' size and mtime."""
    digest = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "modules.json", "1_Pooling/config.json"):
        path = source / name
        digest.update(path.read_bytes() if path.is_file() else b"-")
    weights = source / "model.safetensors"
    stat = weights.stat()
    digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def wanted_manifest(source: Path, quantisation: str) -> dict[str, object]:
    import onnxruntime

    return {
        "format_version": FORMAT_VERSION,
        "source": str(source.resolve()),
        "source_fingerprint": source_fingerprint(source),
        "quantisation": quantisation,
        "onnxruntime": onnxruntime.__version__,
    }


def read_manifest(target: Path) -> dict[str, object] | None:
    try:
        return json.loads((target / MANIFEST).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def export_fp32(source: Path, dst: Path) -> None:
    """The transformer alone (ids and mask in, last hidden state out): pooling stays outside the graph,
    as sentence-transformers' own ONNX backend expects. Eager attention traces to plain MatMul/Softmax,
    which ONNX Runtime's optimiser fuses into its Attention operator."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(source, attn_implementation="eager", local_files_only=True).eval()

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids, mask = torch.tensor([[0, 6, 2, 1], [0, 7, 8, 2]]), torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1]])
    axes = {0: "batch", 1: "tokens"}
    with torch.inference_mode():
        torch.onnx.export(
            LastHidden(), (ids, mask), str(dst), dynamo=False, opset_version=17,
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
        )  # fmt: skip


def optimise_fp32(src: Path, dst: Path) -> None:
    """Fuse attention, GELU and skip-layer-norm offline (portable fusions only, no hardware-specific
    kernels baked in), so that the quantiser sees the fused graph."""
    import onnx
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((src.parent / "source-config.json").read_text(encoding="utf-8"))
    heads, hidden = int(config["num_attention_heads"]), int(config["hidden_size"])
    optimize_model(str(src), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1).save_model_to_file(
        str(dst)
    )
    onnx.checker.check_model(str(dst))


def quantise_int8(src: Path, dst: Path) -> None:
    """Dynamic int8: weights signed, per output channel, in 7 bits (``reduce_range``: without VNNI the
    AVX2 u8*s8 kernels can saturate their 16-bit sums, which cost accuracy); activations quantised at
    run time. The word embeddings (Gather) are quantised too: they are most of the model's bytes."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(src), str(dst), per_channel=True, reduce_range=True, weight_type=QuantType.QInt8,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # the fused ops' outputs have no inferred type
    )  # fmt: skip


def quantise_int4(src: Path, dst: Path) -> None:
    """Weight-only 4-bit blocks of 32 (MatMulNBits; embeddings as GatherBlockQuantized); activations go
    to int8 per block at run time (accuracy level 4), so a text's vector does not depend on its batch."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    config = DefaultWeightOnlyQuantConfig(
        block_size=32, is_symmetric=True, accuracy_level=4, bits=4,
        op_types_to_quantize=("MatMul", "Gather"), quant_axes=(("MatMul", 0), ("Gather", 1)),
    )  # fmt: skip
    quantiser = MatMulNBitsQuantizer(onnx.load(str(src)), algo_config=config)
    quantiser.process()
    quantiser.model.save_model_to_file(str(dst), use_external_data_format=False)


def fused_int8(raw: Path, dst: Path) -> None:
    fused = raw.with_name("fused.onnx")
    optimise_fp32(raw, fused)
    quantise_int8(fused, dst)


def build(source: Path, work: Path, quantisation: str) -> None:
    """Write the model file and the files the embedder reads into ``work``."""
    (work / "source-config.json").write_bytes((source / "config.json").read_bytes())
    raw = work / "fp32.onnx"
    export_fp32(source, raw)
    steps: dict[str, Callable[[Path, Path], None]] = {"fp32": optimise_fp32, "int8": fused_int8, "int4": quantise_int4}
    steps[quantisation](raw, work / MODEL_FILE)
    for name in ("fp32.onnx", "fused.onnx", "source-config.json"):
        (work / name).unlink(missing_ok=True)
    for name in COPIED:
        if (source / name).is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, work / name)


def export(source: str | Path, target: str | Path, quantisation: str = "int8", force: bool = False) -> Path:
    """The ONNX model of ``source`` in ``target`` (``int8``, ``int4`` or ``fp32``), built unless already there.

    Returns the model file. Raises ValueError for an unknown quantisation."""
    if quantisation not in ("int8", "int4", "fp32"):
        raise ValueError(f"quantisation must be int8, int4 or fp32, not {quantisation!r}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    source, target = Path(source), Path(target)
    wanted = wanted_manifest(source, quantisation)
    if not force and read_manifest(target) == wanted and (target / MODEL_FILE).is_file():
        return target / MODEL_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}-") as tmp:
        work = Path(tmp) / "new"
        work.mkdir()
        build(source, work, quantisation)
        (work / MANIFEST).write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
        if target.exists():
            target.rename(Path(tmp) / "old")  # removed with the temporary folder
        work.rename(target)
    return target / MODEL_FILE


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--quantisation", choices=("int8", "int4", "fp32"), default="int8")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    print(export(args.source, args.target, args.quantisation, args.force))
