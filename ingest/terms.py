"""Keyword terms: jieba words with a domain dictionary, question filler dropped, in matching form."""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path

import jieba

from ingest.normalize import normalize

_DATA = Path(__file__).parent / "data"
jieba.setLogLevel(logging.WARNING)
UNITS = ("words", "search", "chars", "bigrams")


def _stopwords() -> frozenset[str]:
    lines = (_DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


class Analyzer:
    """Turns text into the terms a person would search for, and into BM25 units.

    Args:
        units: "+"-joined unit kinds for BM25: ``words`` (jieba precise mode), ``search`` (jieba
            search mode, adds the parts of long words), ``chars`` (single characters of the kept
            words) and ``bigrams`` (character pairs inside kept words).
        user_dict: an extra jieba dictionary (``word [freq] [tag]`` per line) for a user's own terms.
    """

    def __init__(self, units: str = "words+chars", user_dict: Path | None = None) -> None:
        unknown = set(units.split("+")) - set(UNITS)
        if unknown:
            raise ValueError(f"unknown keyword unit(s) {sorted(unknown)}: use some of {'+'.join(UNITS)}")
        self.units = units.split("+")
        self.user_dict = user_dict
        self.stopwords = _stopwords()

    @cached_property
    def _jieba(self) -> jieba.Tokenizer:
        tokenizer = jieba.Tokenizer()
        tokenizer.load_userdict(str(_DATA / "domain_words.txt"))
        if self.user_dict is not None:
            tokenizer.load_userdict(str(self.user_dict))
        return tokenizer

    def terms(self, text: str) -> list[str]:
        """The normalised jieba words of ``text`` that carry meaning (no filler, no punctuation)."""
        return [w for w in self._jieba.lcut(normalize(text)) if self._keeps(w)]

    def units_of(self, text: str) -> list[str]:
        """The BM25 units of ``text``, each tagged with its kind so that kinds never collide."""
        words = self.terms(text)
        out: list[str] = []
        if "words" in self.units:
            out += [f"w:{w}" for w in words]
        if "search" in self.units:
            out += [f"s:{w}" for t in words for w in self._jieba.lcut_for_search(t) if self._keeps(w)]
        if "chars" in self.units:
            out += [f"c:{c}" for w in words for c in (w if _is_cjk_word(w) else [w])]
        if "bigrams" in self.units:
            out += [f"b:{w[i:i + 2]}" for w in words if _is_cjk_word(w) for i in range(max(len(w) - 1, 1))]
        return out

    def _keeps(self, word: str) -> bool:
        return word not in self.stopwords and any(ch.isalnum() for ch in word)


def _is_cjk_word(word: str) -> bool:
    return not word.isascii()
