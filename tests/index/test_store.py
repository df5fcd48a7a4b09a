"""Versioned, atomic, verified index folders: what a reader may see, what a writer leaves, what is refused."""

from __future__ import annotations

import json
import random
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from index.builder import IndexBuilder
from index.manifest import MANIFEST, Manifest
from index.passage_index import PassageIndex
from index.sealing import seal
from index.store import (
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    current_version,
    list_versions,
    open_version,
    prune,
    remove_unfinished,
    write_version,
)
from ingest.chunking import ChunkSettings
from tests.fakes import HashingEmbedder
from tests.helpers import BRIEFING
from text.terms import Analyzer

EXTRA = "# 广州低空经济简报\n\n广州发布低空经济发展实施方案，支持无人机物流与城市空中交通试点。\n"
INDEX_FILES = [
    "documents.jsonl",
    "passages.jsonl",
    "vectors.npy",
    "dense.faiss",
    "bm25/data.csc.index.npy",
    "bm25/indices.csc.index.npy",
    "bm25/indptr.csc.index.npy",
    "bm25/params.index.json",
    "bm25/vocab.index.json",
    MANIFEST,
]
DAMAGES = ["truncated", "zero-length", "garbage", "byte-flipped"]
# What the refusal says, per damage: data files are checked against the manifest's sizes and
# sha256; the manifest, having no record of itself elsewhere, against its parse and its own checksum.
SAYS = {"truncated": "truncated", "zero-length": "empty", "garbage": "checksum mismatch", "byte-flipped": "checksum"}
MANIFEST_SAYS = {"truncated": "not valid JSON", "zero-length": "empty", "garbage": "not valid JSON"}


