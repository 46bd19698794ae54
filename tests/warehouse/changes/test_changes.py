"""Change detection over real collections: recorded snapshots served on 127.0.0.1, replayed through collect."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collectors.leaderboards import lmarena
from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.pipeline import Document, Pipeline, make_pipeline
from jobs.reparse import reparse
from tests.conftest import fixture_bytes

MAY = fixture_bytes("openrouter", "models_2026-05-15.json")
JULY = fixture_bytes("openrouter", "models_2026-07-17.json")
JUNE_2024 = fixture_bytes("lmarena", "lmsys_2024-06-19.csv")
OCT_2024 = fixture_bytes("lmarena", "lmsys_2024-10-16.csv")
T1, T2, T3, T4, T5 = (datetime(2026, m, d, 12) for m, d in ((5, 15), (7, 17), (7, 18), (7, 19), (7, 20)))
LMARENA_CSV = dataclasses.replace(lmarena.SOURCE, paths=("/lmsys.csv",))
HTML = b"<html><head><title>Just a moment...</title></head><body>checking your browser</body></html>"


class Upstream:
    """Serves whatever document (or error status) the test sets before each collection."""

    def __init__(self, body: bytes) -> None:
        self.body, self.status = body, 200

    def __call__(self, request: Request) -> Response:
        if self.status != 200:
            return Response(b"upstream error", status=self.status)
        return Response(self.body)


@pytest.fixture
def models_api(origin: HTTPServer) -> Upstream:
    up = Upstream(MAY)
    origin.expect_request("/api/v1/models").respond_with_handler(up)
    return up


@pytest.fixture
def arena_csv(origin: HTTPServer) -> Upstream:
    up = Upstream(JUNE_2024)
    origin.expect_request("/lmsys.csv").respond_with_handler(up)
    return up


@pytest.fixture
def pipe(settings: Settings) -> Pipeline:
    with make_pipeline(settings, publish_after_ingest=False) as p:
        yield p


def events(pipe: Pipeline) -> list[tuple]:
    return pipe.con.execute(
        "SELECT kind, entity, source, magnitude, observed_at, backfill FROM change_event ORDER BY kind, entity"
    ).fetchall()


def event(pipe: Pipeline, kind: str) -> dict:
    row = pipe.con.execute("SELECT before, after, evidence FROM change_event WHERE kind = ?", [kind]).fetchone()
    before, after, evidence = row
    return {"before": json.loads(before) if before else None, "after": json.loads(after) if after else None,
            "evidence": evidence}


def sha(body: bytes) -> str:
    import hashlib

    return hashlib.sha256(body).hexdigest()


def test_price_cut_removed_and_new_model_from_two_openrouter_snapshots(pipe: Pipeline, models_api: Upstream):
    assert pipe.collect(openrouter.SOURCE, T1).status == "ok"
    assert events(pipe) == []  # the first snapshot is a baseline, not ten "new models"
    models_api.body = JULY
    assert pipe.collect(openrouter.SOURCE, T2).status == "ok"
    assert events(pipe) == [
        ("model_removed", "ibm-granite/granite-4.1-8b", "openrouter", None, T2, False),
        ("new_model", "moonshotai/kimi-k3", "openrouter", None, T2, False),
        ("price_cut", "openrouter/deepseek/deepseek-chat-v3-0324", "openrouter", -10.0, T2, False),
    ]
    cut = event(pipe, "price_cut")
    assert (cut["before"]["input_per_mtok"], cut["after"]["input_per_mtok"]) == (0.2, 0.18)
    assert (cut["before"]["output_per_mtok"], cut["after"]["output_per_mtok"]) == (0.77, 0.72)
    assert cut["after"]["output_change_pct"] == pytest.approx(-6.4935, abs=1e-3)
    assert cut["evidence"] == [sha(JULY), sha(MAY)]  # the document showing the new price, then the old one
    new = event(pipe, "new_model")
    assert new["after"]["organization"] == "moonshotai" and new["after"]["open_weights"] is True
    assert new["evidence"] == [sha(JULY)]
    assert event(pipe, "model_removed")["evidence"] == [sha(JULY), sha(MAY)]


def test_second_identical_run_and_reparse_add_no_event(pipe: Pipeline, models_api: Upstream) -> None:
    pipe.collect(openrouter.SOURCE, T1)
    models_api.body = JULY
    pipe.collect(openrouter.SOURCE, T2)
    keys = pipe.con.execute("SELECT event_key FROM change_event ORDER BY 1").fetchall()
    assert len(keys) == 3
    assert pipe.collect(openrouter.SOURCE, T3).status == "unchanged"
    assert [o.status for o in reparse(pipe, openrouter.SOURCE)] == ["ok", "ok", "ok"]
    assert pipe.con.execute("SELECT event_key FROM change_event ORDER BY 1").fetchall() == keys


def test_backfilled_events_are_flagged_and_keyed_like_live_ones(settings: Settings) -> None:
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        url = "http://example.test/api/v1/models"
        for at, body in ((T1, MAY), (T2, JULY)):
            pipe.ingest_documents(openrouter.SOURCE, [Document(url, body, sha(body))], at, trigger="backfill")
        flags = pipe.con.execute("SELECT DISTINCT backfill FROM change_event").fetchall()
        backfilled_keys = pipe.con.execute("SELECT event_key FROM change_event ORDER BY 1").fetchall()
    assert flags == [(True,)] and len(backfilled_keys) == 3
    # A second backfill of the same history is a no-op: no new run, no new event.
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        for at, body in ((T1, MAY), (T2, JULY)):
            pipe.ingest_documents(openrouter.SOURCE, [Document(url, body, sha(body))], at, trigger="backfill")
        assert pipe.con.execute("SELECT event_key FROM change_event ORDER BY 1").fetchall() == backfilled_keys


def test_new_leader_from_two_arena_snapshots(pipe: Pipeline, arena_csv: Upstream) -> None:
    assert pipe.collect(LMARENA_CSV, T1).status == "ok"
    arena_csv.body = OCT_2024
    assert pipe.collect(LMARENA_CSV, T2).status == "ok"
    assert events(pipe) == [("new_leader", "lmarena-text/overall", "lmarena", 52.0, T2, False)]
    leader = event(pipe, "new_leader")
    # Openness comes from identity resolution (Arena's "Proprietary" label), the first hook of the pipeline.
    assert leader["before"] == {"model": "GPT-4o-2024-05-13", "score": 1287.0, "organization": "OpenAI",
                                "openness": "closed"}
    assert leader["after"] == {"model": "ChatGPT-4o-latest (2024-09-03)", "score": 1339.0, "organization": "OpenAI",
                               "openness": "closed", "previous_leader_score": 1285.0}
    assert leader["evidence"] == [sha(OCT_2024), sha(JUNE_2024)]
    arena_csv.body = OCT_2024.replace(b"+4/-4,28488", b"+4/-4,28999")  # votes moved, the leader did not
    assert pipe.collect(LMARENA_CSV, T3).status == "ok"
    assert len(events(pipe)) == 1


def test_broken_page_raises_only_a_quarantine_event(pipe: Pipeline, models_api: Upstream) -> None:
    pipe.collect(openrouter.SOURCE, T1)
    facts = pipe.con.execute("SELECT * FROM price ORDER BY ALL").fetchall()
    models_api.body = HTML
    assert pipe.collect(openrouter.SOURCE, T2).status == "rejected"
    assert events(pipe) == [("source_quarantined", "openrouter", "openrouter", None, T2, False)]
    quarantined = event(pipe, "source_quarantined")
    assert quarantined["evidence"] == [sha(HTML)] and "got HTML" in quarantined["after"]["error"]
    # Still broken on the next runs: the source is already quarantined, nothing new to say.
    models_api.body = HTML + b" "
    assert pipe.collect(openrouter.SOURCE, T3).status == "rejected"
    assert len(events(pipe)) == 1
    assert pipe.con.execute("SELECT * FROM price ORDER BY ALL").fetchall() == facts
    # Recovered, then broken again: a new quarantine.
    models_api.body = MAY
    assert pipe.collect(openrouter.SOURCE, T4).status == "ok"
    models_api.body = HTML
    assert pipe.collect(openrouter.SOURCE, T5).status == "rejected"
    # (May's content collected again in July is also stale: OpenRouter declares 14 days at most.)
    assert sorted(e[0] for e in events(pipe)) == ["source_quarantined", "source_quarantined", "source_stale"]


def test_row_count_collapse_is_not_a_mass_removal(pipe: Pipeline, models_api: Upstream) -> None:
    doc = json.loads(JULY)
    doc["data"] = doc["data"][:3]  # layout change: only a few models still parse
    pipe.collect(openrouter.SOURCE, T1)
    models_api.body = json.dumps(doc).encode()
    outcome = pipe.collect(openrouter.SOURCE, T2)
    assert outcome.status == "rejected" and "collapsed" in outcome.error
    assert [e[0] for e in events(pipe)] == ["source_quarantined"]


def test_source_failing_once_per_streak(pipe: Pipeline, models_api: Upstream) -> None:
    pipe.collect(openrouter.SOURCE, T1)
    models_api.status = 500
    for day in range(1, 6):
        assert pipe.collect(openrouter.SOURCE, datetime(2026, 6, day)).status == "failed"
    assert events(pipe) == [("source_failing", "openrouter", "openrouter", 3.0, datetime(2026, 6, 3), False)]
    failing = event(pipe, "source_failing")
    assert failing["before"] == {"last_success": T1.isoformat()}
    assert "HTTP 500" in failing["after"]["error"]
    models_api.status = 200
    pipe.collect(openrouter.SOURCE, T2)
    models_api.status = 500
    for day in range(1, 4):
        pipe.collect(openrouter.SOURCE, datetime(2026, 8, day))
    assert [e[0] for e in events(pipe)].count("source_failing") == 2


def test_small_price_moves_stay_below_the_threshold(settings: Settings, models_api: Upstream) -> None:
    strict = settings.model_copy(update={"price_change_min_pct": 15.0})
    with make_pipeline(strict, publish_after_ingest=False) as pipe:
        pipe.collect(openrouter.SOURCE, T1)
        models_api.body = JULY
        pipe.collect(openrouter.SOURCE, T2)
        assert [e[0] for e in events(pipe)] == ["model_removed", "new_model"]


def test_event_key_ignores_annotations_and_detection_time() -> None:
    from warehouse.changes import ChangeEvent

    def leader(openness: str, score: float = 1339.0) -> ChangeEvent:
        return ChangeEvent("new_leader", "lmarena-text/overall", "lmarena", {"model": "a", "score": 1287.0},
                           {"model": "b", "score": score, "openness": openness}, 52.0, ("sha",), T2,
                           annotations=("openness",))

    # Identity learning a model's openness later must not turn a reparse into a second event.
    assert leader("unknown").key == leader("closed").key
    assert leader("closed").key != leader("closed", score=1340.0).key
    assert leader("closed").key != dataclasses.replace(leader("closed"), observed_at=T3).key
    # Floats parsed along different paths (0.1 + 0.2 vs 0.3) are the same price.
    price = ChangeEvent("price_cut", "p/m", "s", {"input_per_mtok": 0.1 + 0.2}, {"input_per_mtok": 0.2}, -33.3, (), T2)
    assert price.key == dataclasses.replace(price, before={"input_per_mtok": 0.3}).key
