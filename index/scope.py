"""Which documents a question is about, when it says so: an issue number, a publication, an issue's date, or
a description of an issue by its topic ("讲氢能产业那期").

An explicit reference becomes a filter. A description ("讲氢能的那期", or 这期/本期 in a library of several
issues) names no document, so it is resolved by retrieval: the document its topic words point to
(``rank_documents`` in index.search does that step). Explicit filters from the caller always win.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ingest.documents import Document

_TOTAL = re.compile(r"总第\s*(\d+)\s*期")
_ISSUE = re.compile(r"(?<!总)第\s*(\d+)\s*期")
_ENGLISH_ISSUE = re.compile(r"\bissue\s+(?:no\.?\s*)?(\d+)\b", re.I)
# A date that names an issue: 2025年5月那期, 2025年5月8日出的简报, 2025年3月的《决策参考》.
_ISSUE_DATE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?(?=[^，。？?！]{0,6}(?:期|刊|简报|《))"
)
# 讲氢能产业那期, 谈数字经济的那一期, 关于低空经济的那份简报, 介绍人工智能的一期.
_TOPIC = re.compile(
    r"(?:讲|谈|关于|介绍|聚焦|写|研究|说)([^，。？?！的那这哪]{2,20}?)的?(?:那|这|哪|一)一?(?:期|份|篇)"
)
_THIS_ISSUE = re.compile(r"这一?期|本期|该期|这份|本刊|这篇|该刊|this (?:issue|briefing)", re.I)


@dataclass(frozen=True)
class Scope:
    """The documents a question was limited to, and why (shown to the reader, who can undo it)."""

    doc_ids: tuple[str, ...]
    reason: str
    kind: str  # "explicit": the question names them; "topic": retrieval chose the issue it describes


def explicit_scope(question: str, documents: Mapping[str, Document]) -> Scope | None:
    """The documents matching every issue number, publication and issue date the (simplified) question names.

    None when it names none, or when no document matches them all (a number that is not an issue of
    this library, e.g. a fund's 第2期, must not empty the search).
    """
    tests, said = _references(question, documents)
    if not tests:
        return None
    chosen = tuple(sorted(d.doc_id for d in documents.values() if all(test(d) for test in tests)))
    if not chosen or len(chosen) == len(documents):
        return None
    return Scope(chosen, "问题指明了" + "、".join(said), "explicit")


def _references(question: str, documents: Mapping[str, Document]) -> tuple[list, list[str]]:
    tests, said = [], []
    for match in _TOTAL.finditer(question):
        number = match.group(1)
        tests.append(lambda d, n=number: d.metadata.get("issue_total") == f"总第{n}期")
        said.append(f"总第{number}期")
    for match in _ISSUE.finditer(question):
        number = match.group(1)
        tests.append(lambda d, n=number: d.issue == f"第{n}期")
        said.append(f"第{number}期")
    for match in _ENGLISH_ISSUE.finditer(question):
        number = match.group(1)
        tests.append(lambda d, n=number: d.issue == f"第{n}期" or d.metadata.get("issue_total") == f"总第{n}期")
        said.append(f"issue {number}")
    for name in sorted({d.publication for d in documents.values() if d.publication}, key=len, reverse=True):
        if name in question:
            tests.append(lambda d, p=name: d.publication == p)
            said.append(f"《{name}》")
    for match in _ISSUE_DATE.finditer(question):
        year, month, day = match.groups()
        prefix = f"{int(year):04d}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
        tests.append(lambda d, p=prefix: (d.date or "").startswith(p))
        said.append(match.group(0))
    return tests, said


def described_topic(question: str) -> str | None:
    """The topic words of an issue described by its topic (讲氢能产业那期 → 氢能产业), if the question does."""
    match = _TOPIC.search(question)
    return match.group(1).strip() if match else None


def refers_to_one_issue(question: str) -> bool:
    """这期/本期/这份…: the question is about one issue, which in a library must be found first."""
    return bool(_THIS_ISSUE.search(question)) or described_topic(question) is not None
