"""Keyword terms: jieba words with a domain dictionary, question filler dropped, in matching form."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import jieba

from text.normalize import normalize

_DATA = Path(__file__).parent / "data"
jieba.setLogLevel(logging.WARNING)
UNITS = ("words", "search", "chars", "bigrams")
CITY_SHARE = 0.03  # of a word's dictionary frequency, its X市 form's: above it, the word names a city


@lru_cache(maxsize=8)
def _word_list(name: str) -> frozenset[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def _stopwords() -> frozenset[str]:
    return _word_list("stopwords.txt")


@lru_cache(maxsize=1)
def lone_characters() -> frozenset[str]:
    """Numerals, measure words and function characters (data/lone_characters.txt): no meaning alone."""
    return _word_list("lone_characters.txt")


def means_nothing_alone(text: str) -> bool:
    """Whether ``text``, matched on its own, says nothing: one numeral, measure word or function
    character (年, 一, 个, 上, 的 …), in any width or script (年 and ７ as 7)."""
    return normalize(text.strip()) in lone_characters()


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

    @property
    def _jieba(self) -> jieba.Tokenizer:
        return _tokenizer(self.user_dict)

    def terms(self, text: str) -> list[str]:
        """The normalised jieba words of ``text`` that carry meaning (no filler, no punctuation)."""
        return [w for w in self._jieba.lcut(normalize(text)) if self._keeps(w)]

    def units_of(self, text: str) -> list[str]:
        """The BM25 units of ``text``, each tagged with its kind so that kinds never collide."""
        return self.units_of_terms(self.terms(text))

    def units_of_terms(self, words: list[str]) -> list[str]:
        """The BM25 units of words that ``terms`` returned (so a question is segmented once)."""
        out: list[str] = []
        if "words" in self.units:
            out += [f"w:{w}" for w in words]
        if "search" in self.units:
            out += [f"s:{w}" for t in words for w in self._jieba.lcut_for_search(t) if self._keeps(w)]
        if "chars" in self.units:
            out += [f"c:{c}" for w in words for c in (w if _is_cjk_word(w) else [w])]
        if "bigrams" in self.units:
            out += [f"b:{w[i : i + 2]}" for w in words if _is_cjk_word(w) for i in range(max(len(w) - 1, 1))]
        return out

    def names(self, text: str) -> list[str]:
        """Place and organisation names in ``text`` (jieba part-of-speech ns, nt), normalised.

        A word is a city too when the dictionary holds it with 市 as a place in at least 3 % of its
        uses: jieba tags 231 city names otherwise (合肥 n, 合肥市 ns), and the share keeps out 延长,
        珠宝 (延长市, 珠宝市 are rarer). Person names (nr) are left out: jieba tags too many ordinary
        phrases as names.
        """
        words, tags = self._jieba.lcut(normalize(text), HMM=False), _tags(self.user_dict)
        generic = _word_list("generic_places.txt")  # 城市, 湖区: tagged as places, naming none
        freq = self._jieba.FREQ
        return [w for w in words if len(w) > 1 and w not in generic and _is_place(w, tags, freq)]

    def parts_of(self, term: str) -> list[str]:
        """The term and its meaningful parts (jieba search mode, two characters or more)."""
        return [term, *(w for w in self._jieba.lcut_for_search(term) if len(w) > 1 and w != term)]

    def _keeps(self, word: str) -> bool:
        return word not in self.stopwords and any(ch.isalnum() for ch in word)


@lru_cache(maxsize=8)
def _tokenizer(user_dict: Path | None) -> jieba.Tokenizer:
    """One loaded jieba per user dictionary: loading takes 1-2 s, so analyzers share it."""
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(_DATA / "domain_words.txt"))
    if user_dict is not None:
        tokenizer.load_userdict(str(user_dict))
    return tokenizer


@lru_cache(maxsize=8)
def _tags(user_dict: Path | None) -> dict[str, str]:
    """Part-of-speech tags of jieba's dictionary and of the tagged words of ours (``word freq tag``).
    Read here in 0.3 s: jieba.posseg reads the same file twice (its own tagger at import, then one per
    tokenizer), 2.3 s of a cold ``briefqa ask``."""
    with _tokenizer(user_dict).get_dict_file() as main:
        fields = main.read().decode("utf-8").split()
    tags = dict(zip(fields[0::3], fields[2::3], strict=True))
    extra = [_DATA / "domain_words.txt", *([user_dict] if user_dict is not None else [])]
    for path in extra:
        lines = path.read_text(encoding="utf-8").splitlines()
        tags.update(tuple(line.split()[::2]) for line in lines if len(line.split()) == 3)  # type: ignore[misc]
    return tags


def _is_place(word: str, tags: dict[str, str], freq: dict[str, int]) -> bool:
    if tags.get(word) in ("ns", "nt"):
        return True
    city = word + "市"
    return tags.get(city) == "ns" and freq.get(city, 0) >= CITY_SHARE * max(freq.get(word, 1), 1)


def _is_cjk_word(word: str) -> bool:
    return not word.isascii()
