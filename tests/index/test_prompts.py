"""Questions and passages get the model's own prompts unless settings override them."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from briefqa.runtime import embedder_spec
from briefqa.settings import Settings
from index.embedding import BUNDLED_MODEL_ID, Embedder, prompts
from tests.helpers import model_embedder

E5 = SimpleNamespace(prompts={"query": "query: ", "document": "passage: "})


def test_the_model_prompts_are_used_when_nothing_overrides_them() -> None:
    assert prompts(E5) == ("query: ", "passage: ")


def test_a_setting_overrides_the_model_prompt_even_when_empty() -> None:
    assert prompts(E5, "问：", None) == ("问：", "passage: ")
    assert prompts(E5, None, "") == ("query: ", "")


def test_the_passage_prompt_is_found_under_the_names_sentence_transformers_tries() -> None:
    assert prompts(SimpleNamespace(prompts={"query": "q: ", "passage": "p: "})) == ("q: ", "p: ")
    assert prompts(SimpleNamespace(prompts={"corpus": "c: ", "document": "d: "})) == ("", "d: ")


def test_a_model_without_prompts_gets_no_prefix() -> None:
    assert prompts(SimpleNamespace(prompts={})) == ("", "")


def test_default_settings_leave_the_prompts_to_the_bundled_model() -> None:
    spec = embedder_spec(Settings())
    assert (spec.model, spec.query_prefix, spec.passage_prefix) == (None, None, None)
    assert BUNDLED_MODEL_ID == "intfloat/multilingual-e5-small"
    # the default runtime is OpenVINO in f32 on the model's own 4-bit weights: the model id names its recipe
    assert spec.model_id.startswith(BUNDLED_MODEL_ID + "@openvino-") and spec.model_id.endswith(
        "-f32/int4-b32/v2+reads-simplified"
    )
    ort = embedder_spec(Settings(onnx_runtime="onnxruntime")).model_id
    assert ort.startswith(BUNDLED_MODEL_ID + "@onnxruntime-") and ort.endswith("/int4-b32/v2+reads-simplified")
    # auto: the bundled model's weights are 4-bit already; a model of one's own keeps fp32's
    assert embedder_spec(Settings(model="/models/mine")).quantisation == "fp32"
    assert embedder_spec(Settings(onnx_quantisation="fp32")).model_id.endswith("/fp32/v2+reads-simplified")
    assert embedder_spec(Settings(onnx_quantisation="int8", onnx_runtime="onnxruntime")).model_id.endswith(
        "/int8/v2+reads-simplified"
    )
    assert embedder_spec(Settings(embedder_backend="torch")).model_id == BUNDLED_MODEL_ID + "+reads-simplified"


def test_passage_lanes_reach_the_embedder_and_leave_its_vectors_named_alike() -> None:
    # one passage run on every core by default (the faster on AVX-512 VNNI); the lanes change no recipe
    one, two = embedder_spec(Settings()), embedder_spec(Settings(onnx_passage_lanes=2))
    assert (one.passage_lanes, two.passage_lanes) == (1, 2)
    assert one.model_id == two.model_id


@pytest.mark.slow
def test_the_bundled_model_embeds_with_the_e5_prefixes(real_embedder: Embedder) -> None:
    """The prompts the converted model declares are exactly the prefixes e5 was trained with."""
    inner = model_embedder(real_embedder)
    assert (inner.query_prefix, inner.passage_prefix) == ("query: ", "passage: ")
    question, passage = "提示词是否与原来相同？", "广州设立规模100亿元的天使母基金。"
    np.testing.assert_allclose(inner.embed_queries([question]), inner._encode(["query: " + question]), atol=1e-6)
    np.testing.assert_allclose(inner.embed_passages([passage]), inner._encode(["passage: " + passage]), atol=1e-6)
