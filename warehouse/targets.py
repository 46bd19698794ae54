"""Target queries: what a per-target source (`Source.paths_from`) should fetch, read from the warehouse.

The jobs layer calls `resolve(name, con, limit)` at each collection and turns the paths into URLs with the
source's base URL, so collectors stay free of DuckDB and tests can point the base at a loopback server.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import duckdb

# Repos that a catalogue (OpenRouter's `hugging_face_id`, ...) currently links to: never-fetched first, then
# the stalest, most-referenced first among equals, so capped runs rotate through every tracked repo.
_HF_REPOS = """
WITH linked AS (
    SELECT hugging_face_id AS repo, count(DISTINCT source) AS refs FROM source_model
    WHERE hugging_face_id IS NOT NULL AND valid_to IS NULL
      AND source NOT IN (SELECT source FROM source_info WHERE hub) GROUP BY hugging_face_id
), fetched AS (
    SELECT regexp_extract(url, '/api/models/(.+)$', 1) AS repo, max(fetched_at) AS last_fetched
    FROM fetch_log WHERE source IN (SELECT source FROM source_info WHERE hub) GROUP BY 1
)
SELECT l.repo FROM linked l LEFT JOIN fetched f ON f.repo = l.repo
ORDER BY f.last_fetched NULLS FIRST, l.refs DESC, l.repo
LIMIT ?
"""


def hf_repo_paths(con: duckdb.DuckDBPyConnection, limit: int) -> list[str]:
    repos = [r[0] for r in con.execute(_HF_REPOS, [limit]).fetchall()]
    return [f"/api/models/{quote(repo.strip(), safe='/-_.')}" for repo in repos if repo.count("/") == 1]


TARGETS: dict[str, Callable[[duckdb.DuckDBPyConnection, int], list[str]]] = {
    "hf_repos": hf_repo_paths,
}


def resolve(name: str, con: duckdb.DuckDBPyConnection, limit: int) -> list[str]:
    try:
        query = TARGETS[name]
    except KeyError:
        raise KeyError(f"unknown target query {name!r}; known: {', '.join(sorted(TARGETS))}") from None
    return query(con, limit)
