"""A version's files against its manifest: sealed when written, verified when opened.

FAISS and numpy load a byte-flipped file without complaint, so checksums are the only line of
defence. Sizes are recorded as well so that a refusal can say *how* a file is damaged (empty,
truncated, grown, altered), and the message always names the file.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path, PurePosixPath

from index.errors import IndexCorruptError
from index.manifest import FORMAT, MANIFEST, FileRecord, Manifest
from ingest.pipeline import file_sha256


def seal(folder: Path, manifest: Manifest, version: str) -> None:
    """Make ``folder`` durable: fsync every file, then write the manifest last, then fsync the folders."""
    files: dict[str, FileRecord] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        fsync_path(path)
        files[path.relative_to(folder).as_posix()] = FileRecord(file_sha256(path), path.stat().st_size)
    sealed = replace(manifest, format=FORMAT, version=version, files=files).sealed()
    with (folder / MANIFEST).open("wb") as handle:
        handle.write(sealed.encode())
        handle.flush()
        os.fsync(handle.fileno())
    for directory in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        fsync_path(directory)
    fsync_path(folder)


def verify_files(folder: Path, manifest: Manifest) -> None:
    """Refuse a version unless every listed file matches and no unlisted file is present."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name != MANIFEST and name not in manifest.files:
            raise IndexCorruptError.of(path, f"not listed in {MANIFEST} (a stray or injected file)")
    for name, record in sorted(manifest.files.items()):
        _verify_file(folder, name, record)


def _verify_file(folder: Path, name: str, expected: FileRecord) -> None:
    relative = PurePosixPath(name)
    if not name or relative.is_absolute() or ".." in relative.parts or name == MANIFEST:
        raise IndexCorruptError.of(folder / MANIFEST, f"lists {name[:60]!r}, not a file of this version")
    path = folder / relative
    try:
        size = path.stat().st_size
        digest = file_sha256(path)
    except FileNotFoundError as err:
        raise IndexCorruptError.of(path, f"missing from version {folder.name}") from err
    except OSError as err:
        raise IndexCorruptError.of(path, f"cannot read ({err.strerror})") from err
    want = expected.size
    if want is not None and size != want:
        if size == 0:
            raise IndexCorruptError.of(path, f"file is empty (0 bytes, expected {want})")
        if size < want:
            raise IndexCorruptError.of(path, f"file is truncated ({size} of {want} bytes)")
        raise IndexCorruptError.of(path, f"file has {size} bytes, expected {want} (grown or replaced)")
    if digest != expected.sha256:
        raise IndexCorruptError.of(path, "checksum mismatch (content altered or corrupted)")


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
