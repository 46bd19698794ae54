"""What the warehouse knows of each source besides its facts: the registry's flags, as the `source_info` table.

Views and identity SQL read a property (`reseller`, `hub`) from this table instead of naming source ids, so a
new reseller or hub is one flag on its `Source`. The table is rewritten from the registry, together with the
provider aliases (`identity/providers.toml`), whenever the writer opens the warehouse.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from importlib import resources
from typing import Protocol

import duckdb

from collectors.registry import SOURCES


class SourceLike(Protocol):
    id: str
    kind: str
    reseller: bool
    hub: bool
    labels_licences: bool


def record_sources(con: duckdb.DuckDBPyConnection, sources: Iterable[SourceLike]) -> None:
    """Make `source_info` list exactly `sources`; writes nothing when it already does."""
    wanted = sorted((s.id, s.kind, s.reseller, s.hub, s.labels_licences) for s in sources)
    if sorted(con.execute("SELECT source, kind, reseller, hub, labels_licences FROM source_info").fetchall()) == wanted:
        return
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM source_info")
        con.executemany("INSERT INTO source_info (source, kind, reseller, hub, labels_licences) "
                        "VALUES (?, ?, ?, ?, ?)", wanted)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def provider_aliases() -> dict[str, str]:
    """The packaged provider aliases (a source's provider name → the one prices are compared under)."""
    text = (resources.files("warehouse.identity") / "providers.toml").read_text(encoding="utf-8")
    return dict(tomllib.loads(text)["aliases"])


def record_provider_aliases(con: duckdb.DuckDBPyConnection) -> None:
    """Add the packaged aliases the table lacks; rows already there (a user's own) are left as they are."""
    known = {r[0] for r in con.execute("SELECT alias FROM price_provider_alias").fetchall()}
    missing = [(a, p) for a, p in provider_aliases().items() if a not in known]
    if missing:
        con.executemany("INSERT INTO price_provider_alias VALUES (?, ?)", missing)


def sync(con: duckdb.DuckDBPyConnection) -> None:
    """Bring `source_info` and the provider aliases up to date with the registry and the packaged file."""
    record_sources(con, SOURCES)
    record_provider_aliases(con)
