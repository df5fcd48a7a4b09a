"""One question, analysed once: what the search, the re-ranking and the answer all read from it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.answer_shape import required_shape
from text.cjk import has_chinese
from text.english import Translation, translate
from text.normalize import simplify
from text.terms import Analyzer

# What a question asks for, and what a sentence that answers it contains.
_ANSWER_TYPES = (
    # A day (哪天, 几号) is asked of a full date: a year alone is in half the sentences of a briefing.
    (
        re.compile(r"哪一?天|几号|几月几日|日期|what date|which day", re.I),
        re.compile(r"月\s*\d{1,2}\s*[日号]|(?<!\d)\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}"),
    ),
    (
        re.compile(r"哪一?年|何时|什么时候|几月|时间|when|what year", re.I),
        re.compile(r"\d{4}\s*年|\d{1,2}\s*月|\d{4}-\d{2}|[一二三四五六七八九十〇零]{4}年"),
    ),
    (
        re.compile(r"多少|多大|多长|多久|几[个项大类条家种位份期]|规模|数量|how (many|much|big|large)", re.I),
        re.compile(r"\d|[一二三四五六七八九十百千万亿两]+\s*[个项大类条家种位份期亿万部批座所名人次年]"),
    ),
    (re.compile(r"谁|哪位|哪些人|\bwho\b", re.I), re.compile(r"[：:]\s*\S|书记|市长|主任|编辑|主席")),
    # Which ones (哪些, 哪几): an enumeration of at least three items (A、B、C or A、B和C). English
    # "which" asks for one thing as often as for several, so it is left out.
    (re.compile(r"哪些|哪几"), re.compile(r"[^、，。]+、[^、，。]+[、和及与][^、，。]+")),
)


# The specific detail a question asks about, which an answering passage must state: a year (2024年), a
# tranche or phase in words (二期, 第二期, 首期; 第6期 in digits names an issue: ``index.scope``).
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_TRANCHE = re.compile(r"(?<![那这哪同每本上下近前几])(第?)([一二三四五六七八九十]|首)([期批])")
_NUMERALS = "一二三四五六七八九"


@dataclass(frozen=True)
class Query:
    """A question as every stage needs it. A later ``scope`` (what the question is about) goes here too.

    ``terms`` are highlighted and judge coverage: for an English question, its Chinese translations
    this corpus may hold. ``lexical_terms`` judge a sentence's evidence: none for a question with no
    Chinese, whose translations have many senses (its closeness carries the evidence).
    """

    text: str
    simplified: str  # NFKC, traditional → simplified: what scope and details match
    chinese: bool  # holds a Chinese character; a question without one is asked across languages
    terms: tuple[str, ...]
    lexical_terms: tuple[str, ...]
    term_parts: tuple[tuple[str, ...], ...]  # per term: itself and its meaningful parts (传真号码: 传真)
    names: tuple[str, ...]  # places and organisations a Chinese question names
    translations: tuple[Translation, ...]  # an English question's words, in Chinese
    translated_terms: tuple[tuple[tuple[str, ...], ...], ...]  # per translation, per Chinese word: its terms
    shape: re.Pattern[str] | None  # what an answering sentence contains (``wanted_shape``)
    details: tuple[tuple[str, ...], ...] = ()  # per detail the question names (``details``): its written forms
    required: re.Pattern[str] | None = None  # what the answer sentence must hold (``index.answer_shape``)


def analyse(question: str, analyzer: Analyzer, knows: Callable[[str], bool]) -> Query:
    """Analyse ``question`` once; ``knows`` says whether the keyword index holds a unit (``w:广州``)."""
    chinese = has_chinese(question)
    translations = () if chinese else tuple(translate(question))
    # Each Chinese word an English question may stand for, segmented once for every use.
    segmented = {word: tuple(analyzer.terms(word)) for t in translations for word in t.chinese}
    terms = _known_terms(segmented, knows) if segmented else tuple(analyzer.terms(question))
    simplified = simplify(question)
    return Query(
        text=question,
        simplified=simplified,
        chinese=chinese,
        terms=terms,
        lexical_terms=terms if chinese else (),
        term_parts=tuple(tuple(analyzer.parts_of(term)) for term in terms),
        names=tuple(analyzer.names(question)) if chinese else (),
        translations=translations,
        translated_terms=tuple(tuple(segmented[word] for word in t.chinese) for t in translations),
        shape=wanted_shape(question),
        details=details(simplified),
        required=required_shape(simplified),
    )


def _known_terms(segmented: dict[str, tuple[str, ...]], knows: Callable[[str], bool]) -> tuple[str, ...]:
    """The words of an English question's translations this corpus may hold (a word of it, or
    several characters all in it)."""
    words = {term for terms in segmented.values() for term in terms}
    return tuple(sorted(w for w in words if knows(f"w:{w}") or (len(w) > 1 and all(knows(f"c:{c}") for c in w))))


def wanted_shape(question: str) -> re.Pattern[str] | None:
    """The pattern an answering sentence should contain, from the question word (when, how many, who,
    which ones)."""
    return next((shape for asks, shape in _ANSWER_TYPES if asks.search(question)), None)


def details(question: str) -> tuple[tuple[str, ...], ...]:
    """The years and tranches a (simplified) question names, each as the forms a passage may write it in:
    2024年 → ("2024",); 二期 → ("二期", "2期"); 首期 → ("首期", "一期", "1期")."""
    found: list[tuple[str, ...]] = [(m.group(1),) for m in _YEAR.finditer(question)]
    for m in _TRANCHE.finditer(question):
        word, unit = m.group(2), m.group(3)
        number = 1 if word == "首" else _NUMERALS.index(word) + 1 if word in _NUMERALS else 10
        forms = [f"{_NUMERALS[number - 1] if number < 10 else '十'}{unit}", f"{number}{unit}"]
        found.append(tuple(dict.fromkeys((f"首{unit}", *forms) if number == 1 else forms)))
    return tuple(dict.fromkeys(found))
