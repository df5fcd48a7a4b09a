"""Evaluation reports: rich tables on the console, JSON, Markdown and a PNG bar chart."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager, pyplot
from matplotlib.axes import Axes
from rich.console import Console
from rich.table import Table

from evaluation.answers import AnswerCounts
from evaluation.metrics import METRICS, EvalResult

CJK_FONT_HINTS = ("CJK", "Hei", "Song", "Kai", "WenQuanYi", "Noto Sans SC", "Source Han", "Ming")
CJK_FILE_HINTS = ("CJK", "Hei", "Song", "Kai", "wqy", "SourceHan", "Ming")
CJK_PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Noto Serif CJK SC")
MISSES_IN_MARKDOWN = 20


def print_tables(results_by_mode: dict[str, EvalResult], console: Console | None = None) -> None:
    """Print one rich table per mode: overall row, then one row per question kind."""
    console = console or Console()
    for mode, result in results_by_mode.items():
        table = Table(title=f"{mode}: {result.evaluated} questions ({result.excluded} off-topic excluded)")
        table.add_column("kind")
        table.add_column("n", justify="right")
        for name in METRICS:
            table.add_column(name, justify="right")
        for kind, scores, count in _rows(result):
            table.add_row(kind, str(count), *(f"{scores[name]:.3f}" for name in METRICS))
        console.print(table)


def _rows(result: EvalResult) -> list[tuple[str, dict[str, float], int]]:
    """(kind, scores, question count) rows, overall first."""
    rows = [("ALL", result.overall, result.evaluated)]
    rows += [(kind, result.by_kind[kind], result.kind_counts[kind]) for kind in result.by_kind]
    return rows


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a rate with its counts, e.g. ``0.882 (67/76)``; ``-`` of nothing."""
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def answer_cells(counts: AnswerCounts) -> dict[str, str]:
    """The answer figures of one set as table cells, by column name."""
    return {
        "answer sentence holds a gold answer": share(counts.held, counts.scored),
        "false abstentions (answerable)": share(counts.false_abstentions, counts.answerable),
        "abstained (unanswerable)": share(counts.abstained, counts.unanswerable),
    }


def print_answers(answers: AnswerCounts, console: Console | None = None) -> None:
    table = Table(title="answers (hybrid, as POST /v1/ask gives them)")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, cell in answer_cells(answers).items():
        table.add_row(name, cell)
    (console or Console()).print(table)


def to_json(results_by_mode: dict[str, EvalResult], answers: AnswerCounts | None = None) -> str:
    """All results as pretty JSON (UTF-8 text, Chinese kept readable); the answer counts under "answers"."""
    data: dict[str, object] = {mode: asdict(result) for mode, result in results_by_mode.items()}
    if answers is not None:
        data["answers"] = asdict(answers)
    return json.dumps(data, ensure_ascii=False, indent=2)


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(results_by_mode: dict[str, EvalResult], answers: AnswerCounts | None = None) -> str:
    """Markdown report: a comparison table of modes, the answers, then per-kind tables and the first misses."""
    header = "| mode | n | " + " | ".join(METRICS) + " |"
    rule = "|" + " --- |" * (len(METRICS) + 2)
    lines = ["# Retrieval evaluation", "", header, rule]
    for mode, result in results_by_mode.items():
        cells = " | ".join(f"{result.overall[m]:.3f}" for m in METRICS)
        lines.append(f"| {mode} | {result.evaluated} | {cells} |")
    if answers is not None:
        lines += ["", "## Answers (hybrid)", "", "| figure | value |", "| --- | --- |"]
        lines += [f"| {name} | {cell} |" for name, cell in answer_cells(answers).items()]
    for mode, result in results_by_mode.items():
        lines += ["", f"## {mode}", "", header.replace("mode", "kind"), rule]
        for kind, scores, count in _rows(result):
            lines.append(f"| {kind} | {count} | " + " | ".join(f"{scores[m]:.3f}" for m in METRICS) + " |")
        lines += _misses_markdown(result)
    return "\n".join(lines) + "\n"


def _misses_markdown(result: EvalResult) -> list[str]:
    """Markdown table of the first misses of one mode."""
    if not result.misses:
        return ["", "No misses: every question had a correct unit first."]
    shown = result.misses[:MISSES_IN_MARKDOWN]
    lines = ["", f"Misses: {len(result.misses)} (first {len(shown)} shown)", ""]
    lines += ["| id | kind | question | first correct rank | top unit |", "| --- | --- | --- | --- | --- |"]
    for miss in shown:
        rank = "-" if miss.first_correct_rank is None else str(miss.first_correct_rank)
        cells = [miss.question_id, miss.kind, miss.question, rank, miss.top_text]
        lines.append("| " + " | ".join(_markdown_cell(cell) for cell in cells) + " |")
    return lines


