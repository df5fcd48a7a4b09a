"""What every command shares: the consoles, one-line failures, settings, the model and an index sync."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import Progress

from briefqa.settings import Settings

if TYPE_CHECKING:
    from index.embedding import Embedder
    from index.sync import SyncReport

err = Console(stderr=True)
out = Console()


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def comma_numbers(text: str, what: str, example: str, option: str = "--sizes") -> tuple[int, ...]:
    """``1000,10000`` as numbers; anything else is a one-line error naming the option (exit 2)."""
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        fail(f"{option} takes {what} joined by commas, e.g. {example}; not {text!r}", 2)


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment (and ``overrides``); a bad value is one line naming it."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)
    except ValidationError as error:
        problem = error.errors()[0]
        where = problem["loc"]  # () for a rule across fields (int8 on OpenVINO)
        named = f"setting BRIEFQA_{str(where[0]).upper()}" if where else "settings"
        fail(f"{named}: {problem['msg']}")


def without_numba() -> None:
    """Keep numba (and LLVM) out of a serving or asking process: about 100 MB resident and half a
    second of import. bm25s imports it whenever it is installed, only for its "numba" backend,
    which briefqa does not use (its numpy scoring runs either way); evaluation needs it (ranx)."""
    import sys

    if "numba" not in sys.modules:
        sys.modules["numba"] = None  # type: ignore[assignment]  # an import of it now raises ImportError


def load_embedder(settings: Settings) -> Embedder:
    from briefqa.runtime import make_embedder
    from models.e5_convert import ModelConversionError

    try:
        return make_embedder(settings)
    except (ModelConversionError, OSError, ValueError) as error:
        fail(f"cannot load model {settings.model!r}: {error}")


def sync(
    settings: Settings,
    paths: list[Path],
    rebuild: bool = False,
    remove_missing: bool = False,
    embedder: Embedder | None = None,
) -> SyncReport:
    """Bring the index in step with ``paths``, showing progress; a bad file is one line and exit 1."""
    from briefqa.runtime import make_builder, make_lazy_embedder
    from index.store import IndexStoreError
    from ingest.pipeline import IngestError
    from models.e5_convert import ModelConversionError

    builder = make_builder(settings, embedder or make_lazy_embedder(settings))
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("embedding passages and sentences", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            return builder.sync(paths, remove_missing=remove_missing, rebuild=rebuild, progress=report)
        except (IngestError, IndexStoreError, ModelConversionError) as error:
            fail(str(error))