def builder_at(root: Path) -> IndexBuilder:
    return IndexBuilder(root, HashingEmbedder(), Analyzer(), ChunkSettings(220, 1))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One committed version of the briefing and a small Chinese document, built with the fake embedder."""
    sources = tmp_path_factory.mktemp("sources")
    shutil.copy(BRIEFING, sources / BRIEFING.name)
    (sources / "低空经济.md").write_text(EXTRA, encoding="utf-8")
    root = tmp_path_factory.mktemp("template") / "index"
    builder_at(root).sync([sources])
    return root


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(template, copy)
    return copy


def load(root: Path) -> PassageIndex:
    """What the service does with a version: verify, then load."""
    folder, manifest = open_version(root)
    return PassageIndex.load(folder, manifest)


def write_text_version(root: Path, text: str, keep: int = 10) -> str:
    def write_files(folder: Path) -> None:
        (folder / "note.txt").write_text(text, encoding="utf-8")

    return write_version(root, write_files, Manifest(), keep)


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    middle = len(data) // 2
    damaged = {
        "truncated": data[:middle],
        "zero-length": b"",
        "garbage": random.Random(7).randbytes(len(data)),
        "byte-flipped": data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :],
    }[how]
    path.write_bytes(damaged)


def test_a_new_version_is_invisible_until_it_is_complete_and_committed(root: Path):
    before = current_version(root)
    seen: dict[str, object] = {}

    def write_files(folder: Path) -> None:
        (folder / "note.txt").write_text("半成品", encoding="utf-8")
        seen["current"] = current_version(root)
        seen["versions"] = list_versions(root)
        seen["tmp"] = [p.name for p in (root / "versions").glob(".tmp-*")]
        seen["loads"] = load(root).version

    version = write_version(root, write_files, Manifest())
    assert seen["current"] == before and seen["loads"] == before
    assert seen["versions"] == [before] and seen["tmp"] == [f".tmp-{version}"]
    assert current_version(root) == version and list_versions(root) == [before, version]
    assert not list((root / "versions").glob(".tmp-*")) and not list(root.glob(".CURRENT.*"))
    folder, manifest = open_version(root)
    assert folder.name == version and set(manifest.files) == {"note.txt"}


def test_versions_sort_in_the_order_they_were_written(tmp_path: Path):
    root = tmp_path / "index"
    written = [write_text_version(root, f"第{i}版", keep=20) for i in range(12)]  # several per second
    assert list_versions(root) == written
    assert current_version(root) == written[-1]


def test_prune_keeps_the_newest_versions(tmp_path: Path):
    root = tmp_path / "index"
    written = [write_text_version(root, f"第{i}版", keep=2) for i in range(5)]
    assert list_versions(root) == written[-2:]


def test_prune_never_deletes_the_current_version(tmp_path: Path):
    root = tmp_path / "index"
    written = [write_text_version(root, f"第{i}版") for i in range(4)]
    (root / "CURRENT").write_text(written[0], encoding="utf-8")  # an operator rolled back
    prune(root, keep=1)
    assert list_versions(root) == [written[0], written[-1]]
    assert open_version(root)[0].name == written[0]


def test_leftovers_of_a_killed_writer_are_removed_by_the_next_writer(root: Path):
    leftover = root / "versions" / ".tmp-v000099-20250101T000000"
    (leftover / "bm25").mkdir(parents=True)
    (leftover / "vectors.npy").write_bytes(b"\x93NUMPY half")
    (root / ".CURRENT.v000099-20250101T000000").write_text("v000099-20250101T000000", encoding="utf-8")
    old = current_version(root)
    assert load(root).version == old  # readers ignore them
    new = write_text_version(root, "新版")
    assert not leftover.exists() and not list(root.glob(".CURRENT.*"))
    assert list_versions(root) == [old, new]


def test_a_live_writers_unfinished_folder_is_left_alone(root: Path):
    """Even two writers that bypass the builder's lock never delete each other's work."""
    writing, release = threading.Event(), threading.Event()
    result: dict[str, str] = {}

    def slow_files(folder: Path) -> None:
        (folder / "note.txt").write_text("慢写入", encoding="utf-8")
        writing.set()
        assert release.wait(10)

    slow = threading.Thread(target=lambda: result.update(version=write_version(root, slow_files, Manifest(), keep=1)))
    slow.start()
    assert writing.wait(10)
    unfinished = next((root / "versions").glob(".tmp-*"))
    remove_unfinished(root)
    fast = write_text_version(root, "快写入", keep=1)  # cleans up and prunes while the slow writer writes
    assert (unfinished / "note.txt").is_file()
    release.set()
    slow.join(10)
    assert current_version(root) == result["version"] != fast
    assert open_version(root)[1].files.keys() == {"note.txt"}


@pytest.mark.parametrize("how", DAMAGES)
@pytest.mark.parametrize("name", INDEX_FILES)
def test_a_damaged_file_is_refused_with_a_message_naming_it(root: Path, name: str, how: str):
    damage(root / "versions" / current_version(root) / name, how)  # type: ignore[operator]
    with pytest.raises(IndexCorruptError) as refused:
        load(root)
    message = str(refused.value)
    assert name in message and "briefqa ingest --rebuild" in message
    if name != MANIFEST:
        assert SAYS[how] in message
    else:
        assert any(s in message for s in (MANIFEST_SAYS.get(how, "not valid JSON"), "checksum mismatch"))


def test_the_corruption_table_covers_every_file_of_a_version(root: Path):
    folder = root / "versions" / current_version(root)  # type: ignore[operator]
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == sorted(INDEX_FILES)


def test_an_unlisted_file_is_refused(root: Path):
    stray = root / "versions" / current_version(root) / "bm25" / "corpus.jsonl"  # type: ignore[operator]
    stray.write_text('{"id": 0, "text": "注入"}\n', encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=r"bm25/corpus\.jsonl: not listed in manifest\.json"):
        load(root)


def test_a_deleted_file_is_refused(root: Path):
    (root / "versions" / current_version(root) / "dense.faiss").unlink()  # type: ignore[operator]
    with pytest.raises(IndexCorruptError, match=r"dense\.faiss: missing from version"):
        load(root)


def test_current_naming_a_missing_version_is_refused_not_taken_for_an_empty_index(root: Path):
    shutil.rmtree(root / "versions" / current_version(root))  # type: ignore[operator]
    with pytest.raises(IndexCorruptError, match=r"CURRENT names version v\d+-\S+, but .* does not exist"):
        load(root)
    with pytest.raises(IndexCorruptError):  # an incremental ingest must not silently start afresh
        builder_at(root).current()


@pytest.mark.parametrize("content", [b"", b"../../etc", "第一版".encode("gbk")])
def test_a_damaged_current_pointer_is_refused(root: Path, content: bytes):
    (root / "CURRENT").write_bytes(content)
    with pytest.raises(IndexCorruptError, match="CURRENT"):
        load(root)


def test_a_manifest_moved_from_another_version_is_refused(root: Path):
    old = current_version(root)
    new = write_text_version(root, "新版")
    shutil.copy(root / "versions" / old / MANIFEST, root / "versions" / new / MANIFEST)  # type: ignore[operator]
    with pytest.raises(IndexCorruptError, match=f"manifest is of version '{old}', not {new}"):
        load(root)


def test_a_manifest_of_an_unknown_format_is_a_mismatch(root: Path):
    path = root / "versions" / current_version(root) / MANIFEST  # type: ignore[operator]
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), "format": 99}), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="index format 99"):
        load(root)


def test_files_that_verify_but_disagree_are_refused(root: Path):
    """Checksums catch accidents; a well-sealed version whose files do not belong together is refused too."""
    folder = root / "versions" / current_version(root)  # type: ignore[operator]
    manifest = Manifest.from_json(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
    np.save(folder / "vectors.npy", np.zeros((3, 64), dtype=np.float32))
    (folder / MANIFEST).unlink()
    seal(folder, manifest, folder.name)
    with pytest.raises(IndexCorruptError, match=r"vectors\.npy: holds \(3, 64\), not one vector per passage"):
        load(root)


def test_no_index_at_all_is_missing_not_corrupt(tmp_path: Path):
    with pytest.raises(IndexMissingError, match="briefqa ingest"):
        load(tmp_path / "index")


def test_a_loaded_version_keeps_serving_after_its_folder_is_deleted(root: Path):
    """Nothing is memory-mapped (or read lazily), so pruning the version a service holds cannot break it."""
    index = load(root)
    maps = Path("/proc/self/maps").read_text(encoding="utf-8")
    assert str(root) not in maps, "an index file is memory-mapped"
    shutil.rmtree(root / "versions")
    assert index.dense.search(index.vectors[0], 3)[0][0] == 0
    assert index.keyword.search(Analyzer().units_of("天使母基金规模多大"), 3)
    assert isinstance(index.vectors, np.ndarray) and not isinstance(index.vectors, np.memmap)


FORMAT2 = Path(__file__).parent / "data" / "manifest-format2.json"  # as briefqa wrote it before Manifest was typed


def test_a_manifest_reads_and_writes_back_byte_for_byte():
    raw = FORMAT2.read_bytes()
    manifest = Manifest.from_json(json.loads(raw))
    assert manifest.encode() == raw
    assert manifest.sealed().checksum == manifest.checksum
    assert manifest.model and manifest.model.dimension == 64 and manifest.counts and manifest.counts.passages == 2


def test_a_sealed_manifest_is_what_was_written(root: Path):
    folder, manifest = open_version(root)
    assert manifest.encode() == (folder / MANIFEST).read_bytes()
    assert list(manifest.to_json()) == [
        *("model", "chunking", "keyword_units", "created", "sources", "counts", "dense_index"),
        *("format", "version", "files", "checksum"),
    ]


def test_a_format_1_manifest_still_opens(tmp_path: Path):
    """Format 1 listed each file by its sha256 alone and had no checksum of its own."""
    root = tmp_path / "index"
    version = write_text_version(root, "旧格式")
    path = root / "versions" / version / MANIFEST
    sealed = json.loads(path.read_text(encoding="utf-8"))
    files = {name: entry["sha256"] for name, entry in sealed["files"].items()}
    path.write_text(json.dumps({"format": 1, "version": version, "files": files}), encoding="utf-8")
    assert open_version(root)[1].files["note.txt"].sha256 == files["note.txt"]
    (root / "versions" / version / "note.txt").write_text("改过", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=r"note\.txt: checksum mismatch"):
        open_version(root)


def test_passages_of_a_document_are_its_passages_in_order(root: Path):
    index = load(root)
    for doc_id in index.documents:
        assert index.passages_of(doc_id) == [p for p in index.passages if p.doc_id == doc_id]
        assert index.passages_of(doc_id)
    assert index.passages_of("no-such-document") == []


def test_a_version_built_by_another_model_is_refused_naming_the_settings_that_built_it(root: Path):
    other = HashingEmbedder()
    other.model_id = "intfloat/multilingual-e5-small@onnxruntime-1.32.0/fp32/v2"  # the template is hashing-64's
    with pytest.raises(IndexMismatchError) as refused:
        IndexBuilder(root, other, Analyzer(), ChunkSettings(220, 1)).load()
    message = str(refused.value)
    assert "/fp32/v2" in message and "--rebuild" in message and "BRIEFQA_ONNX_QUANTISATION" in message
