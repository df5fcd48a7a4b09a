"""The OpenAPI document, completed with what depends on the settings: key schemes and the question limit.

The question limit and whether reads need a key are deployment settings, so FastAPI cannot know them
from the models; stating them here keeps the published schema true for this server (Schemathesis
tests the server against it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from briefqa.settings import Settings
from service.security import needs_admin

SCHEMES = {
    "bearerKey": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer KEY"},
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "X-API-Key: KEY"},
}
KEYED: list[dict[str, list[str]]] = [{"bearerKey": []}, {"apiKeyHeader": []}]  # either header will do


def openapi_for(app: FastAPI, settings: Settings) -> Callable[[], dict[str, Any]]:
    """A replacement for ``app.openapi`` that builds the document once, with the settings applied."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=[{"name": "v1", "description": "The stable v1 API."}],
            )
            _limit_question(schema, settings.max_question_chars)
            _declare_keys(schema, reads_keyed=bool(settings.api_keys))
            app.openapi_schema = schema
        return app.openapi_schema

    return build


def _limit_question(schema: dict[str, Any], limit: int) -> None:
    question = schema["components"]["schemas"]["AskIn"]["properties"]["question"]
    question["maxLength"] = limit
    question["description"] = f"The question, in Chinese or English; at most {limit} characters."


def _declare_keys(schema: dict[str, Any], reads_keyed: bool) -> None:
    """Writes always need the admin key; reads only when read keys are configured."""
    schema["components"]["securitySchemes"] = SCHEMES
    for path, operations in schema["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            if reads_keyed or needs_admin(method.upper(), path):
                operation["security"] = KEYED
