"""Which issue a question is about: named issues become a filter, a described one is found by its topic."""

from __future__ import annotations

from index.scope import explicit_scope, resolve_scope
from ingest.documents import Document


def issue(doc_id: str, publication: str, number: int, total: int, date: str, title: str) -> Document:
    metadata = {"issue_total": f"总第{total}期"}
    return Document(doc_id, f"{doc_id}.txt", "", title, title, publication, f"第{number}期", date, metadata)


LIBRARY = {
    d.doc_id: d
    for d in (
        issue("lx-06", "领导学刊", 6, 142, "2025-05-08", "广州加快布局未来产业"),
        issue("lx-09", "领导学刊", 9, 145, "2025-08-14", "合肥氢能产业"),
        issue("jc-03", "决策参考", 3, 69, "2025-03-20", "深圳氢能"),
        issue("jc-06", "决策参考", 6, 72, "2025-06-02", "杭州数字经济"),
    )
}


def by_title(text: str) -> list[tuple[str, float]]:
    """A stand-in for retrieval: documents whose title shares most characters with ``text``."""
    scored = [(d.doc_id, float(len(set(d.title) & set(text)))) for d in LIBRARY.values()]
    return sorted(scored, key=lambda pair: -pair[1])


def test_a_cumulative_issue_number_names_one_document():
    scope = explicit_scope("总第145期是哪天出的？", LIBRARY)
    assert scope is not None and scope.doc_ids == ("lx-09",) and scope.kind == "explicit"
    assert "总第145期" in scope.reason


def test_publication_and_issue_number_together_narrow_to_one():
    assert explicit_scope("决策参考第3期的责任编辑是谁？", LIBRARY).doc_ids == ("jc-03",)  # type: ignore[union-attr]


def test_an_issue_date_names_the_issues_of_that_month():
    assert explicit_scope("2025年6月那期讲了什么？", LIBRARY).doc_ids == ("jc-06",)  # type: ignore[union-attr]


def test_a_date_about_the_content_is_not_an_issue_reference():
    assert explicit_scope("广州2025年5月出台了什么政策？", LIBRARY) is None


def test_english_issue_numbers_match_either_numbering():
    assert explicit_scope("Who edited issue 142?", LIBRARY).doc_ids == ("lx-06",)  # type: ignore[union-attr]
    assert explicit_scope("Who edited issue 9?", LIBRARY).doc_ids == ("lx-09",)  # type: ignore[union-attr]


def test_a_phase_number_that_is_no_issue_leaves_the_search_alone():
    assert explicit_scope("天使基金第2期规模多大？", LIBRARY) is None


def test_a_cumulative_number_the_library_lacks_is_an_empty_scope():
    scope = explicit_scope("总第150期是哪天出的？", LIBRARY)
    assert scope is not None and scope.doc_ids == () and "总第150期" in scope.reason


def test_an_issue_named_with_its_publication_or_year_that_the_library_lacks_is_an_empty_scope():
    for question in ("决策参考2024年第5期印了多少份？", "领导学刊第12期的责任编辑是谁？", "2024年第6期讲了什么？"):
        scope = explicit_scope(question, LIBRARY)
        assert scope is not None and scope.doc_ids == (), question
        assert "第" in scope.reason and "期" in scope.reason


def test_a_year_before_an_issue_number_narrows_to_that_year():
    scope = explicit_scope("2025年第6期的责任编辑是谁？", LIBRARY)
    assert scope is not None and scope.doc_ids == ("jc-06", "lx-06") and "2025年" in scope.reason


def test_a_publication_holding_every_document_is_no_scope():
    assert explicit_scope("领导学刊的主办单位是谁？", {k: v for k, v in LIBRARY.items() if k.startswith("lx")}) is None


def test_an_issue_described_by_topic_is_found_and_the_description_taken_out():
    scope, rest = resolve_scope("讲合肥氢能产业那期的责任编辑是谁？", LIBRARY, by_title)  # type: ignore[misc]
    assert scope.doc_ids == ("lx-09",) and scope.kind == "topic"
    assert rest == "责任编辑是谁？" and "合肥氢能产业" in scope.reason


def test_a_named_publication_limits_where_the_described_issue_is_looked_for():
    # 氢能 points to both publications; 决策参考 says which one.
    scope, _ = resolve_scope("写氢能的那期决策参考，责任编辑是谁？", LIBRARY, by_title)  # type: ignore[misc]
    assert scope.doc_ids == ("jc-03",)


def test_one_document_needs_no_scope():
    one = {"lx-06": LIBRARY["lx-06"]}
    assert resolve_scope("讲未来产业那期的责任编辑是谁？", one, by_title) is None
    assert resolve_scope("这期刊物的责任编辑是谁？", LIBRARY, by_title) is None


def test_a_question_about_an_unnamed_issue_is_asked_of_the_issues_not_the_other_documents():
    article = Document("wiki-1", "wiki-1.txt", "", "香港电台", "香港电台")  # no masthead: no issue
    mixed = {"lx-06": LIBRARY["lx-06"], "wiki-1": article}
    for question in ("编辑部地址在哪里？", "Who is the responsible editor of this issue?", "本期共印多少份？"):
        scope, rest = resolve_scope(question, mixed, by_title)  # type: ignore[misc]
        assert scope.doc_ids == ("lx-06",) and rest == question, question
    assert resolve_scope("香港电台由谁主办？", mixed, by_title) is None  # 主办 alone asks nothing of an issue
    assert resolve_scope("编辑部地址在哪里？", LIBRARY, by_title) is None  # every document is an issue


def test_an_issue_described_by_topic_in_english_is_found_and_the_description_taken_out():
    def by_words(text: str) -> list[tuple[str, float]]:
        return [("lx-09", 2.0), ("lx-06", 1.0)] if "hydrogen" in text.lower() else [("lx-06", 2.0)]

    scope, rest = resolve_scope("Who is the editor of the hydrogen issue?", LIBRARY, by_words)  # type: ignore[misc]
    assert scope.doc_ids == ("lx-09",) and scope.kind == "topic" and rest == "Who is the editor ?"
    scope, rest = resolve_scope("Who edited the briefing on the future industries?", LIBRARY, by_words)  # type: ignore[misc]
    assert scope.doc_ids == ("lx-06",) and rest == "Who edited ?"


def test_an_english_issue_picked_by_its_place_in_the_series_or_its_number_is_no_topic():
    for question in (
        "How many copies of the latest issue were printed?",
        "What is the cumulative issue number of this briefing?",
        "When did Guangdong province issue its action plan for future industries?",
    ):
        assert resolve_scope(question, LIBRARY, by_title) is None, question
