"""Group sentences into passages that stay inside one section and never cut a sentence."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from ingest.documents import Passage
from ingest.structure import Block
from text.sentences import sentence_spans

_KIND = {"masthead": "masthead", "title": "masthead", "body": "body", "footer": "footer"}


@dataclass(frozen=True)
class ChunkSettings:
    """How big a passage may be and how many sentences consecutive passages share."""

    max_chars: int = 300
    overlap_sentences: int = 1


def passages_for(doc_id: str, text: str, parts: list[Block], settings: ChunkSettings) -> list[Passage]:
    """Cut a document into passages; each keeps its section and ``text == doc[start:end]``."""
    passages: list[Passage] = []
    for (kind, section), group in groupby(parts, key=lambda b: (_KIND[b.role], b.section)):
        paragraphs = [sentence_spans(text, b.start, b.end, settings.max_chars) for b in group]
        for start, end in _pack_paragraphs([p for p in paragraphs if p], settings):
            passage_id = f"{doc_id}#{len(passages):04d}"
            passages.append(Passage(passage_id, doc_id, start, end, text[start:end], section, kind))
    return passages


def _pack_paragraphs(paragraphs: list[list[tuple[int, int]]], settings: ChunkSettings) -> list[tuple[int, int]]:
    """Keep paragraphs whole where they fit, merging short neighbours; split long ones by sentence.

    A paragraph is the author's own unit of meaning, so a passage starts at a paragraph boundary
    whenever it can; overlap is only needed inside a paragraph that had to be cut.
    """
    packed: list[tuple[int, int]] = []
    open_span: tuple[int, int] | None = None
    for sentences in paragraphs:
        start, end = sentences[0][0], sentences[-1][1]
        if open_span and end - open_span[0] <= settings.max_chars:
            open_span = (open_span[0], end)
            continue
        if open_span:
            packed.append(open_span)
        if end - start <= settings.max_chars:
            open_span = (start, end)
        else:
            packed.extend(_pack(sentences, settings))
            open_span = None
    if open_span:
        packed.append(open_span)
    return packed


def _pack(spans: list[tuple[int, int]], settings: ChunkSettings) -> list[tuple[int, int]]:
    """Greedily take whole sentences up to ``max_chars``; repeat the last ``overlap`` sentences."""
    packed: list[tuple[int, int]] = []
    first = 0
    while first < len(spans):
        last = first
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= settings.max_chars:
            last += 1
        packed.append((spans[first][0], spans[last][1]))
        if last + 1 >= len(spans):
            break
        first = max(last + 1 - settings.overlap_sentences, first + 1)
        if spans[last + 1][1] - spans[first][0] > settings.max_chars:
            first = last + 1  # the shared sentences would leave no room for a new one
    return packed
