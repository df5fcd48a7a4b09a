"""The library benchmark: retrieval, answer sentences and abstention as the library grows."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.progress import Progress, TaskID

from cli.common import comma_numbers, err, fail, load_embedder, load_settings, out
from evaluation.library import SIZES

Briefings = Literal["bundled", "library"]
BriefingsOption = Annotated[
    Briefings,
    typer.Option(
        "--briefings",
        "-b",
        help="bundled: data/briefings alone among the distractors; library: data/library's issues beside it.",
    ),
]


def library_eval(
    sizes: Annotated[
        str, typer.Option("--sizes", "-s", help="Distractor articles per library, comma-separated; 0 = briefings only.")
    ] = ",".join(map(str, SIZES)),
    questions: Annotated[
        list[Path] | None,
        typer.Option(
            "--questions", "-q", help="A JSONL question set (repeatable; default: the briefing and library sets)."
        ),
    ] = None,
    work: Annotated[Path, typer.Option("--work", "-w", help="Where the libraries and their indexes are built.")] = Path(
        "var/bench/library"
    ),
    folder: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.json, report.md and report.png.")
    ] = Path("docs/eval/library"),
    top_k: Annotated[int, typer.Option("-k", "--top-k", min=1, help="Depth of the ranking scored.")] = 10,
    briefings: BriefingsOption = "library",
) -> None:
    """Measure retrieval as the library grows: the briefings among 10, 100, 1000 distractor articles.

    Each library (evaluation/library.py) is built under --work and ingested into its own index
    (--work/index-SIZE/); every question set is asked in every mode (hit@1/5, MRR@10), and in
    hybrid as POST /v1/ask answers it (answer sentence, abstentions). Passage vectors are cached
    by model and text under BRIEFQA_CACHE_DIR/eval, so a re-run embeds nothing.

    Examples:

        briefqa library-eval
        briefqa library-eval --sizes 0,10 -q evaluation/questions/library.jsonl --out /tmp/library
        briefqa library-eval --briefings bundled -q evaluation/questions/briefing.jsonl --out /tmp/public
    """
    written = _run(_sizes(sizes), questions, work / briefings, folder, top_k, briefings == "library")
    err.print("wrote " + ", ".join(str(p) for p in written), highlight=False)


def _run(
    sizes: list[int], questions: list[Path] | None, work: Path, folder: Path, top_k: int, include_library: bool
) -> list[Path]:
    """Measure every size (a bad question set, file or index is one line) and write the report."""
    from evaluation.library_eval import DEFAULT_SETS, SizeScores, load_sets, run_library_eval
    from evaluation.library_report import print_table, write_library_report
    from evaluation.questions import QuestionSetError
    from index.store import IndexStoreError
    from ingest.pipeline import IngestError
    from models.e5_convert import ModelConversionError

    settings = load_settings()
    try:
        sets = load_sets(questions or list(DEFAULT_SETS))
        written: list[Path] = []

        def measured(so_far: list[SizeScores]) -> None:  # the report grows a size at a time
            written[:] = write_library_report(so_far, folder)
            err.print(f"library-{so_far[-1].size}: measured, report written to {folder}", highlight=False)

        with _StageBars() as report:
            results = run_library_eval(
                sizes, sets, settings, load_embedder(settings), work, top_k, report, measured, include_library
            )
    except (QuestionSetError, IngestError, IndexStoreError, ModelConversionError, FileNotFoundError) as error:
        fail(str(error))
    print_table(results, out)
    return written


def _sizes(text: str) -> list[int]:
    sizes = comma_numbers(text, "distractor counts", "0,10,100,1000")
    if not sizes or min(sizes) < 0:
        fail(f"--sizes {text!r}: give at least one size, none below 0 (0 = the briefings alone)", 2)
    return list(sizes)


class _StageBars:
    """A rich progress bar per stage while it runs, and a line when it is done (kept in a log)."""

    def __init__(self) -> None:
        self.progress = Progress(console=err, transient=True)
        self.tasks: dict[str, TaskID] = {}
        self.started: dict[str, float] = {}

    def __enter__(self) -> _StageBars:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
            self.started[stage] = time.monotonic()
        self.progress.update(self.tasks[stage], completed=done, total=total)
        if done >= total:
            self.progress.remove_task(self.tasks.pop(stage))
            seconds = time.monotonic() - self.started.pop(stage)
            self.progress.console.print(f"{stage}: {total} in {seconds:.0f} s", highlight=False)
