"""Evaluation reports: rich tables on the console, JSON, Markdown and a PNG bar chart."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager, pyplot
from rich.console import Console
from rich.table import Table

from evaluation.metrics import METRICS, EvalResult

CJK_FONT_HINTS = ("CJK", "Hei", "Song", "Kai", "WenQuanYi", "Noto Sans SC", "Source Han", "Ming")
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


def to_json(results_by_mode: dict[str, EvalResult]) -> str:
    """All results as pretty JSON (UTF-8 text, Chinese kept readable)."""
    return json.dumps({mode: asdict(result) for mode, result in results_by_mode.items()}, ensure_ascii=False, indent=2)


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(results_by_mode: dict[str, EvalResult]) -> str:
    """Markdown report: a comparison table of modes, then per-kind tables and the first misses."""
    header = "| mode | n | " + " | ".join(METRICS) + " |"
    rule = "|" + " --- |" * (len(METRICS) + 2)
    lines = ["# Retrieval evaluation", "", header, rule]
    for mode, result in results_by_mode.items():
        cells = " | ".join(f"{result.overall[m]:.3f}" for m in METRICS)
        lines.append(f"| {mode} | {result.evaluated} | {cells} |")
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


def has_cjk_font() -> bool:
    """Whether matplotlib knows a font that likely covers Chinese glyphs."""
    names = [font.name.lower() for font in font_manager.fontManager.ttflist]
    return any(hint.lower() in name for name in names for hint in CJK_FONT_HINTS)


def chart_label(name: str, index: int, cjk: bool) -> str:
    """A label safe to draw: unchanged when ASCII or a CJK font exists, else an ASCII stand-in."""
    if cjk or name.isascii():
        return name
    ascii_part = name.encode("ascii", "ignore").decode().strip()
    return ascii_part or f"mode-{index + 1}"


def write_chart(results_by_mode: dict[str, EvalResult], path: Path) -> Path:
    """Grouped bar chart: one group per metric, one bar per mode."""
    cjk = has_cjk_font()
    modes = list(results_by_mode)
    width = 0.8 / max(len(modes), 1)
    figure, axes = pyplot.subplots(figsize=(max(6.0, 1.4 * len(METRICS)), 4.5))
    for index, mode in enumerate(modes):
        xs = [m + (index - (len(modes) - 1) / 2) * width for m in range(len(METRICS))]
        values = [results_by_mode[mode].overall[name] for name in METRICS]
        axes.bar(xs, values, width, label=chart_label(mode, index, cjk))
    axes.set_xticks(range(len(METRICS)), METRICS)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("score")
    axes.set_title("Retrieval accuracy by mode")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(len(modes), 5), fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    pyplot.close(figure)
    return path


def write_report(results_by_mode: dict[str, EvalResult], out_dir: Path, console: Console | None = None) -> list[Path]:
    """Print tables and write report.json, report.md and report.png into out_dir; return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    print_tables(results_by_mode, console)
    json_path = out_dir / "report.json"
    json_path.write_text(to_json(results_by_mode) + "\n", encoding="utf-8")
    markdown_path = out_dir / "report.md"
    markdown_path.write_text(to_markdown(results_by_mode), encoding="utf-8")
    return [json_path, markdown_path, write_chart(results_by_mode, out_dir / "report.png")]
