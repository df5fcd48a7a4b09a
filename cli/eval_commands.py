"""Measuring retrieval: eval (score a question set), cmrc (build the CMRC benchmarks), tune (replay fusions)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from cli.common import err, fail, load_embedder, load_settings, out

if TYPE_CHECKING:
    from briefqa.settings import Settings
    from evaluation.answers import AnswerCounts
    from evaluation.metrics import EvalResult
    from evaluation.questions import Question

    Scored = tuple[dict[str, EvalResult], AnswerCounts | None]


@contextmanager
def progress_bars() -> Iterator[Callable[[str], Callable[[int, int], None]]]:
    """Bars on stderr, one per named stage, each made when its stage first reports (done, total);
    none when stderr is not a terminal (a log file gets the result lines only)."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bars:
        tasks: dict[str, TaskID] = {}

        def stage(name: str) -> Callable[[int, int], None]:
            def report(done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = bars.add_task(name, total=total)
                bars.update(tasks[name], completed=done, total=total)

            return report

        yield stage


def evaluate(
    questions: Annotated[
        Path, typer.Argument(help="JSONL questions, or a BEIR folder (corpus.jsonl, queries.jsonl, qrels).")
    ],
    mode: Annotated[str, typer.Option("--mode", "-m", help="dense, bm25, hybrid or all.")] = "all",
    top_k: Annotated[int, typer.Option("-k", "--top-k", help="Depth of the ranking scored.")] = 10,
    folder: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for report.json, report.md and report.png.")
    ] = None,
) -> None:
    """Score retrieval on a question set: hit@1/3/5/10, MRR@10, nDCG@10 per mode and per kind, and the misses.

    A JSONL set is asked of the current index, and (with hybrid) as POST /v1/ask answers it: the
    share of answer sentences holding a gold answer, and the abstentions. A BEIR folder's corpus
    is indexed on the fly (its embeddings cached).

    Examples:

        briefqa eval evaluation/questions/briefing.jsonl --mode all
        briefqa eval var/bench/cmrc-sentences -m hybrid -k 5 --out docs/eval/cmrc
    """
    from evaluation.questions import QuestionSetError, load_questions
    from evaluation.report import write_report
    from index.search import MODES
    from index.store import IndexStoreError

    modes = list(MODES) if mode == "all" else [mode]
    if not set(modes) <= set(MODES):
        fail(f"unknown mode {mode!r}: use dense, bm25, hybrid or all", 2)
    settings = load_settings()
    try:
        asked = load_questions(questions)
        results, answers = _scored(questions, asked, settings, modes, top_k)
    except (QuestionSetError, IndexStoreError) as error:
        fail(str(error))
    written = write_report(results, folder or Path("reports") / f"eval-{questions.stem}", out, answers)
    err.print("wrote " + ", ".join(str(p) for p in written), highlight=False)


def _scored(questions: Path, asked: list[Question], settings: Settings, modes: list[str], k: int) -> Scored:
    """Every mode's scores and the hybrid answers, with a progress bar per stage."""
    from evaluation.runner import hybrid_answers, score_modes, searcher_for

    with progress_bars() as stages:
        searcher = searcher_for(questions, asked, settings, load_embedder(settings), modes, stages)
        results = score_modes(searcher, asked, modes, k, stages)
    return results, hybrid_answers(questions, asked, searcher, modes)


def cmrc(
    level: Annotated[
        Literal["sentence", "paragraph"], typer.Option("--level", "-l", help="Unit of retrieval.")
    ] = "sentence",
    src: Annotated[Path, typer.Option("--src", "-s", help="SQuAD-style json folder or file.")] = Path("data/cmrc2018"),
    folder: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output BEIR folder (default var/bench/cmrc-<level>s).")
    ] = None,
) -> None:
    """Build the CMRC 2018 sentence- or paragraph-level benchmark (a BEIR folder) and print its counts.

    Reads cmrc2018_dev.json then cmrc2018_trial.json (or any *.json) from the source folder and
    writes corpus.jsonl, queries.jsonl and qrels.tsv, byte-identical on every run.

    Examples:

        briefqa cmrc
        briefqa cmrc --level paragraph
        briefqa cmrc -l sentence --src data/cmrc2018 --out /tmp/cmrc-sentences
    """
    from evaluation.cmrc import SourceFormatError, build_cmrc_paragraphs, build_cmrc_sentences

    target = folder or Path(f"var/bench/cmrc-{level}s")
    build = build_cmrc_sentences if level == "sentence" else build_cmrc_paragraphs
    try:
        with progress_bars() as stages:
            stats = build(src, target, stages(f"reading CMRC {level}s"))
    except (FileNotFoundError, SourceFormatError) as error:
        fail(str(error))
    print(
        f"{target}: {stats.contexts} contexts, {stats.sentences} {level}s, "
        f"{stats.questions} questions, {stats.qrels} qrels, {stats.unplaced_answers} unplaced answers, "
        f"{stats.empty_questions} empty questions skipped"
    )


def tune(
    questions: Annotated[
        Path, typer.Argument(help="JSONL questions (asked of the current index) or a BEIR folder (indexed here).")
    ],
    units: Annotated[
        str | None,
        typer.Option("--units", "-u", help="Keyword units to try, e.g. words+bigrams (default: the setting)."),
    ] = None,
) -> None:
    """Replay every fusion configuration on one ranking of each leg; print hit@1, hit@5 and MRR@10 for each.

    The defaults in the settings are the winners recorded in docs/retrieval.md.

    Examples:

        briefqa tune var/bench/cmrc-sentences
        briefqa tune evaluation/questions/briefing.jsonl --units words+search
    """
    from evaluation.tuning import run_tuning

    settings = load_settings(**({"keyword_units": units} if units else {}))
    run_tuning(questions, settings, out)
