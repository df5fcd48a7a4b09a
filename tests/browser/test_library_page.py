"""The web page over a library (data/briefings + data/library, fake embedder) in real Chromium: the
library view and the scope it sets, the outline and pages of a document, the service's own scope
shown and undone, feedback, and a 360 px wide screen."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_web_page import fulfill_json

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
QUESTION = "氢能产业发展得怎么样？"  # answered in both publications: 合肥 (领导学刊), 深圳 (决策参考)
PUBLICATIONS = ("领导学刊", "决策参考")

VIEWPORT = {"width": 1200, "height": 900}


def ask(page: Page, question: str = QUESTION) -> dict:
    """Ask in the page's box and wait until this answer is drawn (the previous one stays on screen while
    the next is on its way); the body the page sent."""
    page.get_by_label("您的问题").fill(question)
    with page.expect_response("**/v1/ask", timeout=TIMEOUT_MS) as answered:
        page.get_by_label("您的问题").press("Enter")
    expect(page.locator("#results")).to_have_attribute("aria-busy", "false", timeout=TIMEOUT_MS)
    expect(page.locator("li.passage").first).to_be_visible(timeout=TIMEOUT_MS)
    return json.loads(answered.value.request.post_data or "{}")  # type: ignore[no-any-return]


def cited_publications(page: Page) -> set[str]:
    labels = page.locator("li.passage a.citation").all_text_contents()
    assert labels
    return {name for label in labels for name in PUBLICATIONS if f" · {name} " in label}


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth"))


def test_the_library_lists_every_document_and_finds_and_sorts_them(page: Page, library_url: str):
    page.goto(library_url + "/#library")
    items = page.locator("li.doc-item")
    expect(items).to_have_count(9, timeout=TIMEOUT_MS)
    expect(page.locator("#library-badge")).to_have_text("9")
    briefing = items.filter(has_text="广州加快布局未来产业")
    for fact in ("领导学刊", "第6期 / 总第142期", "2025-05-08", "TXT", "14 段"):
        expect(briefing.locator(".doc-facts")).to_contain_text(fact)
    expect(items.filter(has_text="深圳抢抓低空经济机遇").locator(".doc-pages")).to_have_text("3 页")

    page.get_by_label("查找").fill("决策参考")
    expect(items).to_have_count(4)
    page.get_by_label("查找").fill("总第142期")
    expect(items).to_have_count(1)
    page.get_by_label("查找").fill("")
    page.get_by_label("排序").select_option("date-asc")
    dates = page.locator(".doc-date").all_text_contents()
    assert dates == sorted(dates) and dates[0] == "2024-03-18"
    page.get_by_label("排序").select_option("publication")
    publications = page.locator(".doc-pub").all_text_contents()
    assert publications == ["决策参考"] * 4 + ["领导学刊"] * 5  # 决 (jué) before 领 (lǐng)


def test_a_question_scoped_to_one_publication_from_the_library_gets_only_its_passages(page: Page, library_url: str):
    page.goto(library_url + "/")
    ask(page)
    assert cited_publications(page) == set(PUBLICATIONS)  # unscoped, both publications answer

    page.get_by_role("navigation", name="页面").get_by_role("link", name=re.compile("文档库")).click()
    expect(page.locator("li.doc-item")).to_have_count(9, timeout=TIMEOUT_MS)
    page.get_by_label("刊物").select_option("决策参考")
    page.get_by_role("button", name="只问所选范围").click()
    expect(page.locator("#search-view")).to_be_visible()
    expect(page.locator("#scope-text")).to_have_text("《决策参考》")
    body = ask(page)
    assert body["filters"] == {"publication": "决策参考"}
    expect(page.locator("li.passage")).to_have_count(5)
    assert cited_publications(page) == {"决策参考"}

    page.locator("#scope-bar").get_by_role("button", name="全部文档").click()  # one click: everything again
    expect(page.locator("#scope-text")).to_have_text("全部文档")
    assert "filters" not in ask(page)


def test_documents_and_dates_chosen_in_the_library_scope_the_next_question(page: Page, library_url: str):
    page.goto(library_url + "/#library")
    expect(page.locator("li.doc-item")).to_have_count(9, timeout=TIMEOUT_MS)
    page.get_by_label("选择《深圳氢能产业发展路径及对杭州的启示》").check()
    page.get_by_label("选择《合肥打造氢能产业高地的实践与启示》").check()
    page.get_by_label("起").fill("2024-01-01")
    page.get_by_role("button", name="只问所选范围").click()
    expect(page.locator("#scope-text")).to_contain_text("2024-01-01 起")
    expect(page.locator("#scope-text")).to_contain_text("《深圳氢能产业发展路径及对杭州的启示》")
    body = ask(page)
    assert sorted(body["filters"]["doc_ids"]) == ["juece-cankao-2024-03", "lingdao-xuekan-2025-09"]
    assert body["filters"]["date_from"] == "2024-01-01"
    titles = page.locator("li.passage a.citation").all_text_contents()
    assert all("深圳氢能产业发展路径" in t or "合肥打造氢能产业高地" in t for t in titles), titles


def test_a_section_clicked_in_the_outline_is_where_the_reader_lands(page: Page, library_url: str):
    page.set_viewport_size({"width": 1200, "height": 600})
    page.goto(library_url + "/#doc=juece-cankao-2025-03")
    outline = page.get_by_role("navigation", name="目录")
    expect(outline.get_by_role("button")).to_have_count(19, timeout=TIMEOUT_MS)
    doc = page.request.get(f"{library_url}/v1/documents/juece-cankao-2025-03").json()
    assert page.locator("#doc-text").text_content() == doc["text"]  # the targets add no text
    wanted = "三、对策建议 › （四）健全安全监管和标准体系"
    target = next(i for i, s in enumerate(doc["sections"]) if s["title"] == wanted)
    head = page.locator(f"#doc-section-{target}")
    expect(head).not_to_be_in_viewport()
    outline.get_by_role("button", name="（四）健全安全监管和标准体系").click()
    expect(head).to_be_in_viewport()
    expect(head).to_be_focused()
    assert head.text_content().startswith("（四）健全安全监管和标准体系")
    expect(outline.get_by_role("button", name="（四）健全安全监管和标准体系")).to_have_attribute(
        "aria-current", "location"
    )


def test_a_paged_document_shows_where_each_page_starts(page: Page, library_url: str):
    page.goto(library_url + "/#doc=lingdao-xuekan-2025-07")
    expect(page.locator("#doc-meta")).to_contain_text("共 3 页", timeout=TIMEOUT_MS)
    marks = page.locator("#doc-text .page-mark")
    expect(marks).to_have_count(2)  # pages 2 and 3 (page 1 starts the text)
    assert [m.get_attribute("aria-label") for m in marks.all()] == ["第 2 页", "第 3 页"]
    pages = page.locator(".outline-page").all_text_contents()
    assert pages[0] == "第 1 页" and pages[-1] == "第 3 页"
    doc = page.request.get(f"{library_url}/v1/documents/lingdao-xuekan-2025-07").json()
    assert page.locator("#doc-text").text_content() == doc["text"]


SCOPED = {
    "question": "总第57期讲的氢能产业发展得怎么样？",
    "scope": {"doc_ids": ["juece-cankao-2024-03"], "reason": "问题点名了总第57期", "kind": "explicit"},
    "abstained": False,
    "answer": None,
    "terms": ["氢能"],
    "passages": [],
    "index_version": "t",
    "took_ms": 1.0,
}


def test_the_services_own_scope_is_shown_and_undone_with_one_click(page: Page, library_url: str):
    sent: list[dict] = []

    def answer(route):
        body = json.loads(route.request.post_data or "{}")
        sent.append(body)
        fulfill_json(route, SCOPED if body.get("scope", True) else {**SCOPED, "scope": None})

    page.goto(library_url + "/")
    expect(page.locator("#library-badge")).to_have_text("9", timeout=TIMEOUT_MS)  # titles are known
    page.route("**/v1/ask", answer)
    page.get_by_label("您的问题").fill(SCOPED["question"])
    page.get_by_label("您的问题").press("Enter")
    notice = page.locator("#service-scope")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("《深圳氢能产业发展路径及对杭州的启示》")  # which document, by title
    expect(notice).to_contain_text("问题点名了总第57期")  # and why
    assert sent[-1]["scope"] is True

    notice.get_by_role("button", name="在全部文档中再问一次").click()
    expect(notice).to_be_hidden()
    assert len(sent) == 2 and sent[-1]["scope"] is False and sent[-1]["question"] == SCOPED["question"]
    expect(page.locator("#status")).to_contain_text("已在全部文档中检索")


def test_feedback_on_the_answer_and_on_a_passage_is_posted_and_recorded(page: Page, library_url: str):
    page.goto(library_url + "/")
    page.get_by_label("您的问题").fill(QUESTION)
    with page.expect_response("**/v1/ask") as asked:
        page.get_by_label("您的问题").press("Enter")
    response = asked.value.json()
    answer = response["answer"]
    source = next(p for p in response["passages"] if p["rank"] == answer["passage_rank"])

    with page.expect_response("**/v1/feedback") as posted:
        page.locator("#answer").get_by_role("button", name="👎 答案有误").click()
    assert posted.value.status == 201
    assert json.loads(posted.value.request.post_data or "{}") == {
        "question": QUESTION,
        "passage_id": source["id"],
        "verdict": "down",
        "target": "answer",
        "answers_question": False,
        "index_version": response["index_version"],
        "answer_start": answer["start"],
        "answer_end": answer["end"],
    }
    expect(page.locator("#answer .feedback-state")).to_have_text("已记录")

    second = page.locator("li.passage").nth(1)
    with page.expect_response("**/v1/feedback") as posted:
        second.get_by_role("button", name="这段回答了问题").click()
    body = json.loads(posted.value.request.post_data or "{}")
    assert posted.value.status == 201 and body["target"] == "passage" and body["answers_question"] is True
    assert body["passage_id"] == response["passages"][1]["id"] and body["verdict"] == "up"
    expect(second.locator(".feedback-state")).to_have_text("已记录")
    expect(second.get_by_role("button", name="👍 这段有用")).to_be_disabled()


def test_at_360_px_no_view_scrolls_sideways(browser, library_url: str):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto(library_url + "/")
    ask(page)
    expect(page.locator("#answer .feedback")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.goto(library_url + "/#library")
    expect(page.locator("li.doc-item")).to_have_count(9, timeout=TIMEOUT_MS)
    assert no_horizontal_scroll(page)
    page.goto(library_url + "/#doc=lingdao-xuekan-2025-07&start=430&end=560")
    expect(page.locator("#cited-span")).to_be_visible(timeout=TIMEOUT_MS)
    assert no_horizontal_scroll(page)
    context.close()


def test_a_library_of_more_than_a_page_is_read_page_by_page(page: Page, library_url: str):
    documents = [
        {
            "doc_id": f"doc-{n:03d}",
            "title": f"简报第{n}号",
            "publication": "领导学刊" if n % 2 else "决策参考",
            "issue": f"第{n}期",
            "issue_total": f"总第{100 + n}期",
            "date": f"2025-01-{1 + n % 28:02d}",
            "format": "pdf",
            "page_count": 2,
            "passages": 3,
            "metadata": {},
        }
        for n in range(230)
    ]
    asked: list[tuple[int, int]] = []

    def pages(route):
        query = dict(part.split("=") for part in route.request.url.split("?", 1)[1].split("&"))
        offset, limit = int(query["offset"]), int(query["limit"])
        asked.append((offset, limit))
        chunk = documents[offset : offset + limit]
        fulfill_json(route, {"documents": chunk, "total": len(documents), "offset": offset, "limit": limit})

    page.route("**/v1/documents?*", pages)
    page.goto(library_url + "/#library")
    expect(page.locator("li.doc-item")).to_have_count(230, timeout=TIMEOUT_MS)
    assert asked == [(0, 100), (100, 100), (200, 100)]  # never more than the API's 100 a page
    expect(page.locator("#library-count")).to_have_text("共 230 篇")
