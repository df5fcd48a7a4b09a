"""Which versions exist, which one the alias serves, and deleting the others.

A version is complete once its passages collection says ``briefqa.state = built``; what a writer
killed mid-ingest left (state ``building``) is removed by the next ingest. The aliased collection
is never dropped: Lite drops the alias with it, failing every reader.
"""

from __future__ import annotations

import re

from pymilvus import MilvusClient, MilvusException

from index.backends.milvus.client import MilvusConfig, call, unavailable
from index.backends.milvus.schema import SUFFIXES, names

STATE = "briefqa.state"
_VERSION = re.compile(r"^v\d{6,}$")


def current_version(client: MilvusClient, cfg: MilvusConfig) -> str | None:
    """The version the alias names, or None before the first switch."""
    try:
        target = client.describe_alias(cfg.alias, timeout=cfg.timeout)["collection_name"]
    except MilvusException as err:
        if "does not exist" in str(err.message):
            return None
        raise unavailable(err) from err
    except Exception as err:  # grpc errors (a frozen or stopped server)
        raise unavailable(err) from err
    return str(target).removeprefix(cfg.prefix)


def _states(client: MilvusClient, cfg: MilvusConfig) -> dict[str, str]:
    """Every version's state, by name ("" when its passages collection has none)."""
    listed = call(client, cfg, None, lambda: client.list_collections(timeout=cfg.timeout))
    found = {n.removeprefix(cfg.prefix) for n in listed if n.startswith(cfg.prefix)}
    versions = {_version_of(n) for n in found if _VERSION.match(_version_of(n))}
    states = {}
    for version in versions:
        main = names(cfg.prefix, version)[0]
        props = {} if version not in found else _properties(client, cfg, main)
        states[version] = props.get(STATE, "")
    return states


def _version_of(name: str) -> str:
    for suffix in SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def _properties(client: MilvusClient, cfg: MilvusConfig, name: str) -> dict[str, str]:
    described = call(client, cfg, name, lambda: client.describe_collection(name, timeout=cfg.timeout))
    return dict(described.get("properties") or {})


def list_versions(client: MilvusClient, cfg: MilvusConfig) -> list[str]:
    """Complete versions, oldest first (names are zero-padded sequence numbers)."""
    return sorted(v for v, state in _states(client, cfg).items() if state == "built")


def next_version(client: MilvusClient, cfg: MilvusConfig) -> str:
    taken = [int(v[1:]) for v in _states(client, cfg)]
    return f"v{max(taken, default=0) + 1:06d}"


def remove_unfinished(client: MilvusClient, cfg: MilvusConfig) -> list[str]:
    """Drop the collections of versions a killed writer left half-written."""
    served = current_version(client, cfg)
    doomed = [v for v, state in _states(client, cfg).items() if state != "built" and v != served]
    _drop(client, cfg, doomed)
    return doomed


def prune(client: MilvusClient, cfg: MilvusConfig, keep: int) -> list[str]:
    """Drop all but the newest ``keep`` complete versions, never the served one."""
    served = current_version(client, cfg)
    versions = list_versions(client, cfg)
    doomed = [v for v in versions[: max(len(versions) - keep, 0)] if v != served]
    _drop(client, cfg, doomed)
    return doomed


def _drop(client: MilvusClient, cfg: MilvusConfig, versions: list[str]) -> None:
    for version in versions:
        for name in names(cfg.prefix, version):
            if call(client, cfg, None, lambda n=name: client.has_collection(n, timeout=cfg.timeout)):  # type: ignore[misc]
                call(client, cfg, None, lambda n=name: client.drop_collection(n, timeout=cfg.timeout))  # type: ignore[misc]


def switch(client: MilvusClient, cfg: MilvusConfig, version: str) -> None:
    """Point the alias at a complete version: readers see it on their next poll (atomic)."""
    main = names(cfg.prefix, version)[0]
    if _properties(client, cfg, main).get(STATE) != "built":
        raise RuntimeError(f"{main} is not complete")
    if current_version(client, cfg) is None:
        call(client, cfg, None, lambda: client.create_alias(main, cfg.alias, timeout=cfg.timeout))
    else:
        call(client, cfg, None, lambda: client.alter_alias(main, cfg.alias, timeout=cfg.timeout))
