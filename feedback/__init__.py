"""Readers' verdicts on answers and passages: kept durably, turned into a question set for `briefqa eval`."""

from feedback.export import ExportResult, export_question_set
from feedback.store import FeedbackStore, FeedbackStoreError, Verdict

__all__ = ["ExportResult", "FeedbackStore", "FeedbackStoreError", "Verdict", "export_question_set"]
