"""Questions that name their gold document: loading ``doc_id``/``doc_ids`` and scoring only its units."""

import json

import pytest

from evaluation.metrics import doc_of, evaluate_rankings, first_correct_rank, is_relevant
from evaluation.questions import Question, QuestionSetError, load_questions

FUND = Question("l1", "深圳低空经济产业基金多大？", answers=("100亿元",), doc_ids=("lingdao-xuekan-2025-07",))
ANYWHERE = Question("b1", "天使母基金规模多大？", answers=("100亿元",))
GUANGZHOU = "lingdao-xuekan-2025-06#0012"
SHENZHEN = "lingdao-xuekan-2025-07#0005"


def write_lines(path, records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_doc_id_and_doc_ids_are_loaded_merged_and_deduplicated(tmp_path):
    path = write_lines(
        tmp_path / "set.jsonl",
        [
            {"id": "a", "question": "问一", "answers": ["x"], "doc_id": "d1"},
            {"id": "b", "question": "问二", "answers": ["x"], "doc_ids": ["d2", "d3"]},
            {"id": "c", "question": "问三", "answers": ["x"], "doc_id": "d1", "doc_ids": ["d1", "d4"]},
            {"id": "d", "question": "问四", "answers": ["x"]},
        ],
    )
    one, two, both, none = load_questions(path)
    assert one.doc_ids == ("d1",)
    assert two.doc_ids == ("d2", "d3")
    assert both.doc_ids == ("d1", "d4")
    assert none.doc_ids == ()


@pytest.mark.parametrize(
    "record, needle",
    [
        ({"question": "问", "answers": ["x"], "doc_id": ""}, "'doc_id'"),
        ({"question": "问", "answers": ["x"], "doc_id": 7}, "'doc_id'"),
        ({"question": "问", "answers": ["x"], "doc_ids": "d1"}, "'doc_ids'"),
    ],
)
def test_bad_gold_document_fields_name_the_line(tmp_path, record, needle):
    path = write_lines(tmp_path / "bad.jsonl", [record])
    with pytest.raises(QuestionSetError, match=needle) as caught:
        load_questions(path)
    assert f"{path}:1:" in str(caught.value)


def test_doc_of_is_the_id_before_the_hash():
    assert doc_of(GUANGZHOU) == "lingdao-xuekan-2025-06"
    assert doc_of("s12") == "s12"


def test_answer_in_another_document_does_not_count():
    assert not is_relevant(FUND, GUANGZHOU, "100亿元规模的天使母基金")
    assert is_relevant(FUND, SHENZHEN, "深圳设立规模100亿元的低空经济产业基金")
    assert is_relevant(ANYWHERE, GUANGZHOU, "100亿元规模的天使母基金")


def test_gold_document_still_needs_the_answer():
    assert not is_relevant(FUND, SHENZHEN, "深圳的低空经济产值突破960亿元")


def test_gold_ids_match_whatever_the_document():
    question = Question("g", "?", gold_ids=("s3",), doc_ids=("other",))
    assert is_relevant(question, "s3", "无关")


def test_any_of_several_gold_documents_counts():
    question = Question("m", "?", answers=("100亿元",), doc_ids=("juece-cankao-2025-03", "lingdao-xuekan-2025-07"))
    assert is_relevant(question, "juece-cankao-2025-03#0004", "广州设立规模100亿元的低空经济产业基金")


def test_scores_count_only_the_gold_document():
    ranking = [(GUANGZHOU, "100亿元规模的天使母基金"), (SHENZHEN, "规模100亿元的低空经济产业基金")]
    assert first_correct_rank(FUND, ranking) == 2
    assert first_correct_rank(ANYWHERE, ranking) == 1
    result = evaluate_rankings([FUND], {"l1": ranking})
    assert result.overall["hit@1"] == 0 and result.overall["mrr@10"] == pytest.approx(0.5)
    assert result.misses[0].first_correct_rank == 2
