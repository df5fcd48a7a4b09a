"""A library benchmark: the briefings among N distractor articles from CMRC 2018 and DRCD.

briefqa is used on a library, not on one issue: the right passage has to be found among many documents
that are not about it. ``build_library(out_dir, size)`` writes ``out_dir/library-{size}/`` holding

    briefings/     copies of data/briefings/*.txt and data/library/*.txt (unless include_library=False)
    distractors/   ``size`` articles, one .txt each: the title on the first line, then its paragraphs
    NOTICE         where the distractors come from and their licences (no suffix, so it is not ingested)

Each CMRC 2018 article (simplified Chinese) and each DRCD article (traditional) is one document. The
articles are shuffled once per source with a fixed seed and taken from the front, in proportion to the
sources' sizes, so the run is deterministic and the 10-article library is inside the 100-article one,
which is inside the 1000-article one. CMRC dev+trial and the DRCD test split hold 1,482 articles
(848 + 256 + 378); a larger ``size`` takes them all. ``library_folder(out_dir, 0)`` writes the
briefings alone. ``briefqa library-eval`` builds, indexes and scores them.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from briefqa.settings import PROJECT_ROOT

SIZES = (10, 100, 1000)
SEED = 20250508
DATA = PROJECT_ROOT / "data"
NOTICE = """Distractor articles of this folder (distractors/) are derived from:
- CMRC 2018 (ymcui/cmrc2018, Cui et al. 2019), CC BY-SA 4.0: files cmrc-*.txt
- DRCD (DRCKnowledgeTeam/DRCD, Shao et al. 2018), CC BY-SA 3.0: files drcd-*.txt
They keep those licences; see data/cmrc2018/ and data/drcd/ (SOURCE.md, LICENCE).
The briefings (briefings/) are data/briefings/ and data/library/; see data/library/README.
"""


@dataclass(frozen=True)
class Sources:
    """Where the briefings and the distractor datasets are read from."""

    briefings: Path = DATA / "briefings"
    library: Path = DATA / "library"
    cmrc: Path = DATA / "cmrc2018"
    drcd: Path = DATA / "drcd"


@dataclass(frozen=True)
class Article:
    """One distractor document: ``name`` is its file stem (``cmrc-DEV_0``, ``drcd-6513``)."""

    name: str
    title: str
    paragraphs: tuple[str, ...]

    def text(self) -> str:
        return "\n\n".join((self.title, *self.paragraphs)) + "\n"


def read_articles(path: Path, prefix: str) -> list[Article]:
    """The articles of one SQuAD-style file, in file order; an untitled article is titled by its id."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    articles = []
    for entry in data:
        paragraphs = tuple(p["context"].strip() for p in entry["paragraphs"] if p["context"].strip())
        if paragraphs:
            article_id = str(entry["id"])
            title = str(entry.get("title") or "").strip() or article_id
            articles.append(Article(f"{prefix}-{article_id}", title, paragraphs))
    return articles


def _source_articles(folder: Path, prefix: str) -> list[Article]:
    """Every article of every ``*.json`` in ``folder`` (sorted by file name)."""
    files = sorted(folder.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"{folder}: no SQuAD-style .json file; copy the dataset there first")
    return [article for path in files for article in read_articles(path, prefix)]


def pick_distractors(pools: list[list[Article]], size: int, seed: int = SEED) -> list[Article]:
    """``size`` articles taken from the front of each seeded shuffle, in proportion to the pools' sizes.

    The shares are fixed by the pools alone, so a smaller library is a prefix of a larger one.
    """
    shuffled = []
    for number, pool in enumerate(pools):
        order = list(pool)
        random.Random(seed + number).shuffle(order)
        shuffled.append(order)
    total = sum(len(pool) for pool in pools)
    if total == 0:
        raise ValueError("no distractor articles to pick from")
    size = min(size, total)
    counts = [len(pool) * size // total for pool in pools]
    for number in sorted(range(len(pools)), key=lambda n: -len(pools[n])):
        if sum(counts) == size:
            break
        if counts[number] < len(pools[number]):
            counts[number] += 1  # the remainder goes to the largest pools first
    return [article for order, count in zip(shuffled, counts, strict=True) for article in order[:count]]


def _copy_briefings(folders: tuple[Path, ...], target: Path) -> int:
    """Copy every .txt briefing of ``folders`` into ``target``; their names must not clash."""
    target.mkdir(parents=True)
    copied = 0
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            if (target / path.name).exists():
                raise FileExistsError(f"{path}: another briefing is already named {path.name}")
            shutil.copyfile(path, target / path.name)
            copied += 1
    return copied


def build_library(
    out_dir: Path | str, size: int, include_library: bool = True, sources: Sources | None = None, seed: int = SEED
) -> Path:
    """Write the library benchmark folder for ``size`` distractors and return it (see the module doc).

    Args:
        include_library: copy the fictional briefings of data/library/ too, not only data/briefings/.

    An existing ``library-{size}`` folder under ``out_dir`` is replaced, so a rebuild leaves no stale files.
    """
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    sources = sources or Sources()
    folder = _briefings_folder(Path(out_dir) / f"library-{size}", include_library, sources)
    pools = [_source_articles(sources.cmrc, "cmrc"), _source_articles(sources.drcd, "drcd")]
    (folder / "distractors").mkdir()
    for article in pick_distractors(pools, size, seed):
        (folder / "distractors" / f"{article.name}.txt").write_text(article.text(), encoding="utf-8")
    (folder / "NOTICE").write_text(NOTICE, encoding="utf-8")
    return folder


def library_folder(
    out_dir: Path | str, size: int, include_library: bool = True, sources: Sources | None = None
) -> Path:
    """``build_library`` for a ``size`` of at least 1; for 0, ``library-0/`` holds the briefings alone."""
    if size != 0:
        return build_library(out_dir, size, include_library, sources)
    return _briefings_folder(Path(out_dir) / "library-0", include_library, sources or Sources())


def _briefings_folder(folder: Path, include_library: bool, sources: Sources) -> Path:
    """``folder`` emptied, then holding ``briefings/``."""
    if folder.exists():
        shutil.rmtree(folder)
    briefings = (sources.briefings, sources.library) if include_library else (sources.briefings,)
    _copy_briefings(briefings, folder / "briefings")
    return folder
