"""The manifest of one index version: what it was built with, every file's size and sha256, and a
checksum of its own.

A reader trusts a version only if its manifest is intact and every file on disk is exactly the one
listed (``index.sealing``). ``Manifest.to_json`` writes the keys in one fixed order, the order every
briefqa since format 2 has written, so a version written today reads the same as one written before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from index.errors import REBUILD, IndexCorruptError, IndexMismatchError

MANIFEST = "manifest.json"
FORMAT = 2
_READABLE = (1, FORMAT)  # format 1 listed each file by its sha256 alone and had no checksum of its own
T = TypeVar("T")


@dataclass(frozen=True)
class FileRecord:
    """One file of a version as it was sealed."""

    sha256: str
    size: int | None = None  # format 1 recorded only the digest

    def to_json(self) -> dict[str, Any]:
        return {"bytes": self.size, "sha256": self.sha256}

    @classmethod
    def from_json(cls, entry: Any) -> FileRecord:
        return cls(entry.get("sha256", ""), entry.get("bytes")) if isinstance(entry, dict) else cls(entry)


# Records whose JSON object holds exactly their fields, in this order (``asdict`` and ``cls(**body)``).
@dataclass(frozen=True)
class ModelInfo:
    """The embedding model a version's vectors come from."""

    id: str
    dimension: int


@dataclass(frozen=True)
class SourceRecord:
    """Where a document came from and the sha256 of what was read."""

    source: str
    sha256: str


@dataclass(frozen=True)
class Counts:
    """How many documents and passages a version holds; checked against its files when it loads."""

    documents: int
    passages: int


@dataclass(frozen=True)
class BuildSettings:
    """What an index must have been built with to be read with given settings."""

    model: ModelInfo
    chunking: Mapping[str, Any]  # compared whole, so an older layout of the settings is a mismatch
    keyword_units: str

    def to_json(self) -> dict[str, Any]:
        return {"model": asdict(self.model), "chunking": dict(self.chunking), "keyword_units": self.keyword_units}


@dataclass(frozen=True)
class Manifest:
    """One version's manifest. The builder fills in what the version holds; ``index.sealing.seal``
    adds the version name, the files and the checksum. Absent parts (a format 1 manifest, a bare
    version written by a test) are None and left out of the JSON."""

    version: str = ""
    files: Mapping[str, FileRecord] = field(default_factory=dict)
    model: ModelInfo | None = None
    chunking: Mapping[str, Any] | None = None
    keyword_units: str | None = None
    created: str | None = None
    sources: Mapping[str, SourceRecord] | None = None
    counts: Counts | None = None
    dense_index: Mapping[str, Any] | None = None  # as ``DenseIndex.describe`` says: read by people, not code
    format: int = FORMAT
    checksum: str | None = None

    def to_json(self) -> dict[str, Any]:
        described = {
            "model": _json_of(self.model, asdict),
            "chunking": _json_of(self.chunking, dict),
            "keyword_units": self.keyword_units,
            "created": self.created,
            "sources": _json_of(self.sources, lambda s: {k: asdict(v) for k, v in s.items()}),
            "counts": _json_of(self.counts, asdict),
            "dense_index": _json_of(self.dense_index, dict),
        }
        body = {key: value for key, value in described.items() if value is not None}
        body.update(format=self.format, version=self.version, files={n: f.to_json() for n, f in self.files.items()})
        if self.checksum is not None:
            body["checksum"] = self.checksum
        return body

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> Manifest:
        """Raises KeyError, TypeError, AttributeError or ValueError if ``body`` is not a manifest's layout."""
        return cls(
            version=body["version"],
            files={name: FileRecord.from_json(entry) for name, entry in body["files"].items()},
            model=_parsed(body, "model", lambda m: ModelInfo(**m)),
            chunking=_parsed(body, "chunking", dict),
            keyword_units=body.get("keyword_units"),
            created=body.get("created"),
            sources=_parsed(body, "sources", lambda s: {k: SourceRecord(**v) for k, v in s.items()}),
            counts=_parsed(body, "counts", lambda c: Counts(**c)),
            dense_index=_parsed(body, "dense_index", dict),
            format=body["format"],
            checksum=body.get("checksum"),
        )

    def sealed(self) -> Manifest:
        """This manifest with its own checksum."""
        return replace(self, checksum=_checksum(replace(self, checksum=None).to_json()))

    def encode(self) -> bytes:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2).encode("utf-8")

    def check_built_with(self, expected: BuildSettings, root: Path) -> None:
        """Refuse (IndexMismatchError) a version built with other settings than ``expected``."""
        found = self.to_json()
        for key, value in expected.to_json().items():
            if found.get(key) != value:
                # The runtime's recipe is part of the model id (int4-b32 became the default after fp32).
                keep = (
                    " or set BRIEFQA_EMBEDDER_BACKEND, BRIEFQA_ONNX_RUNTIME, BRIEFQA_ONNX_QUANTISATION, BRIEFQA_MODEL"
                    " to what built it,"
                )
                raise IndexMismatchError(
                    f"index at {root} was built with {key}={found.get(key)}, but the settings ask for {value}: "
                    f"re-ingest with `briefqa ingest --rebuild PATH`,{keep if key == 'model' else ''} "
                    "or point BRIEFQA_DATA_DIR at a new folder"
                )


def read_manifest(folder: Path) -> Manifest:
    """Read and check a version's manifest (its own checksum, format and version name)."""
    path = folder / MANIFEST
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise IndexCorruptError.of(path, f"cannot read the manifest ({err.strerror})") from err
    if not raw:
        raise IndexCorruptError.of(path, "manifest is empty (0 bytes)")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise IndexCorruptError.of(path, f"manifest is not valid JSON (truncated or garbled: {err})") from err
    _check_body(path, folder.name, body)
    try:
        return Manifest.from_json(body)
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise IndexCorruptError.of(path, f"manifest is malformed ({type(err).__name__}: {err})") from err


def _check_body(path: Path, version: str, body: Any) -> None:
    if not isinstance(body, dict):
        raise IndexCorruptError.of(path, "manifest is not a JSON object")
    if body.get("format") not in _READABLE:
        found = body.get("format")
        raise IndexMismatchError(f"{path}: index format {found!r}, but this briefqa reads {FORMAT}; {REBUILD}")
    if body.get("format") == FORMAT and body.get("checksum") != _checksum(body):
        raise IndexCorruptError.of(path, "manifest checksum mismatch (altered or corrupted)")
    if body.get("version") != version:
        raise IndexCorruptError.of(path, f"manifest is of version {body.get('version')!r}, not {version}")
    if not isinstance(body.get("files"), dict) or not body["files"]:
        raise IndexCorruptError.of(path, "manifest lists no files")


def _checksum(body: Mapping[str, Any]) -> str:
    """The sha256 of the manifest's JSON without its checksum, keys sorted."""
    canonical = json.dumps({k: v for k, v in body.items() if k != "checksum"}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _json_of(value: T | None, to_json: Callable[[T], Any]) -> Any:
    return None if value is None else to_json(value)


def _parsed(body: Mapping[str, Any], key: str, parse: Callable[[Any], T]) -> T | None:
    value = body.get(key)
    return None if value is None else parse(value)
