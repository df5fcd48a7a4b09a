"""CMRC sentence and paragraph benchmark builders on a tiny synthetic SQuAD-style file."""

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from cli.main import app
from evaluation.cmrc import build_cmrc_paragraphs, build_cmrc_sentences, split_sentences
from evaluation.questions import load_beir_corpus, load_questions

CONTEXT_A = "他说：“我们明天出发。”然后离开了！  大家都很高兴；真的吗？没有结尾"
CONTEXT_B = "大家都很高兴；广州有六个未来产业。（注：见下文。）"


def write_source(folder):
    data = {
        "version": "v1.0",
        "data": [
            {
                "id": "A",
                "title": "",
                "paragraphs": [
                    {
                        "id": "A0",
                        "context": CONTEXT_A,
                        "qas": [
                            {
                                "id": "QA_0",
                                "question": "他们什么时候出发？",
                                "answers": [{"text": "明天", "answer_start": CONTEXT_A.index("明天")}],
                            },
                            {
                                "id": "QA_1",
                                "question": "谁很高兴？",
                                "answers": [
                                    {"text": "大家", "answer_start": CONTEXT_A.index("大家")},
                                    {"text": "离开了！  大家", "answer_start": CONTEXT_A.index("离开")},
                                    {"text": "不存在", "answer_start": -1},
                                ],
                            },
                            {"id": "QA_2", "question": "  ", "answers": [{"text": "大家", "answer_start": 0}]},
                        ],
                    },
                    {
                        "id": "B0",
                        "context": CONTEXT_B,
                        "qas": [
                            {
                                "id": "QB_0",
                                "question": "广州有几个未来产业？",
                                "answers": [{"text": "六个", "answer_start": CONTEXT_B.index("六个")}],
                            },
                        ],
                    },
                ],
            }
        ],
    }
    folder.mkdir()
    (folder / "cmrc2018_dev.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_split_keeps_delimiters_and_closing_quotes():
    texts = [span.text for span in split_sentences(CONTEXT_A)]
    assert texts == ["他说：“我们明天出发。”", "然后离开了！", "大家都很高兴；", "真的吗？", "没有结尾"]
    assert [s.text for s in split_sentences(CONTEXT_B)][-1] == "（注：见下文。）"
    assert split_sentences("  \n ") == []


def test_ascii_marks_and_line_breaks_stay_inside_a_cmrc_sentence():
    # unlike a briefing's: CMRC contexts are Wikipedia text with inline markup and Latin names
    assert [s.text for s in split_sentences("他问：why? 行\n尾。下一句")] == ["他问：why? 行\n尾。", "下一句"]
    assert [(s.start, s.end) for s in split_sentences(" 甲。 乙 ")] == [(1, 3), (4, 5)]


def test_build_dedupes_sentences_and_writes_qrels(tmp_path):
    write_source(tmp_path / "src")
    stats = build_cmrc_sentences(tmp_path / "src", tmp_path / "out")
    corpus = {doc.text: doc.id for doc in load_beir_corpus(tmp_path / "out")}
    assert stats.sentences == 7 == len(corpus)  # "大家都很高兴；" is shared
    assert list(corpus.values()) == [f"s{n}" for n in range(7)]
    assert (stats.questions, stats.qrels, stats.unplaced_answers, stats.empty_questions) == (3, 4, 1, 1)
    gold = {q.id: q.gold_ids for q in load_questions(tmp_path / "out")}
    assert gold["QA_0"] == (corpus["他说：“我们明天出发。”"],)
    assert gold["QA_1"] == (corpus["大家都很高兴；"], corpus["然后离开了！"])
    assert gold["QB_0"] == (corpus["广州有六个未来产业。"],)
    first_line = (tmp_path / "out" / "qrels.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "query-id\tcorpus-id\tscore"


def test_build_is_byte_identical(tmp_path):
    write_source(tmp_path / "src")
    build_cmrc_sentences(tmp_path / "src", tmp_path / "one")
    build_cmrc_sentences(tmp_path / "src", tmp_path / "two")
    for name in ("corpus.jsonl", "queries.jsonl", "qrels.tsv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_paragraph_level_gold_is_the_whole_context(tmp_path):
    write_source(tmp_path / "src")
    stats = build_cmrc_paragraphs(tmp_path / "src", tmp_path / "out")
    corpus = {doc.text: doc.id for doc in load_beir_corpus(tmp_path / "out")}
    assert list(corpus) == [CONTEXT_A.strip(), CONTEXT_B.strip()] and stats.sentences == 2
    gold = {q.id: q.gold_ids for q in load_questions(tmp_path / "out")}
    # every non-empty question counts, even one whose answer span cannot be located
    assert gold == {"QA_0": ("p0",), "QA_1": ("p0",), "QB_0": ("p1",)}
    assert (stats.questions, stats.empty_questions) == (3, 1)


XQUAD = Path(__file__).parent / "data" / "xquad_tiny.json"


def cmrc(*args: str) -> Result:
    """``briefqa cmrc ARGS`` in this process, on a wide console so that one line stays one line."""
    return CliRunner().invoke(app, ["cmrc", *args], env={"COLUMNS": "400"})


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_paragraphs_without_ids_are_named_by_file_article_and_paragraph(tmp_path):
    assert cmrc("--src", str(XQUAD), "--out", str(tmp_path / "out")).exit_code == 0  # XQuAD: one file, no ids
    corpus = _jsonl(tmp_path / "out" / "corpus.jsonl")
    contexts = [record["metadata"]["context"] for record in corpus]
    assert contexts == ["xquad_tiny-0-0"] * 2 + ["xquad_tiny-1-0"] * 3 + ["xquad_tiny-1-1"]
    gold = {q.id: q.gold_ids for q in load_questions(tmp_path / "out")}
    assert gold == {"xq-0-0-0": ("s0",), "xq-1-0-0": ("s2",), "xq-1-1-0": ("s5",), "xq-1-1-1": ("s5",)}


def test_paragraph_level_reads_one_xquad_file(tmp_path):
    stats = build_cmrc_paragraphs(XQUAD, tmp_path / "out")
    assert (stats.contexts, stats.sentences, stats.questions) == (3, 3, 4)


def test_a_question_without_text_stops_with_one_line_naming_it(tmp_path):
    data = json.loads(XQUAD.read_text(encoding="utf-8"))
    del data["data"][1]["paragraphs"][1]["qas"][0]["question"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cmrc("--src", str(broken), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr == f"error: {broken}: data[1].paragraphs[1].qas[0] has no 'question': not a SQuAD-style file\n"
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_json_stops_with_one_line(tmp_path):
    (tmp_path / "notes.json").write_text("not json", encoding="utf-8")
    result = cmrc("--src", str(tmp_path / "notes.json"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path / 'notes.json'}: not a JSON file")
    assert result.stderr.count("\n") == 1
