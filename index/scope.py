"""Which documents a question is about, when it says so: an issue number, a publication, an issue's date, or
a description of an issue by its topic ("讲氢能产业那期").

An explicit reference becomes a filter. A description ("讲氢能的那期", "in the hydrogen issue", or 这期/本期
in a library of several issues) names no document, so it is resolved by retrieval: the document its topic words point to
(``rank_documents`` in index.search does that step). Explicit filters from the caller always win.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from ingest.documents import Document

_TOTAL = re.compile(r"总第\s*(\d+)\s*期")
_ISSUE = re.compile(r"(?<!总)第\s*(\d+)\s*期")
# A year just before an issue number is the issue's year: 2024年第5期.
_ISSUE_YEAR = re.compile(r"(\d{4})\s*年\s*(?=第\s*\d+\s*期)")
_ENGLISH_ISSUE = re.compile(r"\bissue\s+(?:no\.?\s*)?(\d+)\b", re.I)
# A date that names an issue: 2025年5月那期, 2025年5月8日出的简报, 2025年3月的《决策参考》.
_ISSUE_DATE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?(?=[^，。？?！]{0,6}(?:期|刊|简报|《))"
)
# An issue described by its topic: 讲氢能产业那期, 谈数字经济的那一期, 关于低空经济的那份简报, 合肥氢能那期.
# In English: "in the hydrogen issue", "according to the AI briefing", "the issue on the low-altitude economy".
# Words that pick an issue by its place in the series, not its topic, describe none (the latest issue).
_NOT_A_TOPIC = (
    r"(?!(?:this|that|same|latest|last|current|next|previous|recent|new|first|second|third|other|cumulative)\b)"
)
_TOPICS = (
    re.compile(r"(?:讲|谈|关于|介绍|聚焦|写|研究|说)([^，。？?！的那这哪]{2,20}?)的?(?:那|这|哪|一)一?(?:期|份|篇)"),
    re.compile(r"([^，。？?！的那这哪期]{2,12}?)的?那一?期"),
    re.compile(
        rf"\b(?:in|from|of|according to|by|for)\s+the\s+{_NOT_A_TOPIC}([a-z][a-z'’\- ]{{0,40}}?)\s+"
        r"(?:issue|briefing|edition)\b(?!\s+(?:no\b|number))",
        re.I,
    ),
    re.compile(
        rf"\bthe\s+(?:issue|briefing|edition)\s+(?:on|about|covering)\s+(?:the\s+)?{_NOT_A_TOPIC}"
        r"([a-z][a-z'’\- ]{0,40}?)(?=\s*[,?.!;]|\s*$)",
        re.I,
    ),
)


# What a question asks of an issue itself, answered by its masthead or footer: date, editor, print run,
# contacts, recipients, publisher, title (the layout of Chinese briefings, ``ingest.metadata``).
_ISSUE_FIELDS = re.compile(
    r"责任编辑|编辑|谁编|主编|印了|印数|共印|[几多]少?份|电话|传真|地址|邮编|报送|报了|报给|主办|出版|印发|"
    r"哪一?天出|几号出|什么时候出|题目|标题|讲的是什么|谈的是|什么主题|哪个城市的什么|"
    r"editor|printed|copies|phone|fax|address|publisher|issue number|submitted",
    re.I,
)
# A question about an issue that names none (编辑部地址在哪里, this briefing's editor) is about the issues the
# library holds, not its other documents (an encyclopedia article has no 编辑部).
_ABOUT_AN_ISSUE = re.compile(
    r"责任编辑|编辑部|本期|这期|该期|此期|这一期|本刊|共印|印数|印了多少|印了几|报送|this (?:issue|briefing)|editor",
    re.I,
)
ISSUE_KINDS = ("masthead", "footer")


def asks_about_issue(question: str) -> bool:
    """Whether (the rest of) a scoped question asks for a field of the issue, not its content."""
    return _ISSUE_FIELDS.search(question) is not None


@dataclass(frozen=True)
class Scope:
    """The documents a question was limited to, and why (shown to the reader, who can undo it)."""

    doc_ids: tuple[str, ...]
    reason: str
    kind: Literal["explicit", "topic"]  # explicit: the question names them; topic: retrieval chose the issue


DocumentRanking = Callable[[str], list[tuple[str, float]]]  # question → (doc_id, score), best first


def resolve_scope(question: str, documents: Mapping[str, Document], rank: DocumentRanking) -> tuple[Scope, str] | None:
    """The documents a (simplified) question is about, and the question to ask of them; None: the whole library.

    Named issues (第7期, 《领导学刊》, 2025年3月那期) narrow the library; an issue described by its topic
    (讲氢能产业那期) is then the one among them that ``rank`` puts first for the topic words, and the
    description is taken out of the question, so the rest (责任编辑是谁) finds its passage there.
    """
    explicit = explicit_scope(question, documents)
    if explicit is None and not any(p.search(question) for p in _TOPICS) and _ABOUT_AN_ISSUE.search(question):
        issues = tuple(sorted(d.doc_id for d in documents.values() if d.issue or "issue_total" in d.metadata))
        if issues and len(issues) < len(documents):
            return Scope(issues, f"问题问的是期刊本身，只在库中有刊头、刊尾的{len(issues)}期里找", "topic"), question
    candidates = set(explicit.doc_ids) if explicit else set(documents)
    if explicit:  # the reference did its work: left in, it ranks the masthead that states it first
        question = _without_references(question, documents)
    match = next((m for m in (p.search(question) for p in _TOPICS) if m), None)
    if match is None or len(candidates) < 2:
        return (explicit, question) if explicit else None
    ranked = [doc_id for doc_id, _ in rank(match.group(1)) if doc_id in candidates]
    if not ranked:
        return (explicit, question) if explicit else None
    doc = documents[ranked[0]]
    named = f"{explicit.reason}，" if explicit else ""
    about = "".join(f" {x}" for x in (doc.issue, doc.date) if x)
    reason = f"{named}问题所说的“{match.group(0)}”指向《{doc.title}》{about}"
    rest = (question[: match.start()] + question[match.end() :]).lstrip("的，, ")
    return Scope((doc.doc_id,), reason, "topic"), rest or question


def explicit_scope(question: str, documents: Mapping[str, Document]) -> Scope | None:
    """The documents matching every issue number, publication and issue date the (simplified) question names.

    None when it names none, or when no document matches them all, except for an issue the library does
    not hold (an empty scope): a 总第N期 no issue has, or a 第N期 named with its publication or year
    (《决策参考》2024年第5期). A bare 第N期 that matches nothing may be a fund's or a project's phase and
    leaves the search alone.
    """
    refs = _references(question, documents)
    if not refs:
        return None
    said = "、".join(r.said for r in refs)
    chosen = tuple(sorted(d.doc_id for d in documents.values() if all(r.matches(d) for r in refs)))
    if not chosen and _names_missing_issue(refs, documents):
        return Scope((), f"库中没有问题所说的{said}", "explicit")
    if not chosen or len(chosen) == len(documents):
        return None
    return Scope(chosen, f"问题指明了{said}", "explicit")


def _names_missing_issue(refs: list[_Reference], documents: Mapping[str, Document]) -> bool:
    """Whether ``refs`` (matching no document) certainly name an issue, so that the library lacks it."""
    fields = {r.field for r in refs}
    numbered = any("issue_total" in d.metadata for d in documents.values())
    return ("issue_total" in fields and numbered) or ("issue" in fields and bool(fields & {"publication", "date"}))


@dataclass(frozen=True)
class _Reference:
    """One thing the question names: a field of the issue ("issue_total", "issue", "number", "publication",
    "date" as an ISO prefix) and its value; ``said`` is how the question put it."""

    field: str
    value: str
    said: str

    def matches(self, d: Document) -> bool:
        total, issue = d.metadata.get("issue_total"), d.issue
        if self.field == "number":
            return f"第{self.value}期" == issue or f"总第{self.value}期" == total
        if self.field == "date":
            return (d.date or "").startswith(self.value)
        return {"issue_total": total, "issue": issue, "publication": d.publication}[self.field] == self.value


def _without_references(question: str, documents: Mapping[str, Document]) -> str:
    """``question`` with the issue numbers, publications and issue dates it names taken out (the rest
    of 《领导学刊》第7期的责任编辑是谁 is 责任编辑是谁); the question itself if nothing would be left."""
    names = [re.escape(d.publication) for d in documents.values() if d.publication]
    patterns = [_TOTAL, _ISSUE, _ENGLISH_ISSUE, _ISSUE_YEAR, _ISSUE_DATE]
    if names:
        patterns.append(re.compile("《?(?:" + "|".join(sorted(set(names), key=len, reverse=True)) + ")》?"))
    rest = question
    for pattern in patterns:
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"\s+", " ", rest).strip(" 的，,、")
    return rest if rest.strip("？?。！ ") else question


def _references(question: str, documents: Mapping[str, Document]) -> list[_Reference]:
    found = [_Reference("issue_total", f"总第{m.group(1)}期", f"总第{m.group(1)}期") for m in _TOTAL.finditer(question)]
    found += [_Reference("issue", f"第{m.group(1)}期", f"第{m.group(1)}期") for m in _ISSUE.finditer(question)]
    for m in _ENGLISH_ISSUE.finditer(question):  # issue 143: either numbering
        found.append(_Reference("number", m.group(1), m.group(0)))
    for name in sorted({d.publication for d in documents.values() if d.publication}, key=len, reverse=True):
        if name in question:
            found.append(_Reference("publication", name, f"《{name}》"))
    for m in _ISSUE_YEAR.finditer(question):
        found.append(_Reference("date", m.group(1), m.group(0).strip()))
    for m in _ISSUE_DATE.finditer(question):
        year, month, day = m.groups()
        prefix = f"{int(year):04d}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
        found.append(_Reference("date", prefix, m.group(0)))
    return found
