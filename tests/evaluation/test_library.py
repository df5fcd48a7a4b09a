"""The library benchmark builder on tiny SQuAD-style fixtures: sizes, shares, determinism, layout."""

import json
from collections import Counter

import pytest

from evaluation.library import Sources, build_library, pick_distractors, read_articles
from ingest.pipeline import find_sources


def squad(path, prefix, count, traditional=False):
    word = "這是繁體文章" if traditional else "这是简体文章"
    data = [
        {
            "id": f"{prefix}_{n}",
            "title": "" if n == 0 else f"标题{prefix}{n}",
            "paragraphs": [{"context": f"{word}{n}的第一段。"}, {"context": f"第二段{n}。"}, {"context": "  "}],
        }
        for n in range(count)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": "v1", "data": data}, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def sources(tmp_path):
    (tmp_path / "briefings").mkdir()
    (tmp_path / "briefings" / "real-issue.txt").write_text("真实的一期\n", encoding="utf-8")
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "fictional-issue.txt").write_text("虚构的一期\n", encoding="utf-8")
    (tmp_path / "library" / "README.md").write_text("# not a briefing\n", encoding="utf-8")
    squad(tmp_path / "cmrc" / "dev.json", "DEV", 8)
    squad(tmp_path / "cmrc" / "trial.json", "TRIAL", 4)
    squad(tmp_path / "drcd" / "DRCD_test.json", "T", 6, traditional=True)
    return Sources(tmp_path / "briefings", tmp_path / "library", tmp_path / "cmrc", tmp_path / "drcd")


def names(folder):
    return sorted(p.name for p in folder.glob("*.txt"))


def test_ten_distractors_beside_the_briefings(tmp_path, sources):
    folder = build_library(tmp_path / "out", 10, sources=sources)
    assert folder == tmp_path / "out" / "library-10"
    assert names(folder / "briefings") == ["fictional-issue.txt", "real-issue.txt"]
    picked = names(folder / "distractors")
    assert len(picked) == 10
    assert sum(n.startswith("drcd-") for n in picked) == 3  # 6 of 18 articles are DRCD's
    assert (folder / "NOTICE").is_file()
    assert len(find_sources([folder])) == 12  # NOTICE is not read as a briefing


def test_a_distractor_is_its_title_then_its_paragraphs(tmp_path, sources):
    folder = build_library(tmp_path / "out", 18, sources=sources)
    text = (folder / "distractors" / "drcd-T_3.txt").read_text(encoding="utf-8")
    assert text == "标题T3\n\n這是繁體文章3的第一段。\n\n第二段3。\n"
    untitled = (folder / "distractors" / "cmrc-DEV_0.txt").read_text(encoding="utf-8")
    assert untitled.split("\n", 1)[0] == "DEV_0"


def test_same_seed_same_library_and_smaller_inside_larger(tmp_path, sources):
    first = build_library(tmp_path / "a", 10, sources=sources)
    again = build_library(tmp_path / "b", 10, sources=sources)
    larger = build_library(tmp_path / "a", 15, sources=sources)
    smaller = build_library(tmp_path / "a", 4, sources=sources)
    assert names(first / "distractors") == names(again / "distractors")
    for name in names(first / "distractors"):
        assert (first / "distractors" / name).read_bytes() == (again / "distractors" / name).read_bytes()
    assert (
        set(names(smaller / "distractors")) <= set(names(first / "distractors")) <= set(names(larger / "distractors"))
    )
    other_seed = build_library(tmp_path / "c", 10, sources=sources, seed=7)
    assert names(other_seed / "distractors") != names(first / "distractors")


def test_more_than_there_are_takes_all_and_rebuild_replaces(tmp_path, sources):
    folder = build_library(tmp_path / "out", 1000, sources=sources)
    assert len(names(folder / "distractors")) == 18
    (folder / "distractors" / "stale.txt").write_text("old", encoding="utf-8")
    folder = build_library(tmp_path / "out", 1000, include_library=False, sources=sources)
    assert "stale.txt" not in names(folder / "distractors")
    assert names(folder / "briefings") == ["real-issue.txt"]


def test_bad_size_and_missing_source_are_reported(tmp_path, sources):
    with pytest.raises(ValueError, match="at least 1"):
        build_library(tmp_path / "out", 0, sources=sources)
    with pytest.raises(FileNotFoundError, match="no SQuAD-style"):
        build_library(tmp_path / "out", 5, sources=Sources(sources.briefings, sources.library, tmp_path, sources.drcd))


def test_shares_follow_the_pools(tmp_path):
    squad(tmp_path / "a.json", "A", 30)
    squad(tmp_path / "b.json", "B", 10)
    pools = [read_articles(tmp_path / "a.json", "a"), read_articles(tmp_path / "b.json", "b")]
    assert sources_of(pick_distractors(pools, 10)) == {"a": 8, "b": 2}  # 7.5 and 2.5: the larger pool rounds up
    assert sources_of(pick_distractors(pools, 4)) == {"a": 3, "b": 1}


def sources_of(articles):
    return Counter(article.name.split("-")[0] for article in articles)
