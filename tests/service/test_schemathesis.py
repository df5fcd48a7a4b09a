"""Property-based tests generated from the app's own OpenAPI schema (Schemathesis).

Every operation is called with generated valid data and with generated invalid data; Schemathesis
checks there is no 5xx, that every status, header and body is one the schema documents, that
invalid data is refused, and that auth is enforced where the schema says so (read keys are
configured, so that covers reads too).

Schemathesis' lazy pytest loader (``from_fixture``) does not work with pytest 9, so each operation's
Hypothesis strategy (``APIOperation.as_strategy``) is driven from an ordinary parametrized test.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from service.app import create_app
from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
from tests.service.harness import ADMIN_KEY, READ_KEY

EXAMPLES_PER_RUN = 20  # per operation and mode: about 240 calls, a few seconds
_PATHS = create_app(settings_for(Path("unused")), HashingEmbedder(), watch=False).openapi()["paths"]
OPERATIONS = [(method.upper(), path) for path, methods in _PATHS.items() for method in methods]
# Negative data needs something to break: operations without parameters or body have none.
TAKES_INPUT = {
    (method.upper(), path)
    for path, methods in _PATHS.items()
    for method, operation in methods.items()
    if operation.get("parameters") or operation.get("requestBody")
}
# The schema can say "a binary file" but not "a UTF-8 .txt or .md file": valid-by-schema uploads
# (random bytes, any file name) are rightly refused with the documented 413/415/422.
SCHEMA_CANNOT_SAY = {("POST", "/v1/documents"): [positive_data_acceptance]}
# An invalid upload over the size limit is refused before it is parsed, with 413, which Schemathesis'
# negative-data check does not count as a refusal: that operation's invalid data is checked here instead.
SIZE_CHECKED_FIRST = {("POST", "/v1/documents")}
REFUSALS = {400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429}
CALLS: list[int] = []


@pytest.fixture(scope="module")
def api_schema(fake_briefing_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    data_dir = tmp_path_factory.mktemp("schemathesis") / "data"
    shutil.copytree(fake_briefing_dir, data_dir)
    app_settings = settings_for(data_dir, api_keys=[READ_KEY], admin_key=ADMIN_KEY, max_upload_bytes=4096)
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(app_settings, HashingEmbedder(), watch=False))


def test_every_operation_is_covered() -> None:
    assert len(OPERATIONS) >= 9  # ask, search, list, get, upload, delete, healthz, readyz, metrics


RUNS = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode.value}")
    for method, path in OPERATIONS
    for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    if mode is schemathesis.GenerationMode.POSITIVE or (method, path) in TAKES_INPUT
]


@pytest.mark.parametrize(("method", "path", "mode"), RUNS)
def test_the_operation_keeps_the_promises_of_its_schema(
    api_schema: Any, method: str, path: str, mode: schemathesis.GenerationMode
) -> None:
    operation = api_schema[path][method]
    excluded = SCHEMA_CANNOT_SAY.get((method, path), [])
    refused_here = mode is schemathesis.GenerationMode.NEGATIVE and (method, path) in SIZE_CHECKED_FIRST
    if refused_here:
        excluded = [*excluded, negative_data_rejection]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_RUN, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def call(case: Any) -> None:
        CALLS.append(1)
        # A generous timeout: `make test` runs this on a loaded 2-core machine (Schemathesis' default is 10 s).
        response = case.call_and_validate(headers={"X-API-Key": ADMIN_KEY}, excluded_checks=excluded, timeout=60)
        assert not refused_here or response.status_code in REFUSALS, (response.status_code, response.text[:200])

    call()


def test_schemathesis_made_calls() -> None:
    """Runs after the generated tests (file order): proves they called the API, so they can fail."""
    assert len(CALLS) >= 2 * len(OPERATIONS)
