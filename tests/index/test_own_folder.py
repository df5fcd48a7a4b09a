"""A benchmark's own index folder: a version another model built is started again, not an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefqa.runtime import make_builder
from index.errors import IndexMismatchError
from tests.fakes import HashingEmbedder
from tests.helpers import BRIEFING, settings_for


def test_a_folder_another_model_filled_is_rebuilt_for_this_one(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    make_builder(settings, HashingEmbedder(64)).sync([BRIEFING])
    other = make_builder(settings, HashingEmbedder(32))
    with pytest.raises(IndexMismatchError):
        other.sync([BRIEFING])
    report = other.sync_own_folder([BRIEFING])
    index = other.current()
    assert index is not None and index.vectors.shape[1] == 32 and report.embedded_passages == len(index.passages)
