"""The library benchmark run: for each library size, build the folder, index it, and score every
question set in every mode, with the hybrid answer sentences and abstentions.

Each size gets its own data folder (``work/index-{size}/``); passage and sentence vectors come from
one on-disk cache (``evaluation.passage_cache``), so the libraries, nested in one another, embed
each text once, and a re-run embeds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from briefqa.runtime import make_builder, make_searcher
from briefqa.settings import PROJECT_ROOT, Settings
from evaluation.answers import AnswerCounts, count_answers
from evaluation.library import library_folder
from evaluation.metrics import EvalResult, Retriever, run_eval
from evaluation.passage_cache import CachedPassages
from evaluation.questions import Question, load_questions
from evaluation.runner import PrecomputedQueries, retriever
from index.embedding import Embedder
from index.search import MODES, Searcher
from text.progress import Progress

QUESTIONS = PROJECT_ROOT / "evaluation" / "questions"
DEFAULT_SETS = tuple(
    QUESTIONS / f"{name}.jsonl"
    for name in ("briefing", "library", "library-heldout", "offtopic", "library-unanswerable")
)

StageProgress = Callable[[str, int, int], None]
"""Hears ``(stage, done, total)``: "embedding passages", "retrieving briefing", "answering briefing" …"""


def _silent(stage: str, done: int, total: int) -> None:
    """The default ``StageProgress``: nobody is listening."""


@dataclass(frozen=True)
class QuestionSet:
    name: str
    questions: tuple[Question, ...]

    @property
    def answerable(self) -> bool:
        return any(q.answerable for q in self.questions)

    @property
    def unanswerable(self) -> bool:
        return any(not q.answerable for q in self.questions)


@dataclass(frozen=True)
class SetScores:
    """One question set on one library: retrieval per mode (none for a set of unanswerable
    questions) and the hybrid answers."""

    name: str
    by_mode: dict[str, EvalResult]
    answers: AnswerCounts


@dataclass(frozen=True)
class SizeScores:
    """Every set on the library of ``size`` distractors (``documents`` in all, ``passages`` indexed)."""

    size: int
    documents: int
    passages: int
    sets: tuple[SetScores, ...]


def load_sets(paths: Sequence[Path]) -> list[QuestionSet]:
    """The question sets, each named by its file (or folder) stem."""
    return [QuestionSet(Path(path).stem, tuple(load_questions(path))) for path in paths]


def run_library_eval(
    sizes: Sequence[int],
    sets: Sequence[QuestionSet],
    settings: Settings,
    embedder: Embedder,
    work: Path,
    k: int = 10,
    progress: StageProgress = _silent,
    measured: Callable[[list[SizeScores]], object] = list,
    include_library: bool = True,
) -> list[SizeScores]:
    """Score ``sets`` on the library of each size (0: the briefings alone), built under ``work``;
    ``measured`` hears the scores so far after each size (a long run reports as it goes);
    ``include_library``: data/library's issues beside data/briefings (else the bundled one alone)."""
    cache_dir = settings.cache_dir / "eval"
    passages = CachedPassages(embedder, cache_dir)
    try:
        asking = PrecomputedQueries(passages, [q.text for s in sets for q in s.questions], cache_dir)
        scores: list[SizeScores] = []
        for size in sizes:
            scores.append(_measure(size, sets, settings, asking, work, k, progress, include_library))
            measured(list(scores))
        return scores
    finally:
        passages.close()


def _measure(
    size: int,
    sets: Sequence[QuestionSet],
    settings: Settings,
    embedder: Embedder,
    work: Path,
    k: int,
    progress: StageProgress,
    include_library: bool,
) -> SizeScores:
    """Build and index the library of ``size``, then score every set on it."""

    def staged(stage: str, done: int, total: int) -> None:
        progress(f"library-{size} {stage}", done, total)

    folder = library_folder(work, size, include_library)
    sized = settings.model_copy(update={"data_dir": work / f"index-{size}"})
    builder = make_builder(sized, embedder)
    embedding = partial(staged, "embedding passages")
    builder.sync_own_folder([folder], progress=embedding)
    index = builder.load()
    searcher = make_searcher(sized, index, embedder)
    scores = tuple(_score_set(s, searcher, k, staged) for s in sets)
    return SizeScores(size, len(index.documents), len(index.passages), scores)


def _score_set(questions: QuestionSet, searcher: Searcher, k: int, progress: StageProgress) -> SetScores:
    by_mode = {}
    if questions.answerable:
        asked = sum(q.answerable for q in questions.questions) * len(MODES)
        retrieve = _counted(retriever(searcher), asked, lambda d, t: progress(f"retrieving {questions.name}", d, t))
        by_mode = run_eval(questions.questions, retrieve, MODES, k)
    answers = count_answers(questions.questions, searcher, lambda d, t: progress(f"answering {questions.name}", d, t))
    return SetScores(questions.name, by_mode, answers)


def _counted(retrieve: Retriever, total: int, progress: Progress) -> Retriever:
    """``retrieve``, telling ``progress`` after each call how many of ``total`` were made."""
    calls = 0

    def counting(question: str, top: int, mode: str) -> list[tuple[str, str]]:
        nonlocal calls
        ranked = retrieve(question, top, mode)
        calls += 1
        progress(calls, total)
        return ranked

    return counting
