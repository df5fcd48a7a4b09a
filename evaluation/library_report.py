"""The library benchmark's report: one table (size × mode rows), JSON, Markdown and a line chart."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from matplotlib import pyplot
from rich.console import Console
from rich.table import Table

from evaluation.answers import API_TOP_K
from evaluation.library_eval import SetScores, SizeScores
from evaluation.report import chart_fonts, chart_label, share, write_files
from index.search import MODES

SCORED = (("hit@1", "hit@1"), ("hit@5", "hit@5"), ("mrr@10", "MRR@10"))
CHARTED = (("hit@1", "-", "hit@1"), ("mrr@10", "--", "MRR@10"))
INTRO = f"""# Library benchmark: retrieval as the library grows

The briefings (data/briefings/ with `--briefings bundled`; data/briefings/ and data/library/'s eight
fictional issues with `--briefings library`: see the documents column) among `size` distractor articles from CMRC 2018
and DRCD (`evaluation/library.py`; size 0 is the briefings alone), each library in its own index,
every question asked in every mode. hit@k and MRR@10 are over a set's answerable questions (an
answer string counts only inside the question's gold document). For hybrid, as POST /v1/ask gives
them (top_k {API_TOP_K}): the share of answer sentences holding a gold answer, the answerable
questions it abstained on (false abstentions), and the unanswerable ones it abstained on.
Made by `briefqa library-eval`.
"""


def table(sizes: Sequence[SizeScores], only: str | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and one row per size and mode (of every set, or the set named ``only``); answer
    figures are hybrid's, blank for the other modes."""
    header = ["size", "documents", "mode"]
    for scores in sizes[0].sets if sizes else ():
        if only is None or scores.name == only:
            header += _columns(scores)
    rows = []
    for size in sizes:
        for mode in MODES:
            cells = [c for scores in size.sets if only is None or scores.name == only for c in _cells(scores, mode)]
            rows.append([str(size.size), str(size.documents), mode, *cells])
    return header, rows


def _columns(scores: SetScores) -> list[str]:
    columns = []
    if scores.answers.answerable:
        columns += [f"{scores.name} {label}" for _, label in SCORED]
        columns += [f"{scores.name} answer sentence", f"{scores.name} false abstentions"]
    if scores.answers.unanswerable:
        columns.append(f"{scores.name} abstained")
    return columns


def _cells(scores: SetScores, mode: str) -> list[str]:
    answers, hybrid = scores.answers, mode == "hybrid"
    cells = []
    if answers.answerable:
        cells += [f"{scores.by_mode[mode].overall[metric]:.3f}" for metric, _ in SCORED]
        held, missed = share(answers.held, answers.scored), share(answers.false_abstentions, answers.answerable)
        cells += [held, missed] if hybrid else ["", ""]
    if answers.unanswerable:
        cells.append(share(answers.abstained, answers.unanswerable) if hybrid else "")
    return cells


def print_table(sizes: Sequence[SizeScores], console: Console | None = None) -> None:
    """The table, a set at a time (all of it is too wide for a terminal)."""
    for scores in sizes[0].sets if sizes else ():
        header, rows = table(sizes, only=scores.name)
        shown = Table(title=scores.name)
        for name in header:
            shown.add_column(name.removeprefix(f"{scores.name} "), justify="left" if name == "mode" else "right")
        for row in rows:
            shown.add_row(*row)
        (console or Console()).print(shown)


def to_markdown(sizes: Sequence[SizeScores]) -> str:
    header, rows = table(sizes)
    lines = [INTRO, "| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", "| size | documents | passages |", "| --- | --- | --- |"]
    lines += [f"| {s.size} | {s.documents} | {s.passages} |" for s in sizes]
    if sizes:
        lines += ["", "Question sets: " + "; ".join(_counts(s) for s in sizes[0].sets) + "."]
    return "\n".join(lines) + "\n"


def _counts(scores: SetScores) -> str:
    answers = scores.answers
    return f"{scores.name} ({answers.answerable} answerable, {answers.unanswerable} unanswerable)"


def to_json(sizes: Sequence[SizeScores]) -> str:
    """Everything measured, by size then set: each mode's full result and the hybrid answer counts."""
    data = {
        "modes": list(MODES),
        "sizes": [
            {
                "size": size.size,
                "documents": size.documents,
                "passages": size.passages,
                "sets": {
                    s.name: {"modes": {m: asdict(r) for m, r in s.by_mode.items()}, "answers": asdict(s.answers)}
                    for s in size.sets
                },
            }
            for size in sizes
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def write_chart(sizes: Sequence[SizeScores], path: Path) -> Path:
    """hit@1 (solid) and MRR@10 (dashed) against the documents indexed (log), a line per mode, a
    panel per question set with answerable questions."""
    panels = [i for i, s in enumerate(sizes[0].sets if sizes else ()) if s.answers.answerable]
    xs = [size.documents for size in sizes]
    with chart_fonts() as cjk:
        count = max(len(panels), 1)
        figure, grid = pyplot.subplots(1, count, figsize=(4.6 * max(count, 1.3), 4.6), squeeze=False)
        for axes, at in zip(grid[0], panels, strict=False):
            for number, mode in enumerate(MODES):
                for metric, style, label in CHARTED:
                    ys = [size.sets[at].by_mode[mode].overall[metric] for size in sizes]
                    axes.plot(xs, ys, style, color=f"C{number}", marker="o", label=f"{mode} {label}")
            axes.set_xscale("log")
            axes.set_xticks(xs, [f"{s.size}\n({s.documents} docs)" for s in sizes], fontsize="small")
            axes.minorticks_off()
            axes.set_ylim(0, 1.05)
            axes.set_title(chart_label(sizes[0].sets[at].name, at, cjk))
            axes.set_xlabel("distractor articles")
        grid[0][0].set_ylabel("score")
        handles, labels = grid[0][0].get_legend_handles_labels()
        wide = len(panels) > 1  # room for the whole legend in one row
        figure.legend(handles, labels, loc="lower center", ncol=len(labels) if wide else len(MODES), fontsize="small")
        figure.tight_layout(rect=(0, 0.08 if wide else 0.15, 1, 1))
        figure.savefig(path, dpi=120)
        pyplot.close(figure)
    return path


def write_library_report(sizes: Sequence[SizeScores], out_dir: Path) -> list[Path]:
    """Write report.json, report.md and report.png into ``out_dir``; return the paths."""
    return write_files(out_dir, to_json(sizes), to_markdown(sizes), lambda path: write_chart(sizes, path))
