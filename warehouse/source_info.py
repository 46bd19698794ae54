"""What the warehouse knows of each source besides its facts: the registry's declarations, as `source_info`.

jobs/ hands the registry to `sync` whenever the writer opens the warehouse (the warehouse never imports
collectors/). Views and identity SQL read a property (`reseller`, `hub`) from this table instead of naming source
ids, so a new reseller or hub is one flag on its `Source`; the app and `gapwatch status` read a source's label,
kind, retirement, max age and fact tables from it in the published snapshot.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from importlib import resources

import duckdb

from gapwatch.source import Source
from warehouse.facts import table_for

_COLUMNS = ("source", "kind", "reseller", "hub", "labels_licences", "label", "retired", "max_age", "fact_tables",
            "real_files", "position")


def _row(position: int, s: Source) -> tuple:
    tables = [table_for(t).name for t in s.row_types]
    return (s.id, s.kind, s.reseller, s.hub, s.labels_licences, s.label, s.retired, s.max_age, tables,
            s.real_files, position)


def record_sources(con: duckdb.DuckDBPyConnection, sources: Iterable[Source]) -> None:
    """Make `source_info` list exactly `sources`, in their order; writes nothing when it already does."""
    wanted = [_row(i, s) for i, s in enumerate(sources)]
    have = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM source_info ORDER BY position").fetchall()
    if [tuple(r) for r in have] == [tuple(r) for r in wanted]:
        return
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM source_info")
        con.executemany(f"INSERT INTO source_info ({', '.join(_COLUMNS)}) "
                        f"VALUES ({', '.join('?' for _ in _COLUMNS)})", wanted)
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


def sync(con: duckdb.DuckDBPyConnection, sources: Iterable[Source]) -> None:
    """Bring `source_info` up to date with `sources` (the registry, handed by jobs/) and the provider aliases
    with the packaged file."""
    record_sources(con, sources)
    record_provider_aliases(con)
