"""How long work tells its caller how far it got: one callback shape for every stage."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
"""Hears ``(done, total)``: how many items are finished out of how many, after each step."""


def no_progress(done: int, total: int) -> None:
    """The default ``Progress``: nobody is listening."""
