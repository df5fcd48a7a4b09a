"""The manifest of one index version: every file's size and sha256, and a checksum of its own.

A reader trusts a version only if its manifest is intact and every file on disk is exactly the
one listed: FAISS and numpy load a byte-flipped file without complaint, so checksums are the
only line of defence. Sizes are recorded as well so that a refusal can say *how* a file is
damaged (empty, truncated, grown, altered), and the message always names the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from text.files import file_sha256

MANIFEST = "manifest.json"
FORMAT = 2
_REBUILD = "rebuild it with `briefqa ingest --rebuild PATH`"


class IndexStoreError(Exception):
    """Base for index problems a user can act on (the message says what to do)."""


class IndexMissingError(IndexStoreError):
    """Nothing was ever committed at the index folder."""


class IndexCorruptError(IndexStoreError):
    """A file of an index version is missing, unlisted, truncated or altered; the message names it."""


class IndexMismatchError(IndexStoreError):
    """The index was built with other settings or another format than this briefqa expects."""


class IndexWriteError(IndexStoreError):
    """A new version could not be written (disk full, permissions); the previous one stays current."""


def seal(folder: Path, manifest: dict[str, Any], version: str) -> None:
    """Make ``folder`` durable: fsync every file, then write the manifest last, then fsync the folders."""
    files: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        fsync_path(path)
        files[path.relative_to(folder).as_posix()] = {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
    body = {**manifest, "format": FORMAT, "version": version, "files": files}
    body["checksum"] = _checksum(body)
    with (folder / MANIFEST).open("wb") as handle:
        handle.write(json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    for directory in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        fsync_path(directory)
    fsync_path(folder)


def read_manifest(folder: Path) -> dict[str, Any]:
    """Read and check a version's manifest (its own checksum, format and version name)."""
    path = folder / MANIFEST
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _corrupt(path, f"cannot read the manifest ({err.strerror})") from err
    if not raw:
        raise _corrupt(path, "manifest is empty (0 bytes)")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise _corrupt(path, f"manifest is not valid JSON (truncated or garbled: {err})") from err
    if not isinstance(body, dict):
        raise _corrupt(path, "manifest is not a JSON object")
    if body.get("format") not in (1, FORMAT):
        found = body.get("format")
        raise IndexMismatchError(f"{path}: index format {found!r}, but this briefqa reads {FORMAT}; {_REBUILD}")
    if body.get("format") == FORMAT and body.get("checksum") != _checksum(body):
        raise _corrupt(path, "manifest checksum mismatch (altered or corrupted)")
    if body.get("version") != folder.name:
        raise _corrupt(path, f"manifest is of version {body.get('version')!r}, not {folder.name}")
    if not isinstance(body.get("files"), dict) or not body["files"]:
        raise _corrupt(path, "manifest lists no files")
    return body


def verify_files(folder: Path, manifest: dict[str, Any]) -> None:
    """Refuse a version unless every listed file matches and no unlisted file is present."""
    listed: dict[str, Any] = manifest["files"]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name != MANIFEST and name not in listed:
            raise _corrupt(path, f"not listed in {MANIFEST} (a stray or injected file)")
    for name, entry in sorted(listed.items()):
        _verify_file(folder, name, entry if isinstance(entry, dict) else {"sha256": entry})


def _verify_file(folder: Path, name: str, expected: dict[str, Any]) -> None:
    relative = PurePosixPath(name)
    if not name or relative.is_absolute() or ".." in relative.parts or name == MANIFEST:
        raise _corrupt(folder / MANIFEST, f"lists {name[:60]!r}, not a file of this version")
    path = folder / relative
    try:
        size = path.stat().st_size
        digest = file_sha256(path)
    except FileNotFoundError as err:
        raise _corrupt(path, f"missing from version {folder.name}") from err
    except OSError as err:
        raise _corrupt(path, f"cannot read ({err.strerror})") from err
    want = expected.get("bytes")
    if want is not None and size != want:
        if size == 0:
            raise _corrupt(path, f"file is empty (0 bytes, expected {want})")
        if size < want:
            raise _corrupt(path, f"file is truncated ({size} of {want} bytes)")
        raise _corrupt(path, f"file has {size} bytes, expected {want} (grown or replaced)")
    if digest != expected.get("sha256"):
        raise _corrupt(path, "checksum mismatch (content altered or corrupted)")


def _corrupt(path: Path, what: str) -> IndexCorruptError:
    return IndexCorruptError(f"{path}: {what}; {_REBUILD}")


def _checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps({k: v for k, v in body.items() if k != "checksum"}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