def cjk_font() -> str | None:
    """A font matplotlib can draw Chinese with, or None. Fonts installed after matplotlib built its font
    cache (fonts-noto-cjk by ``make browser``) are unknown to it: they are added from the system's files."""
    found = _known_cjk_font()
    if found is None:
        for path in font_manager.findSystemFonts():
            if any(hint.lower() in Path(path).name.lower() for hint in CJK_FILE_HINTS):
                font_manager.fontManager.addfont(path)
        found = _known_cjk_font()
    return found


def _known_cjk_font() -> str | None:
    names = sorted({font.name for font in font_manager.fontManager.ttflist})
    cjk = [name for name in names if any(hint.lower() in name.lower() for hint in CJK_FONT_HINTS)]
    return next((name for name in CJK_PREFERRED if name in cjk), cjk[0] if cjk else None)


def has_cjk_font() -> bool:
    """Whether matplotlib can use a font that likely covers Chinese glyphs."""
    return cjk_font() is not None


@contextmanager
def chart_fonts() -> Iterator[bool]:
    """Draw with a Chinese font behind the default one (glyph fallback); yields whether there is one."""
    name = cjk_font()
    with pyplot.rc_context({"font.family": ["DejaVu Sans", name] if name else ["DejaVu Sans"]}):
        yield name is not None


def chart_label(name: str, index: int, cjk: bool) -> str:
    """A label safe to draw: unchanged when ASCII or a CJK font exists, else an ASCII stand-in."""
    if cjk or name.isascii():
        return name
    ascii_part = name.encode("ascii", "ignore").decode().strip()
    return ascii_part or f"mode-{index + 1}"


def _bars(axes: Axes, groups: list[str], series: dict[str, list[float]], cjk: bool) -> None:
    """Grouped bars: one group per name in ``groups``, one bar per series (mode) in each."""
    width = 0.8 / max(len(series), 1)
    for index, (mode, values) in enumerate(series.items()):
        xs = [g + (index - (len(series) - 1) / 2) * width for g in range(len(groups))]
        axes.bar(xs, values, width, label=chart_label(mode, index, cjk))
    axes.set_xticks(range(len(groups)), [chart_label(g, i, cjk) for i, g in enumerate(groups)])
    axes.set_ylim(0, 1.05)


def write_chart(results_by_mode: dict[str, EvalResult], path: Path) -> Path:
    """Two panels of grouped bars, one bar per mode: every metric overall, then hit@1 per question kind."""
    modes = list(results_by_mode)
    kinds = list(dict.fromkeys(kind for result in results_by_mode.values() for kind in result.by_kind))
    with chart_fonts() as font:
        figure, (overall, by_kind) = pyplot.subplots(2, 1, figsize=(max(6.0, 1.4 * len(METRICS), 0.9 * len(kinds)), 8))
        _bars(overall, list(METRICS), {m: [results_by_mode[m].overall[n] for n in METRICS] for m in modes}, bool(font))
        overall.set_ylabel("score")
        overall.set_title("Retrieval accuracy by mode")
        hits = {m: [results_by_mode[m].by_kind.get(k, {}).get("hit@1", 0.0) for k in kinds] for m in modes}
        _bars(by_kind, kinds, hits, bool(font))
        by_kind.set_ylabel("hit@1")
        by_kind.set_title("hit@1 by question kind")
        by_kind.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(modes), 5), fontsize="small")
        figure.tight_layout()
        figure.savefig(path, dpi=120)
    pyplot.close(figure)
    return path


def write_report(
    results_by_mode: dict[str, EvalResult],
    out_dir: Path,
    console: Console | None = None,
    answers: AnswerCounts | None = None,
) -> list[Path]:
    """Print tables and write report.json, report.md and report.png into out_dir; return the paths."""
    print_tables(results_by_mode, console)
    if answers is not None:
        print_answers(answers, console)
    json_text, markdown = to_json(results_by_mode, answers), to_markdown(results_by_mode, answers)
    return write_files(Path(out_dir), json_text, markdown, lambda path: write_chart(results_by_mode, path))


def write_files(out_dir: Path, json_text: str, markdown: str, chart: Callable[[Path], Path]) -> list[Path]:
    """Write report.json, report.md and (by ``chart``) report.png into ``out_dir``; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "report.json"
    json_path.write_text(json_text + "\n", encoding="utf-8")
    markdown_path = out_dir / "report.md"
    markdown_path.write_text(markdown, encoding="utf-8")
    return [json_path, markdown_path, chart(out_dir / "report.png")]
