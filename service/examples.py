"""Chinese example bodies for the OpenAPI document, taken from the bundled briefing (领导学刊 2025 第6期)."""

from __future__ import annotations

from pydantic.config import JsonDict, JsonValue

BRIEFING = "lingdao-xuekan-2025-06"
_TEXT = (
    "在金融赋能科技创新方面，广州着力加强1500亿元规模的产投基金、500亿元规模的创投基金"
    "和100亿元规模的天使母基金战略协同。"
)
_START = 2342  # where the passage starts in the briefing's clean text
_TERM = _TEXT.index("天使母基金")

ASK_IN: list[JsonValue] = [
    {"question": "天使母基金规模多大？", "top_k": 3},
    {
        "question": "广州前瞻布局了哪些未来产业？",
        "top_k": 5,
        "mode": "hybrid",
        "filters": {"publication": "领导学刊", "date_from": "2025-01-01"},
    },
]
FILTERS_IN: list[JsonValue] = [{"publication": "领导学刊", "date_from": "2025-01-01", "date_to": "2025-12-31"}]
PASSAGE: JsonDict = {
    "rank": 1,
    "id": f"{BRIEFING}#0018",
    "text": _TEXT,
    "score": 0.0328,
    "citation": {
        "doc_id": BRIEFING,
        "title": "广州加快布局未来产业 蓄能产业未来发展",
        "publication": "领导学刊",
        "issue": "第6期",
        "date": "2025-05-08",
        "section": "三是科技金融赋能“从0到N”跃升",
        "start": _START,
        "end": _START + len(_TEXT),
    },
    "highlights": [
        {"start": _TERM, "end": _TERM + len("天使母基金"), "kind": "term"},
        {"start": 0, "end": len(_TEXT), "kind": "answer"},
    ],
    "ranks": {"dense": 1, "bm25": 1, "fused": 1},
    "scores": {"dense": 0.8731, "bm25": 7.976, "fused": 0.0328},
}
SEARCH_OUT: JsonDict = {
    "question": "天使母基金规模多大？",
    "terms": ["天使母基金", "规模"],
    "passages": [PASSAGE],
    "index_version": "v000003-20250508T120000",
    "took_ms": 41.7,
}
ANSWER: JsonDict = {
    "text": _TEXT,
    "doc_id": BRIEFING,
    "start": _START,
    "end": _START + len(_TEXT),
    "passage_rank": 1,
    "highlights": [{"start": _TERM, "end": _TERM + len("天使母基金"), "kind": "term"}],
}
ASK_OUT: JsonDict = {**SEARCH_OUT, "abstained": False, "answer": ANSWER}
SUMMARY: JsonDict = {
    "doc_id": BRIEFING,
    "title": "广州加快布局未来产业 蓄能产业未来发展",
    "publication": "领导学刊",
    "issue": "第6期",
    "issue_total": "总第142期",
    "date": "2025-05-08",
    "format": "txt",
    "page_count": None,
    "passages": 20,
    "metadata": {"publication": "领导学刊", "issue": "第6期", "publisher": "苏州太湖书院 苏州太湖智库 主办"},
}
DOCUMENT: JsonDict = {
    **SUMMARY,
    "text": "市管重点新型智库\n\n领导学刊\n\n第 6 期……",
    "sections": [
        {"title": "刊头", "heading": "刊头", "level": 0, "start": 0, "end": 78, "page": None},
        {"title": "导语", "heading": "导语", "level": 0, "start": 80, "end": 1031, "page": None},
    ],
    "pages": [],
}
PAGE: JsonDict = {"documents": [SUMMARY], "total": 1, "offset": 0, "limit": 20}
ERROR: JsonDict = {"error": {"code": "question_too_long", "message": "question has 612 characters; the limit is 500"}}
