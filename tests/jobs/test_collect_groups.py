"""A whole collection writes the sources ready together in one transaction (`Pipeline._ingest_group`): the same
rows as each source written alone, and one source's error never costs another its snapshot.

The upstream is real HTTP on 127.0.0.1: openrouter serves its catalogue, lmarena has no route (a failed fetch,
which records a run too). A subclass makes the group deterministic by letting every fetch finish before the
writer looks (the moment is set from outside production code, as in test_crash_deferred.py).
"""

from __future__ import annotations

import json
from concurrent.futures import wait
from datetime import datetime

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collectors.leaderboards import lmarena
from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.hooks import default_hooks
from jobs.pipeline import Pipeline
from tests.conftest import fixture_bytes

T1, T2 = datetime(2026, 5, 15, 12), datetime(2026, 5, 15, 18)  # one day: what the derive redoes, touches say
SOURCES = [lmarena.SOURCE, openrouter.SOURCE]


class OneGroup(Pipeline):
    """Every source fetched before the first is written: the whole collection is one group."""

    def _ingest_as_completed(self, futures, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        wait(futures)
        self.written: list[list] = []
        super()._ingest_as_completed(futures, *args, **kwargs)

    def _ingest_group(self, group, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        self.written.append(group)  # the list the group fills as it is written
        super()._ingest_group(group, *args, **kwargs)

    @property
    def groups(self) -> list[list[str]]:
        return [[source.id for source, *_ in group] for group in self.written]


class SecondFails(OneGroup):
    """The second source of a group raises while it is written (a bug, a database error)."""

    def _ingest_fetched(self, source, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        if self._book is not None and len(self._book.runs) == 1:
            raise RuntimeError(f"boom in {source.id}")
        return super()._ingest_fetched(source, *args, **kwargs)




def repriced(body: bytes) -> bytes:
    """The catalogue with its first model's input price up by a fifth (a price change, not a unit mix-up)."""
    doc = json.loads(body)
    pricing = doc["data"][0]["pricing"]
    pricing["prompt"] = f"{float(pricing['prompt']) * 1.2:.10f}"
    return json.dumps(doc).encode()


MAY = fixture_bytes("openrouter", "models_2026-05-15.json")
BODIES = {T1: MAY, T2: repriced(MAY)}


class Catalogue:
    """openrouter's catalogue as of the day the test set (a handler of the loopback server)."""

    def __init__(self) -> None:
        self.day = T1

    def __call__(self, request: Request) -> Response:
        return Response(BODIES[self.day], content_type="application/json")


@pytest.fixture
def catalogue(origin: HTTPServer) -> Catalogue:
    handler = Catalogue()
    origin.expect_request("/api/v1/models").respond_with_handler(handler)
    return handler


@pytest.fixture
def served(origin: HTTPServer, catalogue: Catalogue) -> HTTPServer:
    return origin


def rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """What a collection wrote, without the ids and times that differ between two warehouses."""
    return {
        "runs": con.execute("SELECT source, status, documents, rows_parsed, added, changed, removed, error "
                            "FROM collection_run ORDER BY source").fetchall(),
        "fetches": con.execute("SELECT source, url, status, outcome, sha256, bytes FROM fetch_log "
                               "ORDER BY source, url").fetchall(),
        "documents": con.execute("SELECT sha256, size_bytes, stored_bytes, first_url FROM raw_document "
                                 "ORDER BY sha256").fetchall(),
        "prices": con.execute("SELECT * EXCLUDE (evidence_sha256) FROM price ORDER BY ALL").fetchall(),
        "derived": con.execute("SELECT * FROM price_blended ORDER BY ALL").fetchall(),  # from the touches
        "owed": con.execute("SELECT count(*) FROM hooks_owed").fetchall(),
    }


def test_a_group_writes_what_each_source_written_alone_does(tmp_path, served: HTTPServer,  # noqa: ANN001
                                                            catalogue: Catalogue) -> None:
    """Two collections in one day, the second changing a price: the derive stage redoes what its touches name."""
    base = served.url_for("").rstrip("/")

    def settings(name: str) -> Settings:
        return Settings(_env_file=None, data_dir=tmp_path / name, base_urls={"openrouter": base, "lmarena": base},
                        host_min_interval_s=0, backoff_base_s=0.01, backoff_max_s=0.05, http_attempts=1)

    grouped, each = settings("together"), settings("alone")
    with OneGroup(grouped, hooks=default_hooks(grouped), publish_after_ingest=False) as pipe:
        for day in (T1, T2):
            catalogue.day = day
            outcomes = pipe.collect_all(SOURCES, day)
            assert [sorted(g) for g in pipe.groups] == [["lmarena", "openrouter"]]
            assert sorted((o.source, o.status) for o in outcomes) == [("lmarena", "failed"), ("openrouter", "ok")]
            # Each outcome carries the id of its run, drawn when the group's runs were written.
            assert sorted((o.source, o.run_id) for o in outcomes) == pipe.con.execute(
                "SELECT source, max(run_id) FROM collection_run GROUP BY source ORDER BY source").fetchall()
        together = rows(pipe.con)
    with Pipeline(each, hooks=default_hooks(each), publish_after_ingest=False) as pipe:
        for day in (T1, T2):
            catalogue.day = day
            for source in SOURCES:
                pipe.collect(source, day)
        alone = rows(pipe.con)
    assert together == alone
    assert together["prices"] and len(together["runs"]) == 4


def test_an_error_in_a_group_keeps_the_sources_written_before_it(tmp_path, served: HTTPServer) -> None:  # noqa: ANN001
    base = served.url_for("").rstrip("/")
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", base_urls={"openrouter": base, "lmarena": base},
                        host_min_interval_s=0, backoff_base_s=0.01, backoff_max_s=0.05, http_attempts=1)
    with SecondFails(settings, hooks=default_hooks(settings), publish_after_ingest=False) as pipe:
        with pytest.raises(RuntimeError, match="boom"):
            pipe.collect_all(SOURCES, T1)
        first, second = pipe.groups[0]
        assert len(pipe.groups) == 2 and pipe.groups[1] == [first]  # the first, written again on its own
        written = pipe.con.execute("SELECT source FROM collection_run").fetchall()
        assert written == [(first,)]  # kept, while the group that held it rolled back
        assert pipe.con.execute("SELECT count(*) FROM fetch_log WHERE source = ?", [second]).fetchall() == [(0,)]
        assert pipe.con.execute("SELECT count(*) FROM hooks_owed").fetchall() == [(0,)]  # paid at the batch's end
