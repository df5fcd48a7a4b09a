"""One question from the command line: the same answer body as POST /v1/ask, printed."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.text import Text

from briefqa.runtime import make_builder, make_searcher
from briefqa.settings import Settings
from index.answering import answer_question
from index.embedding import Embedder
from index.sentence_vectors import sentences_of
from service.responses import answer_out, passages_out, scope_out
from service.schemas import AskOut


def ask_once(settings: Settings, embedder: Embedder, question: str, top_k: int, mode: str) -> dict[str, Any]:
    """The body of POST /v1/ask (``AskOut``, so the two cannot drift apart), with no answer when it abstains."""
    started = time.perf_counter()
    index = make_builder(settings, embedder).load()
    searcher = make_searcher(settings, index, embedder)
    searcher.sentences.load(text for _, text in sentences_of(index.passages))  # kept at ingest: none embedded
    result = searcher.search(question, top_k, mode)
    answer, abstained = answer_question(result)
    return AskOut(
        question=question,
        abstained=abstained,
        answer=None if abstained else answer_out(answer, result.query.terms),
        terms=result.terms,
        scope=scope_out(result.scope),
        passages=passages_out(result, index.documents, answer),
        index_version=index.version,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
    ).model_dump()


def render(body: dict[str, Any], console: Console) -> None:
    """Print the answer and each passage with its citation, matched terms in bold."""
    if body.get("scope"):  # the issue the question named or described, and how it was found
        console.print(Text(f"范围：{body['scope']['reason']}", style="dim"))
    if body["abstained"]:
        console.print("[yellow]这个问题似乎不在已索引的简报范围内（abstained）。[/yellow]")
    elif body["answer"]:
        console.print(Text("答：", style="bold green") + _marked(body["answer"]["text"], body["answer"]["highlights"]))
    for passage in body["passages"]:
        c = passage["citation"]
        where = " · ".join(str(x) for x in (c["title"], c["publication"], c["issue"], c["date"], c["section"]) if x)
        console.print(Text(f"\n[{passage['rank']}] {where} · 字符 {c['start']}–{c['end']}", style="cyan"))
        console.print(_marked(passage["text"], passage["highlights"]))


def _marked(text: str, highlights: list[dict[str, Any]]) -> Text:
    """``text`` with the API's highlights: terms in bold, the answer sentence underlined."""
    marked = Text(text)
    for h in highlights:
        marked.stylize("bold yellow" if h["kind"] == "term" else "underline", h["start"], h["end"])
    return marked
