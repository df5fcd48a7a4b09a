"""The benchmark's data: CMRC 2018 sentences, questions and articles (real Chinese text)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from briefqa.settings import PROJECT_ROOT
from evaluation.cmrc import build_cmrc_sentences

CMRC_SOURCE = PROJECT_ROOT / "data" / "cmrc2018"
BENCH_DIR = PROJECT_ROOT / "var" / "bench"
CMRC_DIR = BENCH_DIR / "cmrc-sentences"


@dataclass(frozen=True)
class Cmrc:
    """CMRC as sentence retrieval: corpus sentences, questions, and each question's gold sentence rows."""

    sentences: list[str]
    questions: list[str]
    gold: list[frozenset[int]]

    def first(self, sentences: int) -> Cmrc:
        """The first ``sentences`` sentences and the questions whose gold lies among them."""
        kept = [
            (q, frozenset(g for g in gold if g < sentences)) for q, gold in zip(self.questions, self.gold, strict=True)
        ]
        kept = [(q, g) for q, g in kept if g]
        return Cmrc(self.sentences[:sentences], [q for q, _ in kept], [g for _, g in kept])


def load_cmrc(folder: Path = CMRC_DIR) -> Cmrc:
    """Read the BEIR-layout CMRC sentence benchmark, building it from ``data/cmrc2018`` if missing."""
    if not (folder / "qrels.tsv").is_file():
        build_cmrc_sentences(CMRC_SOURCE, folder)
    corpus = [json.loads(line) for line in (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    row = {doc["_id"]: i for i, doc in enumerate(corpus)}
    queries = [json.loads(line) for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    gold: dict[str, set[int]] = {}
    for line in (folder / "qrels.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        query_id, corpus_id, _ = line.split("\t")
        gold.setdefault(query_id, set()).add(row[corpus_id])
    kept = [q for q in queries if q["_id"] in gold]
    return Cmrc([d["text"] for d in corpus], [q["text"] for q in kept], [frozenset(gold[q["_id"]]) for q in kept])


def write_articles(out_dir: Path, count: int) -> list[Path]:
    """Write the first ``count`` CMRC dev articles as plain-text documents (title line, then text) to ingest."""
    data = json.loads((CMRC_SOURCE / "cmrc2018_dev.json").read_text(encoding="utf-8"))["data"]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for article in data[:count]:
        text = "\n".join([article["title"], *(p["context"] for p in article["paragraphs"])]) + "\n"
        path = out_dir / f"{article['id']}.txt"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def distinct_questions(cmrc: Cmrc, count: int, offset: int = 0) -> list[str]:
    """``count`` questions never asked before in this run (a numbered variant once the set runs out),
    so that the query cache never answers for the model."""
    pool = list(dict.fromkeys(cmrc.questions))
    return [
        pool[i % len(pool)] + ("" if i < len(pool) else f"（{i // len(pool)}）") for i in range(offset, offset + count)
    ]
