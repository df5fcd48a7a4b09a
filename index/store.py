"""Versioned, atomic index folders: a reader only ever sees a complete, committed version.

Layout: ``ROOT/versions/<version>/`` holds one complete build; ``ROOT/CURRENT`` names the version
to serve. A build is written into ``versions/.tmp-<version>`` (locked by its writer), every file
fsynced, the manifest (each file's size and sha256, and its own checksum) written last, the folder
renamed into place, and only then is CURRENT switched by an atomic rename: that switch is the
commit. A writer killed at any point leaves either the old CURRENT or the new one, never a
half-written version; the next writer deletes what a dead writer left behind (see
``remove_unfinished``), and ``open_version`` refuses anything damaged since (``index.manifest``).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.manifest import (
    MANIFEST,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexStoreError,
    IndexWriteError,
    fsync_path,
    read_manifest,
    seal,
    verify_files,
)

__all__ = [
    "MANIFEST",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexStoreError",
    "IndexWriteError",
    "current_version",
    "list_versions",
    "open_version",
    "prune",
    "remove_unfinished",
    "write_version",
]

CURRENT = "CURRENT"
_TMP, _POINTER = ".tmp-", ".CURRENT."
_NAME = re.compile(r"^v[0-9A-Za-z._-]{1,80}$")
_SEQUENCE = re.compile(r"^v(\d{6,})-")
_REPOINT = "write the name of a good version from versions/ into it, or run `briefqa ingest --rebuild PATH`"


def current_version(root: Path) -> str | None:
    """The committed version's name, or None when nothing was ever committed at ``root``.

    Raises:
        IndexCorruptError: CURRENT exists but does not hold a version name.
    """
    pointer = root / CURRENT
    try:
        name = pointer.read_bytes().decode("utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise IndexCorruptError(f"{pointer}: unreadable ({err}); {_REPOINT}") from err
    if not _NAME.match(name):
        raise IndexCorruptError(f"{pointer}: holds {name[:40]!r}, not a version name; {_REPOINT}")
    return name


def list_versions(root: Path) -> list[str]:
    """Complete (renamed into place) version folders, oldest first."""
    versions = root / "versions"
    if not versions.is_dir():
        return []
    names = [p.name for p in versions.iterdir() if p.is_dir() and _NAME.match(p.name)]
    return sorted(names, key=_order)


def _order(name: str) -> tuple[int, str]:
    """Versions sort by their sequence number (names written before sequences count as 0)."""
    match = _SEQUENCE.match(name.removeprefix(_TMP))
    return (int(match.group(1)) if match else 0, name)


def open_version(root: Path, version: str | None = None) -> tuple[Path, dict[str, Any]]:
    """Locate a version (the current one by default) and verify every file against its manifest.

    Raises:
        IndexMissingError: nothing was ever committed at ``root``.
        IndexCorruptError: CURRENT names a version that is gone, or a file is missing, unlisted,
            truncated or altered; the message names the file.
        IndexMismatchError: the version was written in a format this briefqa does not read.
    """
    version = version or current_version(root)
    if version is None:
        raise IndexMissingError(f"no index at {root}: run `briefqa ingest PATH` first")
    folder = root / "versions" / version
    if not folder.is_dir():
        raise IndexCorruptError(f"{root / CURRENT} names version {version}, but {folder} does not exist; {_REPOINT}")
    manifest = read_manifest(folder)
    verify_files(folder, manifest)
    return folder, manifest


def write_version(root: Path, write_files: Callable[[Path], None], manifest: dict[str, Any], keep: int = 3) -> str:
    """Write a new version with ``write_files(folder)``, then commit it by switching CURRENT.

    Returns:
        The new version's name.

    Raises:
        IndexWriteError: the disk is full or not writable; nothing was committed and nothing is left behind.
    """
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    remove_unfinished(root)
    with _new_folder(versions) as (tmp, version):
        final = versions / version
        try:
            write_files(tmp)
            seal(tmp, manifest, version)
            os.rename(tmp, final)
            fsync_path(versions)
            _switch_current(root, version)
        except BaseException as err:
            _discard(root, tmp, final, version)
            if isinstance(err, OSError):
                raise _write_error(root, err) from err
            raise
    prune(root, keep)
    return version


def _write_error(root: Path, err: OSError) -> IndexWriteError:
    reason = "the disk is full" if err.errno in (errno.ENOSPC, errno.EDQUOT) else "a write failed"
    try:
        kept = current_version(root) or "none"
    except IndexStoreError:
        kept = "(unreadable CURRENT)"
    return IndexWriteError(
        f"cannot write a new index version under {root}: {reason} ({err}); nothing was changed and version "
        f"{kept} is still current; free space or fix permissions, then ingest again"
    )


@contextmanager
def _new_folder(versions: Path) -> Iterator[tuple[Path, str]]:
    """Create and lock ``.tmp-<version>``; the lock tells cleaners its writer is alive."""
    for _ in range(100):
        known = [p.name for p in versions.iterdir()]
        sequence = max((_order(n)[0] for n in known), default=0) + 1
        version = f"v{sequence:06d}-{time.strftime('%Y%m%dT%H%M%S')}"
        tmp = versions / f"{_TMP}{version}"
        try:
            tmp.mkdir()
            fd = os.open(tmp, os.O_RDONLY | os.O_DIRECTORY)
        except (FileExistsError, FileNotFoundError):
            continue  # another writer took the name, or a cleaner raced us: pick again
        except OSError as err:
            raise _write_error(versions.parent, err) from err
        fcntl.flock(fd, fcntl.LOCK_EX)
        if not _still_there(fd, tmp):
            os.close(fd)  # a cleaner deleted it between mkdir and lock
            continue
        try:
            yield tmp, version
        finally:
            os.close(fd)
        return
    raise IndexWriteError(f"{versions}: could not create a new version folder after 100 attempts")


def _still_there(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _switch_current(root: Path, version: str) -> None:
    pointer = root / f"{_POINTER}{version}"
    with pointer.open("wb") as handle:
        handle.write(version.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, root / CURRENT)
    fsync_path(root)


def _discard(root: Path, tmp: Path, final: Path, version: str) -> None:
    """Undo an unfinished write; a version CURRENT already names is committed and stays."""
    (root / f"{_POINTER}{version}").unlink(missing_ok=True)
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        committed = current_version(root) == version
    except IndexStoreError:
        committed = False
    if not committed:
        shutil.rmtree(final, ignore_errors=True)


def remove_unfinished(root: Path) -> None:
    """Delete what writers killed mid-write left: ``.tmp-*`` folders and ``.CURRENT.*`` pointers.

    A folder whose writer is alive is locked by it and left alone, so two writers (even without
    the builder's lock) never delete each other's work.
    """
    versions = root / "versions"
    for leftover in versions.glob(f"{_TMP}*"):
        with _abandoned(leftover) as gone:
            if gone:
                shutil.rmtree(leftover, ignore_errors=True)
    for pointer in root.glob(f"{_POINTER}*"):
        with _abandoned(versions / pointer.name.removeprefix(_POINTER)) as gone:
            if gone:
                pointer.unlink(missing_ok=True)


@contextmanager
def _abandoned(folder: Path) -> Iterator[bool]:
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
    memory-mapped). A folder a live writer holds is never deleted.
    """
    try:
        current = current_version(root)
    except IndexStoreError:
        return  # never delete anything while the commit point itself is damaged
    names = list_versions(root)
    for name in names[: max(len(names) - keep, 0)]:
        if name == current:
            continue
        with _abandoned(root / "versions" / name) as gone:
            if gone:
                shutil.rmtree(root / "versions" / name, ignore_errors=True)
