"""Versioned, atomic, verified index folders.

Layout: ``ROOT/versions/<version>/`` holds one complete build; ``ROOT/CURRENT`` names the version
to serve. A build is written into ``versions/.tmp-<version>``, every file fsynced, the manifest
(with each file's sha256) written last, the folder renamed into place, and only then is CURRENT
switched by an atomic rename. A reader therefore only ever sees complete, checksummed versions.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
FORMAT = 1


class IndexStoreError(Exception):
    """Base for index problems a user can act on (the message says what to do)."""


class IndexMissingError(IndexStoreError):
    pass


class IndexCorruptError(IndexStoreError):
    pass


class IndexMismatchError(IndexStoreError):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_version(root: Path) -> str | None:
    pointer = root / "CURRENT"
    if not pointer.exists():
        return None
    return pointer.read_text(encoding="utf-8").strip() or None


def write_version(root: Path, write_files: Callable[[Path], None], manifest: dict[str, Any], keep: int = 3) -> str:
    """Write a new version with ``write_files(folder)``, then make it current atomically.

    Returns:
        The new version's name.
    """
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    _remove_unfinished(versions)
    version = time.strftime("v%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    tmp = versions / f".tmp-{version}"
    tmp.mkdir()
    write_files(tmp)
    files = {p.relative_to(tmp).as_posix(): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
    for name in files:
        _fsync(tmp / name)
    manifest = {**manifest, "format": FORMAT, "version": version, "files": files}
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _fsync(tmp / MANIFEST)
    for folder in {tmp, *(p for p in tmp.rglob("*") if p.is_dir())}:
        _fsync(folder)
    os.rename(tmp, versions / version)
    _fsync(versions)
    pointer = root / f".CURRENT.{version}"
    pointer.write_text(version, encoding="utf-8")
    _fsync(pointer)
    os.replace(pointer, root / "CURRENT")
    _fsync(root)
    prune(root, keep)
    return version


def _remove_unfinished(versions: Path) -> None:
    for leftover in versions.glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def prune(root: Path, keep: int) -> None:
    """Delete all but the newest ``keep`` complete versions; never the current one."""
    current = current_version(root)
    complete = sorted(p for p in (root / "versions").iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in complete[: max(len(complete) - keep, 0)]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)


def open_version(root: Path, version: str | None = None) -> tuple[Path, dict[str, Any]]:
    """Locate a version (the current one by default) and verify every file against its manifest.

    Raises:
        IndexMissingError: there is no index at ``root`` yet.
        IndexCorruptError: a file is missing, truncated or altered; names the file.
    """
    version = version or current_version(root)
    if version is None:
        raise IndexMissingError(f"no index at {root}: run `briefqa ingest PATH` first")
    folder = root / "versions" / version
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise IndexCorruptError(f"{folder / MANIFEST}: unreadable manifest ({err}); re-ingest to rebuild") from err
    for name, expected in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            raise IndexCorruptError(f"{path}: file missing from index version {version}; re-ingest to rebuild")
        if sha256_file(path) != expected:
            raise IndexCorruptError(f"{path}: checksum mismatch (truncated or altered); re-ingest to rebuild")
    return folder, manifest
