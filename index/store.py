"""Versioned, atomic index folders: a reader only ever sees a complete, committed version.

Layout: ``ROOT/versions/<version>/`` holds one complete build; ``ROOT/CURRENT`` names the version
to serve. A build is written into ``versions/.tmp-<version>`` (locked by its writer), every file
fsynced, the manifest (each file's size and sha256, and its own checksum) written last, the folder
renamed into place, and only then is CURRENT switched by an atomic rename: that switch is the
commit. A writer killed at any point leaves either the old CURRENT or the new one, never a
half-written version; the next writer deletes what a dead writer left behind (see
``index.cleanup``), and ``open_version`` refuses anything damaged since (``index.sealing``).
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from index.cleanup import prune, remove_unfinished
from index.errors import (
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexStoreError,
    IndexWriteError,
)
from index.manifest import MANIFEST, Manifest
from index.sealing import fsync_path, seal
from index.versions import CURRENT, POINTER, TMP, current_version, list_versions, open_version, order

# The store's whole interface, wherever each part lives.
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


def write_version(root: Path, write_files: Callable[[Path], None], manifest: Manifest, keep: int = 3) -> str:
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
        sequence = max((order(n)[0] for n in known), default=0) + 1
        version = f"v{sequence:06d}-{time.strftime('%Y%m%dT%H%M%S')}"
        tmp = versions / f"{TMP}{version}"
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
    pointer = root / f"{POINTER}{version}"
    with pointer.open("wb") as handle:
        handle.write(version.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, root / CURRENT)
    fsync_path(root)


def _discard(root: Path, tmp: Path, final: Path, version: str) -> None:
    """Undo an unfinished write; a version CURRENT already names is committed and stays."""
    (root / f"{POINTER}{version}").unlink(missing_ok=True)
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        committed = current_version(root) == version
    except IndexStoreError:
        committed = False
    if not committed:
        shutil.rmtree(final, ignore_errors=True)
