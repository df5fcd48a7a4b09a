"""train-rerank: learn the hybrid re-ranker from public training questions and report it on held-out ones."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import err, fail, load_embedder, load_settings, out
from cli.eval_commands import progress_bars

if TYPE_CHECKING:
    from evaluation.questions import Question
    from evaluation.rerank_training import Group


Sets = dict[str, tuple[list["Group"], int]]  # a set's name: its recorded groups, how many questions it asked


def train_rerank(
    train: Annotated[list[Path], typer.Argument(help="BEIR folders or JSONL sets whose questions it learns from.")],
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only", help="Learn from the questions whose id starts so (repeat for several; the rest are held out)."
        ),
    ] = None,
    held_out: Annotated[
        list[Path] | None, typer.Option("--held-out", help="More sets to report on (never learned from).")
    ] = None,
    strength: Annotated[float, typer.Option("--strength", help="Inverse regularisation (sklearn's C).")] = 1.0,
    target: Annotated[Path, typer.Option("--out", "-o", help="Where to write the model.")] = Path(
        "index/data/reranker.json"
    ),
) -> None:
    """Fit the logistic re-ranker on some sets' questions; print it beside the hand mix on every set (the first
    example makes the shipped model, docs/retrieval.md).

    Examples:

        briefqa train-rerank var/bench/cmrc-sentences --only TRIAL_ --held-out var/bench/drcd-sentences
        briefqa train-rerank var/bench/cmrc-sentences var/bench/cmrc-paragraphs --only TRIAL_ -o /tmp/r.json
        briefqa train-rerank var/bench/cmrc-sentences var/bench/drcd-sentences --only TRIAL_ --only 5 --only 6
    """
    from evaluation.questions import QuestionSetError
    from evaluation.rerank_training import compare, fit

    try:
        learned, held = _recorded(train, tuple(only or [""]), held_out or [])
        model = fit([g for groups, _ in learned.values() for g in groups], strength)
        figures = {name: compare(groups, model, asked) for name, (groups, asked) in {**learned, **held}.items()}
    except (QuestionSetError, ValueError) as error:
        fail(str(error))
    command = _command(train, only, held_out, strength, target)
    about = {"command": command, "learned from": list(learned), "replayed": figures}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(model.to_json(about), encoding="utf-8")
    _print(figures)
    err.print(f"wrote {target}", highlight=False)


def _print(figures: dict[str, dict[str, dict[str, float]]]) -> None:
    for name, by_method in figures.items():
        out.print(name, highlight=False)
        for method, scores in by_method.items():
            out.print(f"  {method:8} " + "  ".join(f"{k} {v:.3f}" for k, v in scores.items()), highlight=False)


def _command(
    train: list[Path], only: list[str] | None, held_out: list[Path] | None, strength: float, target: Path
) -> str:
    """The command line that makes this model again."""
    words = [
        *map(str, train),
        *[w for prefix in only or [] for w in ("--only", prefix)],
        *[w for h in held_out or [] for w in ("--held-out", str(h))],
    ]
    return "briefqa train-rerank " + shlex.join([*words, "--strength", str(strength), "--out", str(target)])


def _recorded(train: list[Path], only: tuple[str, ...], held_out: list[Path]) -> tuple[Sets, Sets]:
    """Each set searched once: the questions learned from (ids starting with one of ``only``), and the rest."""
    from evaluation.questions import load_questions

    learned: Sets = {}
    held: Sets = {}
    for source in [*train, *held_out]:
        asked = [q for q in load_questions(source) if q.answerable]
        groups = _groups(source, asked)
        if source in train:
            mine = [q.id for q in asked if q.id.startswith(only)]
            if not mine:
                wanted = " or ".join(map(repr, only))
                raise ValueError(f"no answerable question of {source} has an id starting {wanted}: check --only")
            learned[f"{source} ({'|'.join(only)}*)"] = ([g for g in groups if g.question.startswith(only)], len(mine))
            if len(mine) < len(asked):
                rest = [g for g in groups if not g.question.startswith(only)]
                held[f"{source} (held out)"] = (rest, len(asked) - len(mine))
        else:
            held[f"{source} (held out)"] = (groups, len(asked))
    return learned, held


def _groups(source: Path, questions: list[Question]) -> list[Group]:
    from evaluation.rerank_training import collect
    from evaluation.runner import searcher_for

    settings = load_settings()
    with progress_bars() as stages:
        searcher = searcher_for(source, questions, settings, load_embedder(settings), ["hybrid"], stages)
        return collect(searcher, questions, stages(f"searching {source.name}"))
