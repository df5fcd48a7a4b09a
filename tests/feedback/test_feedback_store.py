"""The SQLite verdict store: durable, paged, shared between threads, and clear when the file is unusable."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from feedback.store import FeedbackStore, FeedbackStoreError, Verdict


def verdict(n: int, kind: str = "up") -> Verdict:
    return Verdict(f"天使母基金规模多大？{n}", f"doc#{n:04d}", kind, "doc", "v000001", start=n, end=n + 10)


def test_verdicts_come_back_in_order_with_ids_and_times(tmp_path: Path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    added = [store.add(verdict(n, "up" if n % 2 else "down")) for n in range(5)]
    page, total = store.page(offset=1, limit=2)
    assert total == 5
    assert [v.passage_id for v in page] == ["doc#0001", "doc#0002"]
    assert [v.verdict for v in page] == ["up", "down"]
    assert page[0].id == added[1].id and page[0].created_at == added[1].created_at != ""


def test_a_second_store_on_the_same_file_sees_every_verdict(tmp_path: Path):
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path).add(verdict(1))
    assert [v.question for v in FeedbackStore(path).all()] == ["天使母基金规模多大？1"]


def test_threads_writing_at_once_lose_nothing(tmp_path: Path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")

    def post(worker: int) -> None:
        for n in range(25):
            store.add(verdict(worker * 100 + n))

    threads = [threading.Thread(target=post, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({v.passage_id for v in store.all()}) == 200


def test_a_bad_verdict_value_is_refused_by_the_schema(tmp_path: Path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    with pytest.raises(FeedbackStoreError, match=r"feedback\.sqlite3"):
        store.add(verdict(1, "maybe"))
    assert store.page()[1] == 0


def test_an_unusable_path_names_the_file(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(FeedbackStoreError, match="cannot open the feedback file"):
        FeedbackStore(blocker / "feedback.sqlite3")
