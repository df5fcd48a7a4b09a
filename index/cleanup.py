"""Deleting what an index folder no longer needs: leftovers of killed writers, and old versions.

A folder a live writer holds is locked by it (``index.store``) and is never deleted, so two writers
(even without the builder's lock) never delete each other's work.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import IndexStoreError
from index.versions import POINTER, TMP, current_version, list_versions


def remove_unfinished(root: Path) -> None:
    """Delete what writers killed mid-write left: ``.tmp-*`` folders and ``.CURRENT.*`` pointers."""
    versions = root / "versions"
    for leftover in versions.glob(f"{TMP}*"):
        with abandoned(leftover) as gone:
            if gone:
                shutil.rmtree(leftover, ignore_errors=True)
    for pointer in root.glob(f"{POINTER}*"):
        with abandoned(versions / pointer.name.removeprefix(POINTER)) as gone:
            if gone:
                pointer.unlink(missing_ok=True)


@contextmanager
def abandoned(folder: Path) -> Iterator[bool]:
    """Yield True (holding its lock) if no live writer holds ``folder``'s lock."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        yield True
        return
    except OSError:
        yield False
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        yield False
        return
    try:
        yield True
    finally:
        os.close(fd)


def prune(root: Path, keep: int) -> None:
    """Keep the ``keep`` newest versions and the current one; delete the rest.

    A running service may still serve a pruned version: it holds it fully in memory (nothing is
    memory-mapped).
    """
    try:
        current = current_version(root)
    except IndexStoreError:
        return  # never delete anything while the commit point itself is damaged
    names = list_versions(root)
    for name in names[: max(len(names) - keep, 0)]:
        if name == current:
            continue
        with abandoned(root / "versions" / name) as gone:
            if gone:
                shutil.rmtree(root / "versions" / name, ignore_errors=True)
