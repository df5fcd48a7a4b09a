"""Feedback over real HTTP: verdicts survive SIGKILL, 16 clients at once lose none, the export is scored by eval."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from evaluation.questions import load_questions
from evaluation.runner import evaluate
from tests.fakes import HashingEmbedder
from tests.helpers import free_port, settings_for
from tests.service.harness import ADMIN_KEY

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [q.text for q in load_questions(ROOT / "evaluation" / "questions" / "briefing.jsonl")]
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


@contextmanager
def server(data_dir: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, "BRIEFQA_DATA_DIR": str(data_dir), "BRIEFQA_ADMIN_KEY": ADMIN_KEY}
    process = subprocess.Popen([sys.executable, "-m", "tests.fake_server", str(port)], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while not _ready(base):
            assert time.monotonic() < deadline and process.poll() is None, "server did not start"
            time.sleep(0.2)
        yield base, process
    finally:
        process.kill()
        process.wait()


def _ready(base: str) -> bool:
    try:
        return httpx.get(base + "/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def judge(base: str, question: str) -> dict:
    top = httpx.post(base + "/v1/ask", json={"question": question, "top_k": 1}, timeout=30).json()["passages"][0]
    posted = httpx.post(base + "/v1/feedback", json={"question": question, "passage_id": top["id"], "verdict": "up"})
    assert posted.status_code == 201, posted.text
    return posted.json()


def listed(base: str) -> list[dict]:
    body = httpx.get(base + "/v1/feedback", params={"limit": 500}, headers=ADMIN, timeout=30).json()
    verdicts = body["verdicts"]
    while len(verdicts) < body["total"]:
        more = httpx.get(base + "/v1/feedback", params={"offset": len(verdicts), "limit": 500}, headers=ADMIN).json()
        verdicts += more["verdicts"]
    return verdicts


def test_verdicts_survive_sigkill_concurrent_posts_lose_none_and_export_is_scored(fresh_data_dir: Path):
    with server(fresh_data_dir) as (base, process):
        posted = [judge(base, q) for q in QUESTIONS[:20]]
        os.kill(process.pid, signal.SIGKILL)
    with server(fresh_data_dir) as (base, _):
        assert [v["id"] for v in listed(base)] == [v["id"] for v in posted]
        passage = posted[0]["passage_id"]

        def client(worker: int) -> int:
            with httpx.Client(base_url=base, timeout=30) as http:
                body = {"question": f"第{worker}位读者的问题", "passage_id": passage, "verdict": "down"}
                return sum(http.post("/v1/feedback", json=body).status_code == 201 for _ in range(50))

        with ThreadPoolExecutor(16) as pool:
            accepted = sum(pool.map(client, range(16)))
        stored = listed(base)
        print(f"16 clients x 50 verdicts: {accepted} accepted, {len(stored) - 20} stored")
        assert accepted == 800 and len(stored) == 820
    out = fresh_data_dir / "feedback.jsonl"
    env = {**os.environ, "BRIEFQA_DATA_DIR": str(fresh_data_dir)}
    exported = subprocess.run(
        [sys.executable, "-m", "cli", "feedback", "export", str(out)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert exported.returncode == 0, exported.stderr
    assert "16 questions had no passage marked right" in exported.stderr
    questions = load_questions(out)
    assert len(questions) == 20 and all(q.gold_ids for q in questions)
    settings = settings_for(fresh_data_dir)
    scored = evaluate(out, questions, settings, HashingEmbedder(), ["hybrid"], 10)["hybrid"]
    # The gold passages are what hybrid ranked first for the same questions and index: all found first again.
    assert scored.overall["hit@1"] == 1.0 and scored.evaluated == 20
