"""BM25's top-k selection: the sampled-floor shortcut returns exactly what a full sort would."""

from __future__ import annotations

import numpy as np
import pytest

from index.keyword import _top_rows


@pytest.mark.parametrize("positive_share", [1.0, 0.3, 0.001])
def test_top_rows_equal_a_full_stable_sort(positive_share: float) -> None:
    rng = np.random.default_rng(7)
    scores = rng.gamma(2.0, 1.0, 200_000).astype(np.float32)
    scores[rng.random(len(scores)) > positive_share] = 0.0
    k = min(50, int(np.count_nonzero(scores)))
    expected = np.argsort(-scores, kind="stable")[:k]
    assert _top_rows(scores, k).tolist() == expected.tolist()


def test_ties_rank_the_lower_row_first() -> None:
    scores = np.zeros(10_000, dtype=np.float32)
    scores[[9_000, 12, 4_000]] = 2.5
    assert _top_rows(scores, 3).tolist() == [12, 4_000, 9_000]


def test_alternatives_count_each_word_once_however_many_forms_it_has():
    from index.keyword import KeywordIndex

    # Passage 0 holds three forms of one word; passage 1 holds one form of it and another word.
    index = KeywordIndex.build([["x1", "x2", "x3"], ["x1", "y"], ["z"], ["z"]])
    word_x, word_y = [["x1"], ["x2"], ["x3"]], [["y"]]
    plain = index.search(["x1", "x2", "x3", "y"], 2)
    assert plain[0][0] == 0  # summing every form favours the passage that repeats one word
    grouped = index.search_alternatives([word_x, word_y], 2)
    assert grouped[0][0] == 1  # counted once, the passage with both words wins
    assert index.search_alternatives([[["unknown"]]], 2) == []


def test_allowed_rows_keep_their_scores_and_the_others_drop_out():
    from index.keyword import KeywordIndex

    index = KeywordIndex.build([["x1", "y"], ["x1"], ["x1", "x1", "y"], ["z"], ["y"]])
    everywhere = dict(index.search(["x1", "y"], 5))
    allowed = np.array([1, 2, 3])
    masked = index.search(["x1", "y"], 5, allowed)
    assert [row for row, _ in masked] == [
        row for row in sorted(everywhere, key=lambda r: -everywhere[r]) if row in {1, 2}
    ]
    assert all(score == everywhere[row] for row, score in masked)
    grouped = index.search_alternatives([[["x1"]], [["y"]]], 5, allowed)
    assert dict(grouped) == dict(masked)
    assert index.search(["z"], 5, np.array([0, 1])) == []
