"""The library of briefings and its question sets: metadata, gold documents, gold strings, paraphrasing."""

from collections import Counter
from pathlib import Path

import pytest

from evaluation.metrics import match_form
from evaluation.questions import load_questions
from ingest.chunking import ChunkSettings
from ingest.pipeline import IngestedDocument, find_sources, read_document

ROOT = Path(__file__).resolve().parents[2]
FILES = [ROOT / "data" / "briefings" / "lingdao-xuekan-2025-06.txt", *sorted((ROOT / "data" / "library").glob("*.txt"))]
SETS = ROOT / "evaluation" / "questions"
KINDS = {"fact", "number", "date", "list", "why", "masthead", "footer", "traditional", "english"}
VERBATIM_CHARS = 12
# doc id | publication | issue | issue_total | date | title | editor | print_run
EXPECTED_TABLE = """
lingdao-xuekan-2025-06|领导学刊|第6期|总第142期|2025-05-08|广州加快布局未来产业 蓄能产业未来发展|柴永鹏|70份
lingdao-xuekan-2024-10|领导学刊|第10期|总第134期|2024-10-17|苏州数字经济核心产业发展的现状与对策|王晓岚|60份
lingdao-xuekan-2025-07|领导学刊|第7期|总第143期|2025-06-12|深圳抢抓低空经济机遇 打造“天空之城”|王晓岚|80份
lingdao-xuekan-2025-08|领导学刊|第8期|总第144期|2025-07-10|苏州以人工智能赋能制造业转型升级|柴永鹏|75份
lingdao-xuekan-2025-09|领导学刊|第9期|总第145期|2025-08-14|合肥打造氢能产业高地的实践与启示|周敏|65份
juece-cankao-2024-03|决策参考|第3期|总第57期|2024-03-18|深圳氢能产业发展路径及对杭州的启示|林静怡|120份
juece-cankao-2024-07|决策参考|第7期|总第61期|2024-07-22|杭州数字经济“二次创业”的做法与建议|陈浩然|150份
juece-cankao-2025-03|决策参考|第3期|总第69期|2025-03-06|广州低空经济发展态势与对策建议|林静怡|110份
juece-cankao-2025-05|决策参考|第5期|总第71期|2025-05-20|深圳前瞻布局未来产业的做法与启示|陈浩然|130份
"""
EXPECTED = {row[0]: tuple(row[1:]) for row in (line.split("|") for line in EXPECTED_TABLE.strip().splitlines())}


@pytest.fixture(scope="module")
def library() -> dict[str, IngestedDocument]:
    return {path.stem: read_document(path, ChunkSettings()) for path in FILES}


@pytest.fixture(scope="module")
def answerable():
    return {name: load_questions(SETS / f"{name}.jsonl") for name in ("library", "library-heldout")}


def test_every_briefing_is_read_with_its_metadata(library):
    assert set(library) == set(EXPECTED)
    for doc_id, expected in EXPECTED.items():
        document = library[doc_id].document
        meta = document.metadata
        found = (document.publication, document.issue, meta.get("issue_total"), document.date, document.title)
        assert (*found, meta.get("editor"), meta.get("print_run")) == expected, doc_id


def test_ingesting_the_library_folder_reads_only_the_briefings():
    assert find_sources([ROOT / "data" / "library"]) == [path.resolve() for path in FILES[1:]]


def test_briefings_are_of_briefing_length(library):
    for doc_id, item in library.items():
        assert 1500 <= len(item.document.text) <= 3500, doc_id


def test_page_breaks_are_repaired_where_the_reader_can(library):
    shenzhen = library["lingdao-xuekan-2025-07"].document
    assert [page for _, page in shenzhen.pages] == [1, 2, 3]
    assert "《领导学刊》" not in shenzhen.text and "- 2 -" not in shenzhen.text
    assert "配送等应用逐步走进市民日常生活" in shenzhen.text
    assert "机器视觉、工业软件、智能传感器" in library["lingdao-xuekan-2025-08"].document.text


def test_sets_are_large_enough_with_unique_ids(answerable):
    unanswerable = load_questions(SETS / "library-unanswerable.jsonl")
    assert len(answerable["library"]) >= 60 and len(answerable["library-heldout"]) >= 20 and len(unanswerable) >= 12
    ids = [q.id for q in [*answerable["library"], *answerable["library-heldout"], *unanswerable]]
    assert len(ids) == len(set(ids))


def test_kinds_and_documents_are_covered(answerable):
    for name, questions in answerable.items():
        assert {q.kind for q in questions} == KINDS, name
        per_doc = Counter(q.doc_ids for q in questions)
        assert set(per_doc) == {(doc_id,) for doc_id in EXPECTED}, name
    assert min(Counter(q.doc_ids for q in answerable["library"]).values()) >= 5


def test_questions_name_issues_publications_and_months(answerable):
    texts = [q.text for q in answerable["library"]]
    for needle in ("总第143期", "第7期", "决策参考", "2025年3月那期", "领导学刊"):
        assert any(needle in text for text in texts), needle


def test_every_answer_is_in_one_passage_of_its_gold_document(answerable, library):
    for questions in answerable.values():
        for question in questions:
            assert len(question.doc_ids) == 1 and 1 <= len(question.answers) <= 3, question.id
            passages = [match_form(p.text) for p in library[question.doc_ids[0]].passages]
            for answer in map(match_form, question.answers):
                assert any(answer in passage for passage in passages), f"{question.id}: {answer!r}"


def test_questions_are_paraphrased(answerable, library):
    texts = [match_form(item.document.text) for item in library.values()]
    for questions in answerable.values():
        for question in questions:
            text = match_form(question.text)
            for start in range(len(text) - VERBATIM_CHARS + 1):
                window = text[start : start + VERBATIM_CHARS]
                assert not any(window in doc for doc in texts), f"{question.id} copies {window!r}"


def test_heldout_asks_other_questions(answerable):
    assert not {q.text for q in answerable["library"]} & {q.text for q in answerable["library-heldout"]}


def test_traditional_twins_share_their_answers(answerable):
    by_id = {q.id: q for q in answerable["library"]}
    twins = [q for q in answerable["library"] if q.twin]
    assert twins
    for question in twins:
        twin = by_id[question.twin or ""]
        assert twin.kind not in ("traditional", "english") and twin.answers == question.answers, question.id


def test_unanswerable_questions_have_no_gold():
    questions = load_questions(SETS / "library-unanswerable.jsonl")
    assert all(not q.answerable and q.kind == "unanswerable" and not q.doc_ids for q in questions)
    assert any(q.text.isascii() for q in questions)
