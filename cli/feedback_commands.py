"""`briefqa feedback export FILE`: readers' verdicts become a question set that `briefqa eval` scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.common import err, fail, load_settings

feedback_app = typer.Typer(help="Readers' verdicts (👍/👎 from the page, the widget or POST /v1/feedback).")


@feedback_app.command("export", epilog="Example: briefqa feedback export reports/feedback.jsonl")
def export(
    out: Annotated[Path, typer.Argument(help="The JSONL question set to write.")],
) -> None:
    """Write every question readers judged, with the passages they marked right as gold ids in the current
    index version (mapped by document and offsets); conflicting verdicts and verdicts whose document
    changed are listed, not guessed. Score it with: briefqa eval FILE
    """
    from feedback import FeedbackStore, FeedbackStoreError, export_question_set
    from index.errors import IndexStoreError
    from index.passage_index import PassageIndex
    from index.versions import open_version

    settings = load_settings()
    if not settings.feedback_file.exists():
        fail(f"no feedback yet: {settings.feedback_file} does not exist (readers' verdicts are stored there)")
    try:
        # Mapping needs the documents and passages only, whatever model embedded them.
        index = PassageIndex.load(*open_version(settings.index_dir))
        verdicts = FeedbackStore(settings.feedback_file).all()
    except (IndexStoreError, FeedbackStoreError) as error:
        fail(str(error))
    result = export_question_set(verdicts, index.documents, index.passages)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in result.questions), encoding="utf-8")
    partial.replace(out)  # never a half-written question set
    err.print(f"wrote {len(result.questions)} questions from {len(verdicts)} verdicts to {out}", highlight=False)
    for conflict in result.conflicts:
        err.print(f"conflicting verdicts, left out: {conflict['question']} {conflict['passage_ids']}", highlight=False)
    for v in result.unmapped:
        err.print(f"not mapped (document changed or gone): {v.question} {v.passage_id} ({v.index_version})")
    if result.only_down:
        err.print(f"{len(result.only_down)} questions had no passage marked right", highlight=False)
