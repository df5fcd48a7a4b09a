"""Loading question sets from JSONL and BEIR folders, and the errors for bad input."""

import json

import pytest

from evaluation.questions import Question, QuestionSetError, load_beir_corpus, load_questions


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_with_answers_gold_ids_and_twin(tmp_path):
    path = write_lines(
        tmp_path / "set.jsonl",
        [
            json.dumps({"id": "b01", "question": "天使母基金规模多大？", "answers": ["100亿元"], "kind": "number"}),
            "",
            json.dumps({"question": "天使母基金規模多大？", "gold_ids": ["p3"], "twin": "b01"}),
            json.dumps({"id": "o1", "question": "明天天气？", "answers": []}),
        ],
    )
    first, second, offtopic = load_questions(path)
    assert first == Question("b01", "天使母基金规模多大？", ("100亿元",), (), "number", None)
    assert second.id == "set-3" and second.gold_ids == ("p3",) and second.twin == "b01"
    assert not offtopic.answerable and first.answerable


@pytest.mark.parametrize(
    "bad_line, needle",
    [
        ('{"question": "缺答案"', "not valid JSON"),
        ('{"answers": ["x"]}', "'question'"),
        ('{"question": "没有金标"}', "'answers'"),
        ('{"question": "类型错", "answers": "100亿元"}', "list of non-empty strings"),
        ('["not", "an", "object"]', "expected a JSON object"),
    ],
)
def test_bad_line_names_file_and_line(tmp_path, bad_line, needle):
    path = write_lines(tmp_path / "bad.jsonl", ['{"question": "好的", "answers": ["a"]}', bad_line])
    with pytest.raises(QuestionSetError) as caught:
        load_questions(path)
    message = str(caught.value)
    assert f"{path}:2:" in message and needle in message


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(QuestionSetError, match="file not found"):
        load_questions(tmp_path / "absent.jsonl")


def make_beir(folder, qrels_name="qrels.tsv"):
    folder.mkdir()
    write_lines(
        folder / "corpus.jsonl",
        [
            json.dumps({"_id": "s0", "text": "广州布局六个未来产业。", "title": ""}, ensure_ascii=False),
            json.dumps({"_id": "s1", "text": "天使母基金规模100亿元。", "title": "基金"}, ensure_ascii=False),
        ],
    )
    write_lines(
        folder / "queries.jsonl",
        [
            json.dumps({"_id": "q0", "text": "几个未来产业？"}, ensure_ascii=False),
            json.dumps({"_id": "q1", "text": "基金多大？"}, ensure_ascii=False),
            json.dumps({"_id": "q2", "text": "没有金标的问题"}, ensure_ascii=False),
        ],
    )
    qrels = folder / qrels_name
    qrels.parent.mkdir(exist_ok=True)
    write_lines(qrels, ["query-id\tcorpus-id\tscore", "q0\ts0\t1", "q1\ts1\t2", "q1\ts0\t0"])


@pytest.mark.parametrize("qrels_name", ["qrels.tsv", "qrels/test.tsv"])
def test_beir_folder(tmp_path, qrels_name):
    make_beir(tmp_path / "bench", qrels_name)
    questions = load_questions(tmp_path / "bench")
    assert [(q.id, q.gold_ids, q.kind) for q in questions] == [("q0", ("s0",), "bench"), ("q1", ("s1",), "bench")]
    corpus = load_beir_corpus(tmp_path / "bench")
    assert [(d.id, d.title) for d in corpus] == [("s0", ""), ("s1", "基金")]


def test_beir_errors(tmp_path):
    folder = tmp_path / "bench"
    folder.mkdir()
    with pytest.raises(QuestionSetError, match=r"no qrels\.tsv"):
        load_questions(folder)
    write_lines(folder / "qrels.tsv", ["query-id\tcorpus-id\tscore", "q0 s0 1"])
    with pytest.raises(QuestionSetError, match=r"qrels\.tsv:2:"):
        load_questions(folder)
