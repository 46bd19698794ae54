"""The whole flow over real HTTP on 127.0.0.1: fetch → raw store → parse → validate → ingest → publish."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from datetime import datetime

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collectors.leaderboards import lmarena
from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.pipeline import Pipeline, make_pipeline
from jobs.reparse import reparse
from tests.conftest import fixture_bytes
from warehouse.hooks import derive
from warehouse.publish import snapshot_problem

PATH = "/api/v1/models"
MAY = fixture_bytes("openrouter", "models_2026-05-15.json")
JULY = fixture_bytes("openrouter", "models_2026-07-17.json")
T1, T2, T3 = datetime(2026, 5, 15, 12), datetime(2026, 7, 17, 12), datetime(2026, 7, 18, 12)


class Upstream:
    """A handler whose document (or failure) the test switches between collections, with ETag support."""

    def __init__(self, body: bytes) -> None:
        self.body, self.status, self.etag = body, 200, None

    def __call__(self, request: Request) -> Response:
        if self.status != 200:
            return Response(b"upstream error", status=self.status)
        if self.etag and request.headers.get("If-None-Match") == self.etag:
            return Response(status=304)
        headers = {"ETag": self.etag} if self.etag else {}
        return Response(self.body, headers=headers, content_type="application/json")


@pytest.fixture
def upstream(origin: HTTPServer) -> Upstream:
    up = Upstream(MAY)
    origin.expect_request(PATH).respond_with_handler(up)
    return up


def count(pipe: Pipeline, table: str) -> int:
    return pipe.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_second_identical_collection_writes_nothing(settings: Settings, upstream: Upstream) -> None:
    with Pipeline(settings) as pipe:
        first = pipe.collect(openrouter.SOURCE, T1)
        assert first.status == "ok" and first.diff.counts[0] > 0
        rows = count(pipe, "price") + count(pipe, "source_model")
        second = pipe.collect(openrouter.SOURCE, T2)
        assert second.status == "unchanged" and second.diff.counts == (0, 0, 0)
        assert count(pipe, "price") + count(pipe, "source_model") == rows
        assert pipe.con.execute("SELECT count(*) FROM raw_document").fetchone()[0] == 1
        outcomes = [r[0] for r in pipe.con.execute("SELECT outcome FROM fetch_log ORDER BY id").fetchall()]
        assert outcomes == ["new", "same"]


def test_304_not_modified_parses_nothing(settings: Settings, upstream: Upstream) -> None:
    upstream.etag = '"may"'
    with Pipeline(settings) as pipe:
        assert pipe.collect(openrouter.SOURCE, T1).status == "ok"
        again = pipe.collect(openrouter.SOURCE, T2)
        assert again.status == "unchanged"
        last = pipe.con.execute("SELECT outcome, status FROM fetch_log ORDER BY id DESC LIMIT 1").fetchone()
        assert last == ("not_modified", 304)


def test_as_of_two_snapshots_builds_price_history(settings: Settings, upstream: Upstream) -> None:
    with Pipeline(settings) as pipe:
        pipe.collect(openrouter.SOURCE, T1)
        upstream.body = JULY
        outcome = pipe.collect(openrouter.SOURCE, T2)
        assert outcome.status == "ok"
        history = pipe.con.execute(
            "SELECT input_per_mtok, output_per_mtok, valid_from, valid_to FROM v_price_history "
            "WHERE model = 'deepseek/deepseek-chat-v3-0324' ORDER BY valid_from"
        ).fetchall()
        assert history == [(0.2, 0.77, T1, T2), (0.18, 0.72, T2, None)]
        gone = pipe.con.execute("SELECT valid_to FROM price WHERE model = 'ibm-granite/granite-4.1-8b'").fetchall()
        assert gone == [(T2,)]
        new = pipe.con.execute("SELECT since FROM v_prices_current WHERE model = 'moonshotai/kimi-k3'").fetchall()
        assert new == [(T2,)]
        evidence = pipe.con.execute(
            "SELECT evidence_sha256 FROM v_prices_current WHERE model = 'moonshotai/kimi-k3'").fetchone()[0]
        assert pipe.raw.get(evidence) == JULY


@pytest.mark.parametrize(
    ("status", "body", "expect"),
    [
        (500, MAY, "HTTP 500 after 3 attempts"),
        (429, MAY, "HTTP 429 after 3 attempts"),
        (200, MAY[: len(MAY) // 2], "truncated JSON"),
        (200, MAY.replace(b'"pricing":', b'"pricing" ', 1), "malformed JSON"),
        (200, MAY[:-30], "truncated JSON"),
        (200, b"<html><head><title>Just a moment...</title></head></html>", "got HTML"),
        (200, b'{"data": []}', "only 0 rows"),
    ],
)
@pytest.mark.parametrize("together", [False, True], ids=["collect", "collect_all"])
def test_bad_input_keeps_history_and_is_reported(
    settings: Settings, upstream: Upstream, status: int, body: bytes, expect: str, together: bool
) -> None:
    with Pipeline(settings) as pipe:
        pipe.collect(openrouter.SOURCE, T1)
        before = pipe.con.execute("SELECT * FROM price ORDER BY model, tier").fetchall()
        upstream.status, upstream.body = status, body
        # collect_all parses in its fetch threads: a failure there is judged as one in the ingest
        outcome = pipe.collect_all([openrouter.SOURCE], T2)[0] if together else pipe.collect(openrouter.SOURCE, T2)
        assert outcome.status in ("failed", "rejected") and expect in outcome.error
        assert pipe.con.execute("SELECT * FROM price ORDER BY model, tier").fetchall() == before
        run = pipe.con.execute("SELECT status, error FROM collection_run ORDER BY run_id DESC LIMIT 1").fetchone()
        assert run[0] == outcome.status and expect in run[1]


def test_row_count_collapse_is_quarantined(settings: Settings, upstream: Upstream) -> None:
    import json

    doc = json.loads(MAY)
    doc["data"] = doc["data"][:4]  # a layout change that leaves only a few models parsable
    with Pipeline(settings) as pipe:
        pipe.collect(openrouter.SOURCE, T1)
        upstream.body = json.dumps(doc).encode()
        outcome = pipe.collect(openrouter.SOURCE, T2)
        assert outcome.status == "rejected" and "collapsed" in outcome.error
        assert pipe.con.execute("SELECT count(*) FROM price WHERE valid_to IS NOT NULL").fetchone()[0] == 0


def test_oversized_body_fails_cleanly(settings: Settings, upstream: Upstream) -> None:
    settings = settings.model_copy(update={"max_body_bytes": 4096})
    with Pipeline(settings) as pipe:
        outcome = pipe.collect(openrouter.SOURCE, T1)
    assert outcome.status == "failed" and "4096-byte cap" in outcome.error


def test_one_source_failing_leaves_the_other_running(settings: Settings, origin: HTTPServer, upstream: Upstream):
    # lmarena's parquet URLs are not served: the loopback server answers 500 for them.
    with Pipeline(settings) as pipe:
        results = {s.id: pipe.collect(s, T1).status for s in (lmarena.SOURCE, openrouter.SOURCE)}
    assert results == {"lmarena": "failed", "openrouter": "ok"}


def test_reader_holds_published_snapshot_while_collection_writes(settings: Settings, upstream: Upstream) -> None:
    with Pipeline(settings) as pipe:
        pipe.collect(openrouter.SOURCE, T1)
        reader = duckdb.connect(str(settings.published_file), read_only=True)
        seen = reader.execute("SELECT count(*) FROM v_prices_current").fetchone()[0]
        upstream.body = JULY
        assert pipe.collect(openrouter.SOURCE, T2).status == "ok"  # the writer is not blocked by the reader
        assert reader.execute("SELECT count(*) FROM v_prices_current").fetchone()[0] == seen  # its snapshot holds
        reader.close()
        fresh = duckdb.connect(str(settings.published_file), read_only=True)
        assert fresh.execute("SELECT max(version) FROM snapshot_info").fetchone()[0] == 2
        assert fresh.execute(
            "SELECT count(*) FROM v_prices_current WHERE model = 'moonshotai/kimi-k3'").fetchone()[0] == 1
        fresh.close()


def test_reader_in_another_process_while_writing(settings: Settings, upstream: Upstream) -> None:
    """A separate process opens the published file read-only while this process keeps the writer open."""
    with Pipeline(settings) as pipe:
        pipe.collect(openrouter.SOURCE, T1)
        script = textwrap.dedent(f"""
            import duckdb
            con = duckdb.connect({str(settings.published_file)!r}, read_only=True)
            print(con.execute("SELECT count(*) FROM v_prices_current").fetchone()[0])
        """)
        upstream.body = JULY
        reader = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert reader.returncode == 0, reader.stderr
        assert int(reader.stdout) > 0
        assert pipe.collect(openrouter.SOURCE, T2).status == "ok"


def test_reparse_rebuilds_identical_history_from_raw_store(settings: Settings, upstream: Upstream) -> None:
    with Pipeline(settings) as pipe:
        pipe.collect(openrouter.SOURCE, T1)
        upstream.body = JULY
        pipe.collect(openrouter.SOURCE, T2)
        pipe.collect(openrouter.SOURCE, T3)
        query = "SELECT * EXCLUDE (evidence_sha256) FROM price ORDER BY model, tier, valid_from"
        before = pipe.con.execute(query).fetchall()
        requests = len(pipe.con.execute("SELECT * FROM fetch_log").fetchall())
        outcomes = reparse(pipe, openrouter.SOURCE)
        assert [o.status for o in outcomes] == ["ok", "ok", "ok"]
        assert pipe.con.execute(query).fetchall() == before
        assert len(pipe.con.execute("SELECT * FROM fetch_log").fetchall()) == requests  # nothing fetched


def test_collecting_sources_together_derives_and_publishes_once(settings: Settings, origin: HTTPServer,
                                                                  upstream: Upstream,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    derives: list[str] = []
    with make_pipeline(settings) as pipe:
        transforms = pipe.hooks[3]
        assert transforms.derives

        def counted(con: duckdb.DuckDBPyConnection, source: object, outcome: object) -> None:
            derives.append(outcome.source)
            transforms(con, source, outcome)

        pipe.hooks[3] = derive(counted)
        outcomes = pipe.collect_all([lmarena.SOURCE, openrouter.SOURCE], T1)
        assert sorted((o.source, o.status) for o in outcomes) == [("lmarena", "failed"), ("openrouter", "ok")]
        assert derives == ["openrouter"]  # once, for the batch
        assert count(pipe, "price_blended") == count(pipe, "price")  # the derived tables follow the facts
        assert pipe.con.execute("SELECT count(*) FROM publish_log").fetchall() == [(1,)]
        events = count(pipe, "change_event")
        caplog.clear()
        caplog.set_level(logging.INFO, logger="warehouse.publish")
        assert pipe.collect_all([openrouter.SOURCE], T2)[0].status == "unchanged"
        # No new data: published again only for what readers must see of health (openrouter's recorded catalogue
        # is older than its max age by T2: a source_stale event), and the snapshot is then the warehouse's.
        assert count(pipe, "change_event") - events == 1
        assert pipe.con.execute("SELECT count(*) FROM publish_log").fetchall() == [(2,)]
        assert snapshot_problem(pipe.con, settings.published_file) is None
        # An expected publish, said as such: not the warning of a publish a crash cut short.
        assert [r.getMessage() for r in caplog.records if r.name == "warehouse.publish"] == [
            "publishing: the run recorded what readers must see (a source gone stale, a health event)"]
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "cut short" in r.getMessage()]
    with duckdb.connect(str(settings.published_file), read_only=True) as snap:
        assert snap.execute("SELECT count(*) FROM collection_run").fetchall() == [(3,)]


def test_a_whole_collection_defers_its_events_only_when_it_appends(settings: Settings, upstream: Upstream) -> None:
    """Deferred events are rebuilt from interval bounds after a crash, which is exact only for appended
    snapshots: a collection dated before a source's newest run (`--as-of` in the past) runs its hooks inline."""
    deferred: list[bool] = []
    with make_pipeline(settings) as pipe:
        batch = pipe.batch

        def spy(*, defer_events: bool = False):  # noqa: ANN202 - the context manager batch() returns
            deferred.append(defer_events)
            return batch(defer_events=defer_events)

        pipe.batch = spy  # type: ignore[method-assign]
        assert pipe.collect_all([openrouter.SOURCE], T2)[0].status == "ok"
        upstream.body = JULY
        assert pipe.collect_all([openrouter.SOURCE], T1)[0].status == "ok"  # before July: fitted in, not appended
        assert deferred == [True, False]
        assert count(pipe, "hooks_owed") == 0
