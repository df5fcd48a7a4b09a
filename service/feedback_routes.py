"""Readers' verdicts: POST /v1/feedback (read key, rate-limited like questions), GET /v1/feedback (admin key)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AfterValidator, BaseModel, Field

from feedback.store import FeedbackStore, FeedbackStoreError, Verdict
from service.errors import ApiError, echo
from service.routes import ServedDep, error_responses, json_only
from service.schemas import Question, Strict, plain_text
from service.state import Served

router = APIRouter(prefix="/v1", tags=["feedback"])
PassageId = Annotated[str, Field(min_length=1, max_length=240, pattern=r"^\w[\w.\-]{0,199}#\d{1,8}$")]


class FeedbackIn(Strict):
    question: Annotated[Question, Field(max_length=500)]
    passage_id: PassageId = Field(description="The judged passage (for the answer: the passage it was taken from).")
    verdict: Literal["up", "down"]
    target: Literal["passage", "answer"] = Field("passage", description="A passage, or the answer sentence.")
    answers_question: bool = Field(False, description="The reader says this passage answers the question.")
    answer_start: int | None = Field(
        None,
        ge=0,
        le=10_000_000,
        description="The answer's start in the document (an empty or half-given span is kept, not used).",
    )
    answer_end: int | None = Field(None, ge=0, le=10_000_000, description="The answer's end in the document.")
    index_version: Annotated[str, Field(max_length=80), AfterValidator(plain_text)] | None = Field(
        None, description="The index_version of the response judged (default: the one serving now)."
    )


class VerdictOut(BaseModel):
    id: int
    created_at: str
    question: str
    passage_id: str
    verdict: str
    target: str
    answers_question: bool
    doc_id: str
    start: int | None
    end: int | None
    answer_start: int | None
    answer_end: int | None
    index_version: str
    mapped: bool = Field(description="Whether the passage was found in the served version (offsets known).")


class FeedbackPage(BaseModel):
    verdicts: list[VerdictOut]
    total: int
    offset: int
    limit: int


def feedback_store(request: Request) -> FeedbackStore:
    """The app's store, opened on first use: an unusable file is a 503 naming it, and the search API lives on."""
    app = request.app
    if getattr(app.state, "feedback", None) is None:
        try:
            app.state.feedback = FeedbackStore(app.state.feedback_path)
        except FeedbackStoreError as err:
            raise ApiError(503, "feedback_unavailable", str(err), {"Retry-After": "30"}) from err
    return app.state.feedback  # type: ignore[no-any-return]


StoreDep = Annotated[FeedbackStore, Depends(feedback_store)]


def _verdict(body: FeedbackIn, current: Served) -> Verdict:
    """The verdict with the judged passage's place: a response of an older version is kept unmapped."""
    index = current.searcher.index
    doc_id = body.passage_id.split("#", 1)[0]
    judged = (body.question, body.passage_id, body.verdict)
    if body.index_version not in (None, current.version):
        return Verdict(*judged, doc_id, str(body.index_version), body.target, body.answers_question)
    passage = next((p for p in index.passages_of(doc_id) if p.passage_id == body.passage_id), None)
    if passage is None:
        raise ApiError(404, "passage_not_found", f"no passage {echo(body.passage_id)} in {current.version}")
    document = index.documents[passage.doc_id]
    if body.answer_end is not None and body.answer_end > len(document.text):
        raise ApiError(422, "answer_out_of_range", f"answer_end is past the end of {echo(doc_id)}")
    return Verdict(
        *judged, passage.doc_id, current.version, body.target, body.answers_question,
        document.sha256, passage.start, passage.end, body.answer_start, body.answer_end,
    )  # fmt: skip


def _out(v: Verdict) -> VerdictOut:
    fields = {k: val for k, val in asdict(v).items() if k != "doc_sha256"}
    return VerdictOut(**fields, mapped=v.start is not None)


@router.post(
    "/feedback",
    status_code=201,
    response_model=VerdictOut,
    dependencies=[Depends(json_only)],
    responses=error_responses(400, 401, 404, 413, 415, 422, 429, 503),
    summary="Mark an answer or a cited passage right (up) or wrong (down)",
)
def post_feedback(body: FeedbackIn, current: ServedDep, store: StoreDep) -> VerdictOut:
    try:
        return _out(store.add(_verdict(body, current)))
    except FeedbackStoreError as err:
        raise ApiError(503, "feedback_unavailable", str(err), {"Retry-After": "30"}) from err


@router.get(
    "/feedback",
    response_model=FeedbackPage,
    responses=error_responses(401, 403, 503),
    summary="Readers' verdicts, oldest first (admin key)",
)
def list_feedback(
    store: StoreDep,
    offset: Annotated[int, Query(ge=0, le=100_000_000, description="Verdicts to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=500, description="Verdicts per page.")] = 50,
) -> FeedbackPage:
    verdicts, total = store.page(offset, limit)
    return FeedbackPage(verdicts=[_out(v) for v in verdicts], total=total, offset=offset, limit=limit)
