"""Static int8 for OpenVINO (``int8-static``): NNCF's post-training quantisation of the fp32 export,
activations calibrated on public training text (CMRC 2018 trial questions and sentences, with the
model's own prompts), so that every matrix product runs on the CPU's int8 kernels with a fixed,
per-tensor activation scale fitted to real inputs instead of one taken from each batch at run time.

Set-up time only (NNCF, the tokenizer file, OpenVINO). NNCF's transformer preset keeps the
accuracy-sensitive operations (layer norms, softmax, GELU's input) in floating point and applies
SmoothQuant to the matrix products; docs/performance.md has the figures: CMRC dev and the briefing sets,
none of which it was calibrated on.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np

PROJECT = Path(__file__).resolve().parents[1]
CALIBRATION = PROJECT / "data" / "cmrc2018" / "cmrc2018_trial.json"
SAMPLES = 300  # questions and sentences together; 300 is NNCF's default subset size
IR_FILE = "model.xml"  # and model.bin beside it


def calibration_texts(folder: Path, count: int = SAMPLES, path: Path = CALIBRATION) -> list[str]:
    """``count`` texts drawn (seeded) from the trial set: its questions with the query prompt and its
    contexts' sentences with the passage prompt, in the proportions they occur."""
    config = folder / "config_sentence_transformers.json"
    prompts = json.loads(config.read_text(encoding="utf-8")).get("prompts", {}) if config.is_file() else {}
    query, passage = prompts.get("query", ""), prompts.get("document", prompts.get("passage", ""))
    texts: list[str] = []
    for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
        for paragraph in article["paragraphs"]:
            sentences = [s for s in re.split(r"(?<=[。！？])", paragraph["context"]) if len(s) > 8]
            texts += [passage + s for s in sentences] + [query + qa["question"] for qa in paragraph["qas"]]
    random.Random(0).shuffle(texts)
    return texts[:count]


def quantise_static(src: Path, dst: Path, folder: Path) -> None:
    """Quantise the ONNX graph ``src`` to an OpenVINO IR at ``dst`` (``model.xml`` + ``.bin``),
    calibrated one text at a time (a question's shape, as served) with ``folder``'s tokenizer."""
    import nncf
    import openvino as ov
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    model = ov.Core().read_model(str(src))
    names = {port.get_any_name() for port in model.inputs}

    def feed(text: str) -> dict[str, np.ndarray]:
        ids = np.asarray([tokenizer.encode(text).ids[:512]], dtype=np.int64)
        inputs = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        return {k: v for k, v in inputs.items() if k in names}

    texts = calibration_texts(folder)
    # the embedding tables are left out of the int8 pass and given 4-bit blocks of 32 instead (the
    # bundled model's own format): OpenVINO gathers from those as they are, where it widened the int8
    # ones to fp32 at load (384 MB more resident)
    products = nncf.quantize(
        model, nncf.Dataset(texts, feed), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(texts),
        ignored_scope=nncf.IgnoredScope(types=["Gather"]),
    )  # fmt: skip
    mode = nncf.CompressWeightsMode.INT4_SYM
    ov.save_model(nncf.compress_weights(products, mode=mode, group_size=32, ratio=1.0, all_layers=True), str(dst))
