"""The ``briefqa`` command: every command of the project, one typer app.

Each command lives in the module of its kind and imports its heavy parts when it runs, so that
``briefqa --help`` answers at once.
"""

from __future__ import annotations

import typer

from cli.bench_commands import bench, load_swap, milvus_parity, milvus_replicas
from cli.eval_commands import cmrc, evaluate, tune
from cli.feedback_commands import feedback_app
from cli.index_commands import ask, convert_model, export_onnx, ingest
from cli.library_commands import library_eval
from cli.rerank_command import train_rerank
from cli.serve_command import serve, settings_epilog

app = typer.Typer(help="briefqa: ask Chinese policy briefings questions, get cited passages.", no_args_is_help=True)
app.command()(ingest)
app.command()(ask)
app.command(name="eval")(evaluate)
app.command(epilog=settings_epilog())(serve)
app.command(name="convert-model")(convert_model)
app.command(name="export-onnx")(export_onnx)
app.command()(cmrc)
app.command()(tune)
app.command(name="library-eval")(library_eval)
app.command()(bench)
app.command(name="load-swap")(load_swap)
app.command(name="milvus-replicas")(milvus_replicas)
app.command(name="milvus-parity")(milvus_parity)
app.command(name="train-rerank")(train_rerank)


app.add_typer(feedback_app, name="feedback")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
