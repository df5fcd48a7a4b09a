"""What an answer sentence must hold for a question that asks for a count or a year.

A look-alike question (深圳计划到2025年建成多少座加氢站？ when no issue gives that plan) finds the right city
and topic, and its best sentence states another figure (到2025年氢能产业规模达到500亿元). A count asked in
a measure word (多少座, 几家, 多少辆) is answered by a number counted in that word's class (18座, 28间,
1.2万辆), by a number in digits alone (约有150万; 之一 is no count), by the noun counted (七部门 for
几个部门) or, for 几, by naming them (A、B和C); a year (哪一年) by a year (2018年, 万历十一年). Measured on
CMRC and DRCD (docs/retrieval.md).
"""

from __future__ import annotations

import re

_NUMBER = r"(?:\d[\d.,]*|[一二三四五六七八九十百千万两]+)[余多万亿千百]*"
# Measure words that count the same kind of thing; 个 counts anything.
_CLASSES = (
    "人名位个口户",
    "家间所户个座",
    "座个处所栋幢",
    "辆台部架艘列",
    "个项件批种类款套",
    "条根",
    "份本册期",
    "次回届",
    "颗粒枚",
)
_MEASURES = "".join(sorted(set("".join(_CLASSES))))
_COUNT = re.compile(rf"(?:多少|(?<![哪好第])几)([{_MEASURES}])([\u4e00-\u9fff]{{0,2}})")
_LIST = r"[^、，。]+、[^、，。]+[、和及与][^、，。]+"
# Not a count: 第几期 asks an ordinal, 好几次 is no question, and a question that also asks which, what or
# who is not asking for the count it mentions (带领几个同伙建立哪个国家).
_OTHER_ASK = re.compile(r"哪[个里位些家种]|什么|谁|为何|为什么|如何|怎么|怎样")
_YEAR_ASKED = re.compile(r"哪一?年|what year", re.I)
_YEAR = re.compile(r"[\d一二三四五六七八九十百千〇零元]\s*年")


def required_shape(question: str) -> re.Pattern[str] | None:
    """What a sentence answering the (simplified) ``question`` must contain, or None when it asks
    for neither a count in a measure word nor a year."""
    count = _COUNT.search(question)
    if count is not None and not _OTHER_ASK.search(question):
        measure, noun = count.group(1), count.group(2)
        accepted = _MEASURES if measure == "个" else "".join(c for c in _CLASSES if measure in c)
        forms = [rf"{_NUMBER}\s*[{accepted}]", r"\d[\d.,]*[余多万亿千百]*(?![\u4e00-\u9fff\d.%％])"]
        forms += [rf"{_NUMBER}\s*{re.escape(noun)}"] if noun else []
        forms += [_LIST] if count.group(0).startswith("几") else []
        return re.compile("|".join(forms))
    return _YEAR if _YEAR_ASKED.search(question) else None
