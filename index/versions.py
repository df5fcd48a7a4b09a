"""Reading an index folder's layout: which versions exist, which one CURRENT names, and opening one.

Layout: ``ROOT/versions/<version>/`` holds one complete build; ``ROOT/CURRENT`` names the version to
serve. Unfinished writes live in ``versions/.tmp-<version>`` and ``ROOT/.CURRENT.<version>`` until
they are renamed into place (``index.store``), so a reader never sees them.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.errors import IndexCorruptError, IndexMissingError
from index.manifest import Manifest, read_manifest
from index.sealing import verify_files

CURRENT = "CURRENT"
TMP, POINTER = ".tmp-", ".CURRENT."
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
    return sorted(names, key=order)


def order(name: str) -> tuple[int, str]:
    """Versions sort by their sequence number (names written before sequences count as 0)."""
    match = _SEQUENCE.match(name.removeprefix(TMP))
    return (int(match.group(1)) if match else 0, name)


def open_version(root: Path, version: str | None = None) -> tuple[Path, Manifest]:
    """Locate a version (the current one by default) and verify every file against its manifest.

    Raises:
        IndexMissingError: nothing was ever committed at ``root``.
        IndexCorruptError: CURRENT names a version that is gone, or a file is missing, unlisted,
            truncated or altered; the message names the file.
        IndexMismatchError: the version was written in a format this briefqa does not read.
    """
    version = version or current_version(root)
    if version is None:
        raise IndexMissingError.at(root)
    folder = root / "versions" / version
    if not folder.is_dir():
        raise IndexCorruptError(f"{root / CURRENT} names version {version}, but {folder} does not exist; {_REPOINT}")
    manifest = read_manifest(folder)
    verify_files(folder, manifest)
    return folder, manifest
