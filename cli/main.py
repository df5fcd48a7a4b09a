"""The ``briefqa`` command: ingest, ask, serve, eval."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from briefqa.settings import Settings

if TYPE_CHECKING:
    from index.builder import SyncReport

app = typer.Typer(help="briefqa: ask Chinese policy briefings questions, get cited passages.", no_args_is_help=True)
err = Console(stderr=True)
out_console = Console()
out = out_console


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def _settings() -> Settings:
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        _fail(f"setting BRIEFQA_{str(problem['loc'][0]).upper()}: {problem['msg']}")
        raise


def _embedder(settings: Settings):  # type: ignore[no-untyped-def]
    from briefqa.runtime import make_embedder
    from index.e5_convert import ModelConversionError

    try:
        return make_embedder(settings)
    except (ModelConversionError, OSError, ValueError) as error:
        _fail(f"cannot load model {settings.model!r}: {error}")


def _sync(
    settings: Settings,
    paths: list[Path],
    rebuild: bool = False,
    remove_missing: bool = False,
    embedder=None,  # type: ignore[no-untyped-def]
) -> SyncReport:
    from briefqa.runtime import LazyEmbedder, make_builder
    from index.e5_convert import ModelConversionError
    from index.store import IndexStoreError
    from ingest.pipeline import IngestError

    builder = make_builder(settings, embedder or LazyEmbedder(settings))
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("embedding passages", total=None)

        def report(stage: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            result = builder.sync(paths, remove_missing=remove_missing, rebuild=rebuild, progress=report)
        except (IngestError, IndexStoreError, ModelConversionError) as error:
            _fail(str(error))
    return result


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files (.txt, .md, .pdf, .docx, .html) or folders to index.")],
    rebuild: Annotated[bool, typer.Option(help="Start the index afresh (after changing model or settings).")] = False,
    sync: Annotated[
        bool, typer.Option("--sync", help="Also remove every document not found under PATHS (uploads too).")
    ] = False,
) -> None:
    """Add or update briefings in the index; unchanged files are skipped.

    A folder is kept in step: new and changed files are ingested, files deleted from it are removed
    from the index, and files that cannot be read (a scanned PDF, a damaged file) are named and
    skipped, with exit status 3. A file named on its own that cannot be read stops the ingest
    (exit status 1) and leaves the index as it was.

    Example: briefqa ingest data/briefings/
    """
    result = _sync(_settings(), paths, rebuild, sync)
    out.print(result.summary(), highlight=False)
    for problem in result.skipped:
        err.print(f"[yellow]warning:[/yellow] {problem}", highlight=False)
    if result.skipped:
        raise typer.Exit(3)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, e.g. 广州前瞻布局了哪些未来产业？")],
    top_k: Annotated[int, typer.Option("-k", "--top-k", min=1, max=50, help="Passages to show.")] = 5,
    mode: Annotated[str, typer.Option("--mode", "-m", help="hybrid, dense or bm25.")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON instead of text.")] = False,
) -> None:
    """Ask the indexed briefings a question and print ranked, cited passages.

    Example: briefqa ask "天使母基金规模多大？" -k 3
    """
    from cli.asking import ask_once, render

    if not question.strip():
        _fail("the question is empty: ask something, e.g. briefqa ask 天使母基金规模多大？", 2)
    settings = _settings()
    try:
        body = ask_once(settings, _embedder(settings), question, top_k, mode)
    except Exception as error:
        _fail(str(error))
    if as_json:
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    else:
        render(body, out)


@app.command(name="eval")
def evaluate(
    questions: Annotated[
        Path, typer.Argument(help="JSONL questions, or a BEIR folder (corpus.jsonl, queries.jsonl, qrels).")
    ],
    mode: Annotated[str, typer.Option("--mode", "-m", help="dense, bm25, hybrid or all.")] = "all",
    top_k: Annotated[int, typer.Option("-k", help="Depth of the ranking scored.")] = 10,
    out: Annotated[Path | None, typer.Option(help="Folder for report.json, report.md and report.png.")] = None,
) -> None:
    """Score retrieval on a question set: hit@1/3/5/10, MRR@10, nDCG@10 per mode and per kind, and the misses.

    A JSONL set is asked of the current index; a BEIR folder's corpus is indexed on the fly
    (its embeddings cached). Example: briefqa eval evaluation/questions/briefing.jsonl --mode all
    """
    from evaluation.questions import QuestionSetError, load_questions
    from evaluation.report import write_report
    from evaluation.runner import evaluate as run
    from index.store import IndexStoreError

    modes = ["hybrid", "dense", "bm25"] if mode == "all" else [mode]
    if not set(modes) <= {"hybrid", "dense", "bm25"}:
        _fail(f"unknown mode {mode!r}: use dense, bm25, hybrid or all", 2)
    settings = _settings()
    try:
        asked = load_questions(questions)
        results = run(questions, asked, settings, _embedder(settings), modes, top_k)
    except (QuestionSetError, IndexStoreError) as error:
        _fail(str(error))
    folder = out or Path("reports") / f"eval-{questions.stem}"
    written = write_report(results, folder, out_console)
    err.print("wrote " + ", ".join(str(p) for p in written), highlight=False)


@app.command(
    epilog="Settings (environment or .env): "
    + ", ".join(f"BRIEFQA_{name.upper()}" for name in Settings.model_fields)
    + "; PORT is read too."
)
def serve(
    corpus: Annotated[Path | None, typer.Option(help="Briefings to ingest before serving.")] = None,
) -> None:
    """Serve the web page and the HTTP API (ingesting the default briefings first if needed)."""
    import uvicorn

    from service.app import create_app

    settings = _settings()
    if settings.host not in ("127.0.0.1", "localhost", "::1") and not settings.api_keys:
        _fail(f"refusing to listen on {settings.host} without API keys: set BRIEFQA_API_KEYS or bind 127.0.0.1")
    from briefqa.runtime import LazyEmbedder

    embedder = LazyEmbedder(settings)
    source = corpus or settings.corpus_dir
    err.print(f"index: {_sync(settings, [source], embedder=embedder).summary()}", highlight=False)
    application = create_app(settings, embedder)
    uvicorn.run(application, host=settings.host, port=settings.port, log_level="info")


def main() -> None:
    from cli.feedback_commands import feedback_app

    app.add_typer(feedback_app, name="feedback")
    app()


if __name__ == "__main__":
    main()
