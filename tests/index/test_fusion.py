"""Fusing the dense and keyword rankings, and the min-max scaling both fusion and re-ranking use."""

from __future__ import annotations

import pytest

from index.fusion import FusionSettings, fuse_rankings, min_max, tuned_fusion, z_scores


def test_min_max_scales_to_zero_one_and_all_equal_to_one():
    assert min_max([2.0, 4.0, 3.0]) == [0.0, 1.0, 0.5]
    assert min_max([0.7, 0.7]) == [1.0, 1.0]
    assert min_max([5.0]) == [1.0]


def test_weighted_fusion_mixes_scaled_scores_by_the_dense_weight():
    dense = [(1, 0.9), (2, 0.8), (3, 0.7)]
    keyword = [(3, 12.0), (4, 6.0), (1, 2.0)]
    fused = dict(fuse_rankings(dense, keyword, FusionSettings("weighted", dense_weight=0.7)))
    assert fused[1] == pytest.approx(0.7 * 1.0 + 0.3 * 0.0)
    assert fused[2] == pytest.approx(0.7 * 0.5)
    assert fused[3] == pytest.approx(0.7 * 0.0 + 0.3 * 1.0)
    assert fused[4] == pytest.approx(0.3 * 0.4)
    assert [row for row, _ in fuse_rankings(dense, keyword, FusionSettings(dense_weight=0.7))] == [1, 2, 3, 4]


def test_a_heavier_keyword_share_lets_the_keyword_leg_win():
    dense = [(1, 0.9), (2, 0.8)]
    keyword = [(2, 9.0), (1, 1.0)]
    assert fuse_rankings(dense, keyword, FusionSettings(dense_weight=0.7))[0][0] == 1
    assert fuse_rankings(dense, keyword, FusionSettings(dense_weight=0.3))[0][0] == 2


def test_rrf_adds_reciprocal_ranks_whatever_the_scores():
    settings = FusionSettings("rrf", rrf_k=60.0, dense_weight=0.5)
    fused = dict(fuse_rankings([(1, 0.9), (2, 0.1)], [(2, 100.0), (3, 99.0)], settings))
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[3] == pytest.approx(1 / 62)


def test_a_leg_that_found_nothing_leaves_the_other_alone():
    ranking = [(4, 3.0), (2, 1.0)]
    assert fuse_rankings([], ranking, FusionSettings()) == ranking
    assert fuse_rankings(ranking, [], FusionSettings()) == ranking
    assert fuse_rankings([], [], FusionSettings()) == []


def test_z_scores_standardise_and_all_equal_is_zero():
    assert z_scores([1.0, 3.0]) == [-1.0, 1.0]
    assert z_scores([0.7, 0.7]) == [0.0, 0.0]


def test_zscore_fusion_keeps_a_sure_keyword_leg_over_a_flat_dense_one():
    # The footer example: BM25 is sure of row 9 (9.4 against 4.9 next), dense cosines are flat.
    dense = [(1, 0.70), (2, 0.66), (9, 0.65)] + [(10 + i, 0.64 - 0.002 * i) for i in range(47)]
    keyword = [(9, 9.4), (1, 4.9)] + [(100 + i, 4.5 - 0.03 * i) for i in range(48)]
    assert fuse_rankings(dense, keyword, FusionSettings("weighted", dense_weight=0.7))[0][0] == 1
    assert fuse_rankings(dense, keyword, tuned_fusion("zscore"))[0][0] == 9


def test_zscore_fusion_counts_a_row_one_leg_missed_at_that_legs_lowest():
    fused = dict(fuse_rankings([(1, 0.9), (2, 0.5)], [(3, 5.0), (1, 1.0)], FusionSettings("zscore", dense_weight=0.5)))
    assert fused == pytest.approx({1: 0.0, 2: -1.0, 3: 0.0})


def test_tuned_fusion_gives_each_method_its_weights_unless_told():
    assert tuned_fusion("zscore") == FusionSettings("zscore", 60.0, 0.7, 0.5) == FusionSettings()
    assert tuned_fusion("weighted") == FusionSettings("weighted", 60.0, 0.7, 0.6)
    assert tuned_fusion("rrf", 10.0, 0.55, 0.4) == FusionSettings("rrf", 10.0, 0.55, 0.4)
    with pytest.raises(ValueError, match="zscore"):
        tuned_fusion("borda")
