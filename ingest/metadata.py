"""What a briefing says about itself: publication, issue, date, publisher, title, editor, footer."""

from __future__ import annotations

import re

from ingest.structure import Block

_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(\d{4})-(\d{1,2})-(\d{1,2})")
_FIELDS = {
    "issue": re.compile(r"(?<!总)第\s*(\d+)\s*期"),
    "issue_total": re.compile(r"总第\s*(\d+)\s*期"),
    "editor": re.compile(r"(?:责任编辑|编辑)[：:]\s*([^\s，,；;]+)"),
    "phone": re.compile(r"(?:联系电话|电话)[：:]\s*([\d\-\s]+\d(?:（传真）|\(传真\))?)"),
    "address": re.compile(r"地址[：:]\s*(\S+)"),
    "print_run": re.compile(r"(?:共印|印数)[：:]\s*(\d+\s*份)"),
    "recipients": re.compile(r"^(?:报|报送|送|抄送)[：:]\s*(.+)$", re.M),
}


def extract_metadata(text: str, parts: list[Block]) -> dict[str, str]:
    """Read the masthead, title and footer blocks of ``text`` into named fields.

    Returns:
        Only the fields found: publication, issue ("第6期"), issue_total ("总第142期"), date
        (ISO), publisher, tagline, title, editor, phone, address, print_run, recipients.
    """
    head = [text[b.start : b.end] for b in parts if b.role == "masthead"]
    foot = "\n".join(text[b.start : b.end] for b in parts if b.role == "footer")
    found: dict[str, str] = {}
    for name, pattern in _FIELDS.items():
        match = pattern.search("\n".join(head) if name.startswith("issue") else foot)
        if match:
            found[name] = re.sub(r"\s+", "", match.group(1)) if name != "phone" else match.group(1).strip()
    if "issue" in found:
        found["issue"] = f"第{found['issue']}期"
    if "issue_total" in found:
        found["issue_total"] = f"总第{found['issue_total']}期"
    date = _first_date("\n".join(head)) or _first_date(text[:500])
    if date:
        found["date"] = date
    found.update(_masthead_names(head))
    title = next((text[b.start : b.end] for b in parts if b.role == "title"), None)
    if title:
        found["title"] = title.lstrip("# ").strip()
    return found


def _first_date(text: str) -> str | None:
    match = _DATE.search(text)
    if not match:
        return None
    y, m, d = (g for g in match.groups() if g is not None)
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _masthead_names(head: list[str]) -> dict[str, str]:
    """Publisher (lines ending in 主办), publication (the name just above the issue line), tagline."""
    names: dict[str, str] = {}
    for i, paragraph in enumerate(head):
        lines = paragraph.split("\n")
        if lines[-1].endswith("主办"):
            names["publisher"] = " ".join(line.removesuffix("主办").strip() for line in lines)
        elif _FIELDS["issue"].search(paragraph) and i > 0 and "publication" not in names:
            names["publication"] = head[i - 1].strip("《》 ")
    plain = [p for p in head if p.strip("《》 ") != names.get("publication") and not re.search(r"\d|主办", p)]
    if plain:
        names["tagline"] = plain[0]
    return names
