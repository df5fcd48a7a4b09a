"""The re-ranker: its features, the learned model it ships, and learning one (fake embedder)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from evaluation.rerank_training import Group, compare, fit
from index.evidence import SentenceEvidence
from index.query import analyse
from index.rerank import FEATURES, LEARNED, Candidate, LinearModel, Rerank, features, read_model, scores
from index.search import Searcher
from ingest.documents import Passage
from text.terms import Analyzer

QUESTION = "广州的天使母基金规模多大？"


def candidate(text: str, dense: tuple[int, float] | None, bm25: tuple[int, float] | None, fused: float) -> Candidate:
    passage = Passage("d#1", "d", 0, len(text), text, "基金")
    return Candidate(passage, fused, dense, bm25, (SentenceEvidence(0, len(text), None, 0.5, 0.5, True),), "", 0)


def test_features_are_one_row_per_candidate_with_gaps_against_the_best():
    query = analyse(QUESTION, Analyzer(), lambda term: True)
    rows = features(
        [
            candidate("广州天使母基金规模100亿元。", (1, 0.9), (2, 8.0), 1.5),
            candidate("深圳也设立了天使母基金。", None, (1, 10.0), 0.5),
        ],
        query,
        10,
    )
    assert rows.shape == (2, len(FEATURES))
    named = dict(zip(FEATURES, rows.T, strict=True))
    assert named["dense_gap"][0] == 0 and named["dense_gap"][1] < 0  # unranked by the dense leg: below its lowest
    assert named["bm25_share"].tolist() == [0.8, 1.0]
    assert named["bm25_unranked"].tolist() == [0, 0]
    assert named["passage_coverage"][0] > named["passage_coverage"][1]  # 广州 is in the first only


def test_the_shipped_model_reads_and_names_this_version_s_features():
    model = read_model(LEARNED)
    assert model.weights.shape == (len(FEATURES),) and np.all(model.scale > 0)
    body = json.loads(LEARNED.read_text(encoding="utf-8"))
    assert body["about"]["command"].startswith("briefqa train-rerank")


def test_a_model_for_other_features_is_refused_with_what_to_do(tmp_path: Path):
    body = json.loads(LEARNED.read_text(encoding="utf-8"))
    body["features (mean, scale, weight)"].pop(FEATURES[0])
    stale = tmp_path / "reranker.json"
    stale.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        read_model(stale)


def test_fitting_learns_the_feature_that_tells_answers_apart():
    rng = np.random.default_rng(7)
    at = FEATURES.index("sentence_coverage")
    groups = []
    for n in range(60):
        rows = rng.normal(size=(10, len(FEATURES)))
        relevant = np.zeros(10, dtype=bool)
        relevant[n % 10] = True
        rows[relevant, at] += 4.0  # the answer holds more of the question's words; the mix ranks it anywhere
        groups.append(Group(f"q{n}", rows, relevant, rng.normal(size=10)))
    model = fit(groups[:40])
    assert int(np.argmax(model.weights)) == at
    figures = compare(groups[40:], model, 20)
    assert figures["learned"]["hit@1"] >= 0.9 > figures["mix"]["hit@1"]


def reranking(searcher: Searcher, method: str) -> Searcher:
    s = searcher
    return Searcher(s.index, s.embedder, s.analyzer, s.fusion, sentences=s.sentences, rerank=Rerank(method=method))


def test_learned_and_mix_reorder_the_same_passages_and_keep_scores_falling(searcher: Searcher):
    plain = {h.passage.passage_id for h in reranking(searcher, "mix").search(QUESTION, 10).hits}
    for method in ("learned", "mix"):
        hits = reranking(searcher, method).search(QUESTION, 10).hits
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert {h.passage.passage_id for h in hits} == plain
    with pytest.raises(ValueError, match="unknown re-ranker"):
        reranking(searcher, "nonsense").search(QUESTION, 10)


def test_a_learned_model_decides_the_order(searcher: Searcher, monkeypatch: pytest.MonkeyPatch):
    """A model that wants the longest passage first puts it first: the order is the model's."""
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("length")] = 1.0
    model = LinearModel(np.zeros(len(FEATURES)), np.ones(len(FEATURES)), weights, 0.0)
    monkeypatch.setattr("index.rerank.shipped_model", lambda: model)
    hits = reranking(searcher, "learned").search(QUESTION, 10).hits
    lengths = [len(h.passage.text) for h in hits]
    assert len(hits) == 10 and lengths == sorted(lengths, reverse=True)


def test_auto_scores_single_sentences_with_the_learned_model_and_paragraphs_with_the_mix():
    query = analyse(QUESTION, Analyzer(), lambda term: True)
    single = [
        candidate("广州天使母基金规模100亿元。", (1, 0.9), (2, 8.0), 1.5),
        candidate("深圳也设立了天使母基金。", None, (1, 10.0), 0.5),
    ]
    sentence = SentenceEvidence(0, 5, None, 0.1, 0.1, False)
    paragraphs = [replace(c, sentences=(*c.sentences, sentence)) for c in single]
    for few, like in ((single, "learned"), (paragraphs, "mix")):
        assert scores(few, query, Rerank(method="auto")) == scores(few, query, Rerank(method=like))
    assert scores(single, query, Rerank(method="learned")) != scores(single, query, Rerank(method="mix"))
