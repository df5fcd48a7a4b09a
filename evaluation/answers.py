"""The answer sentence and abstention, judged as the API gives them: does the sentence hold a gold
answer, and does the service stay silent where it should (and only there)?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evaluation.metrics import is_relevant
from evaluation.questions import Question
from index.answering import answer_question
from index.search import Searcher
from text.progress import Progress, no_progress

API_TOP_K = 5  # POST /v1/ask's default top_k: abstention looks at the hits it returns


@dataclass(frozen=True)
class Answered:
    """What the API would say: the answer sentence (None when there is none) and its document."""

    text: str | None
    doc_id: str | None
    abstained: bool


def answer_of(searcher: Searcher, question: str, mode: str = "hybrid") -> Answered:
    """Ask as POST /v1/ask does. The one place that knows the search and answering interface."""
    answer, abstained = answer_question(searcher.search(question, API_TOP_K, mode))
    if answer is None or abstained:
        return Answered(None, None, abstained)
    return Answered(answer.text, answer.doc_id, abstained)


@dataclass(frozen=True)
class AnswerCounts:
    """Answer sentences and abstentions over one question set.

    Attributes:
        answerable: questions with gold answers or gold ids.
        scored: those with gold answer strings, which an answer sentence can be checked against.
        held: answer sentences holding a gold answer (inside a gold document, when the question names one).
        false_abstentions: answerable questions the service declined to answer.
        unanswerable: questions with neither answers nor gold ids (off-topic, not in the corpus).
        abstained: unanswerable questions it declined to answer, as it should.
    """

    answerable: int = 0
    scored: int = 0
    held: int = 0
    false_abstentions: int = 0
    unanswerable: int = 0
    abstained: int = 0

    @property
    def answer_rate(self) -> float | None:
        return self.held / self.scored if self.scored else None

    @property
    def abstention_rate(self) -> float | None:
        return self.abstained / self.unanswerable if self.unanswerable else None


def holds_answer(question: Question, answered: Answered) -> bool:
    """Whether the answer sentence contains a gold answer, judged like a retrieved passage."""
    if answered.text is None or answered.doc_id is None or not question.answers:
        return False
    return is_relevant(question, answered.doc_id, answered.text)


def count_answers(questions: Sequence[Question], searcher: Searcher, progress: Progress = no_progress) -> AnswerCounts:
    """Ask every question in hybrid mode and count held answers and abstentions."""
    answerable = scored = held = false_abstentions = unanswerable = abstained = 0
    for done, question in enumerate(questions, start=1):
        answered = answer_of(searcher, question.text)
        if question.answerable:
            answerable += 1
            scored += bool(question.answers)
            held += holds_answer(question, answered)
            false_abstentions += answered.abstained
        else:
            unanswerable += 1
            abstained += answered.abstained
        progress(done, len(questions))
    return AnswerCounts(answerable, scored, held, false_abstentions, unanswerable, abstained)
