"""Searching a library of issues: a named issue's masthead and footer, and places its documents are about."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from briefqa.runtime import make_builder, make_searcher
from index.answering import answer_question
from index.search import Searcher
from tests.fakes import HashingEmbedder
from tests.helpers import LIBRARY, settings_for


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """The nine briefings of data/, embedded with the fake embedder: the keyword leg decides."""
    settings = settings_for(Path(tmp_path_factory.mktemp("library")))
    embedder = HashingEmbedder()
    builder = make_builder(settings, embedder)
    builder.sync(LIBRARY)
    return make_searcher(settings, builder.current(), embedder)


@pytest.mark.parametrize(
    ("question", "doc_id", "answer"),
    [
        ("决策参考总第57期共印了几份？", "juece-cankao-2024-03", "120份"),
        ("领导学刊第7期的责任编辑是谁？", "lingdao-xuekan-2025-07", "王晓岚"),
        ("讲合肥氢能的那期印了多少份？", "lingdao-xuekan-2025-09", "65份"),
    ],
)
def test_a_field_of_a_named_issue_is_answered_by_its_footer(library: Searcher, question, doc_id, answer):
    result = library.search(question, k=5)
    assert result.scope is not None and result.scope.doc_ids == (doc_id,)
    assert (result.hits[0].passage.doc_id, result.hits[0].passage.kind) == (doc_id, "footer")
    found, abstained = answer_question(result)
    assert not abstained and found is not None and answer in found.text


def test_the_reference_is_taken_out_of_what_the_issue_is_asked(library: Searcher):
    result = library.search("决策参考总第57期共印了几份？", k=3)
    assert "总第" not in result.query.simplified and "决策参考" not in result.query.simplified


def test_an_issue_of_a_publication_the_library_lacks_abstains(library: Searcher):
    result = library.search("决策参考2024年第5期印了多少份？", k=5)
    assert result.scope is not None and result.scope.doc_ids == () and result.hits == []
    assert answer_question(result) == (None, True)


def write_issue(folder: Path, name: str, title: str, body: str) -> None:
    masthead = "领导学刊\n\n第1期\n(总第1期)\n\n2025年1月1日\n\n"
    (folder / f"{name}.txt").write_text(f"{masthead}{title}\n\n{body}\n", encoding="utf-8")


def test_a_passage_whose_document_is_about_another_place_goes_down(tmp_path: Path):
    sources = tmp_path / "briefings"
    sources.mkdir()
    write_issue(sources, "gz", "广州科技金融", "一、基金\n\n全市着力加强100亿元规模的天使母基金战略协同。")
    shenzhen = "深圳天使母基金规模50亿元，天使母基金重点投向早期项目，天使母基金规模领先。"
    write_issue(sources, "sz", "深圳科技金融", f"一、基金\n\n{shenzhen}")
    settings = settings_for(tmp_path / "data")
    embedder = HashingEmbedder()
    builder = make_builder(settings, embedder)
    builder.sync([sources])
    searcher = make_searcher(settings, builder.current(), embedder)
    question = "广州天使母基金规模多大？"
    assert searcher.search(question, k=2, scope=False).hits[0].passage.doc_id == "gz"  # 广州 is its title's
    searcher.rerank = replace(searcher.rerank, missing_name=0.0)
    assert searcher.search(question, k=2, scope=False).hits[0].passage.doc_id == "sz"  # the words alone


def test_the_date_of_a_named_issue_is_asked_of_its_masthead_though_the_rest_shares_no_word(library: Searcher):
    result = library.search("总第143期是哪天出的？", k=5)
    assert (result.hits[0].passage.doc_id, result.hits[0].passage.kind) == ("lingdao-xuekan-2025-07", "masthead")
    assert not answer_question(result)[1]  # the issue is held: 是哪天出的 needs no word of it
