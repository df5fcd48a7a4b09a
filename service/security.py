"""API keys: read keys for /v1, the admin key for writes; compared in constant time, never logged."""

from __future__ import annotations

import hmac

from fastapi import Request

from briefqa.settings import Settings


class Unauthorized(Exception):
    """Missing or wrong key; one message for both so callers learn nothing from the difference."""


def _presented(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key")


def _matches(presented: str | None, keys: list[str]) -> bool:
    if presented is None:
        return False
    # Check every key (no early exit) so timing does not tell how many keys there are.
    return any([hmac.compare_digest(presented.encode(), key.encode()) for key in keys])


def check_read(request: Request, settings: Settings) -> None:
    keys = [k.get_secret_value() for k in settings.api_keys]
    if settings.admin_key:
        keys.append(settings.admin_key.get_secret_value())
    if settings.api_keys and not _matches(_presented(request), keys):
        raise Unauthorized


def check_admin(request: Request, settings: Settings) -> None:
    if settings.admin_key is None or not _matches(_presented(request), [settings.admin_key.get_secret_value()]):
        raise Unauthorized
