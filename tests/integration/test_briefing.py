"""The whole path on the real briefing and the real model: ingest → jieba → e5 → FAISS + BM25 → cited passages."""

from __future__ import annotations

import httpx
import pytest

from briefqa.runtime import embedder_spec, make_builder, make_searcher
from briefqa.settings import Settings
from index.embedding import Embedder
from text.sentences import sentence_spans

pytestmark = pytest.mark.slow

# The passage holding the answer must come first in hybrid mode.
FIRST_PLACE = {
    "广州前瞻布局了哪些未来产业？": "智能无人系统、具身智能、细胞与基因",
    "天使母基金规模多大？": "100亿元规模的天使母基金",
    "这期刊物的责任编辑是谁？": "柴永鹏",
    "人体有多少个细胞？": "50万亿个细胞",
}


RUNTIMES = [
    "onnx:int8-static:openvino",
    "onnx:int4-b32:openvino",
    "onnx:int4-b32:onnxruntime",
    "onnx:fp32:openvino",
    "onnx:int8:onnxruntime",
]


@pytest.fixture(scope="module", params=[*RUNTIMES, "torch:fp32:"])
def searcher(request: pytest.FixtureRequest, briefing_settings: Settings, real_embedder: Embedder, tmp_path_factory):
    """The default runtime (int4-b32 on OpenVINO, the bundled model) over the shared index; others over their own."""
    settings, embedder = briefing_settings, real_embedder
    backend, quantisation, runtime = request.param.split(":")
    default = (settings.embedder_backend, embedder_spec(settings).quantisation, settings.onnx_runtime)
    if (backend, quantisation, runtime) != default:
        from briefqa.runtime import make_embedder
        from tests.helpers import BRIEFING, settings_for

        folder = tmp_path_factory.mktemp(f"briefing-{backend}-{quantisation}-{runtime}")
        chosen = {"onnx_runtime": runtime} if runtime else {}
        settings = settings_for(folder, embedder_backend=backend, onnx_quantisation=quantisation, **chosen)
        embedder = make_embedder(settings)
        make_builder(settings, embedder).sync([BRIEFING])
    index = make_builder(settings, embedder).current()
    assert index is not None
    return make_searcher(settings, index, embedder)


@pytest.mark.parametrize("question", list(FIRST_PLACE))
def test_answer_passage_ranks_first_in_hybrid_mode(searcher, question: str):
    top = searcher.search(question, k=5, mode="hybrid").hits[0].passage
    assert FIRST_PLACE[question] in top.text


def test_every_passage_is_the_slice_of_its_document(searcher):
    index = searcher.index
    assert len(index.passages) >= 10
    for passage in index.passages:
        assert index.documents[passage.doc_id].text[passage.start : passage.end] == passage.text


def test_no_passage_holds_a_page_break_artefact(searcher):
    for passage in searcher.index.passages:
        for start, end in sentence_spans(passage.text):
            assert "\n" not in passage.text[start:end]
    texts = [p.text for p in searcher.index.passages]
    for word in ("细胞与基因", "高水平科技自立自强", "驱动着产业", "贸易摩擦、技术封锁"):
        assert any(word in t for t in texts), word


def test_reingesting_unchanged_briefing_is_a_no_op(briefing_settings: Settings, real_embedder: Embedder):
    from tests.helpers import BRIEFING

    report = make_builder(briefing_settings, real_embedder).sync([BRIEFING])
    assert report.version is None and report.embedded_passages == 0


def test_ask_over_http_cites_document_offsets(live_server_url: str):
    body = httpx.post(
        f"{live_server_url}/v1/ask", json={"question": "天使母基金规模多大？", "top_k": 3}, timeout=60
    ).json()
    first = body["passages"][0]
    document = httpx.get(f"{live_server_url}/v1/documents/{first['citation']['doc_id']}", timeout=10).json()
    citation = first["citation"]
    assert document["text"][citation["start"] : citation["end"]] == first["text"]
    assert citation["issue"] == "第6期" and citation["date"] == "2025-05-08" and citation["section"]
    assert "100亿元" in body["answer"]["text"]


def test_traditional_question_finds_the_simplified_passage(searcher):
    top = searcher.search("廣州產投基金規模多大？", k=3).hits[0].passage
    assert "1500亿元规模的产投基金" in top.text
