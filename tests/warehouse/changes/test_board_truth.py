"""Every "new leader" and "overtakes" event is true of its whole board at its snapshot: on Arena CSV snapshots
edited into the cases that fooled the detectors, on the demo's recorded history, and on a backfill of the real
leaderboards (optional tier). `board_truth` recomputes each board from `leaderboard_score` and openness."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer

from collectors import registry
from collectors.leaderboards import lmarena
from gapwatch.settings import Settings
from jobs.backfill.backfill import backfill, dir_versions, snapshots
from jobs.backfill.dated_files import dated_files
from jobs.demo.demo import RECORDINGS, build_history, demo_settings, demo_sources, prepare_data_dir
from jobs.demo.replay import ReplayServer
from jobs.pipeline import Pipeline, make_pipeline
from tests.conftest import fixture_bytes, realdata
from tests.warehouse.changes.board_truth import untrue_board_events
from tests.warehouse.transforms.test_headline_realdata import livebench_manifest

OCT_2024 = fixture_bytes("lmarena", "lmsys_2024-10-16.csv").decode()
LMARENA_CSV = dataclasses.replace(lmarena.SOURCE, paths=("/lmsys.csv",))
T1, T2, T3 = (datetime(2026, 7, d, 12) for d in (17, 18, 19))
# Arena's row for Grok-2 without its licence: nothing says whether its weights are published.
GROK_UNLABELLED = "Grok-2-08-13,1291,+3/-3,35661,xAI,Proprietary"
LLAMA = "Meta-Llama-3.1-405b-Instruct-bf16,1266,"


def edited(*swaps: tuple[str, str]) -> bytes:
    """The October 2024 Arena table with Grok-2's licence left blank, then the given substitutions."""
    text = OCT_2024.replace(GROK_UNLABELLED, GROK_UNLABELLED.removesuffix("Proprietary"))
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


@pytest.fixture
def collect(settings: Settings, origin: HTTPServer) -> Iterator[tuple[Pipeline, object]]:
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        def run(at: datetime, body: bytes) -> None:
            origin.clear()
            origin.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
            origin.expect_request("/lmsys.csv").respond_with_data(body)
            assert pipe.collect(LMARENA_CSV, at).status == "ok"
        yield pipe, run


def board_events(pipe: Pipeline) -> list[tuple]:
    return pipe.con.execute(
        "SELECT kind, after->>'model', after->>'open_model' FROM change_event WHERE kind IN "
        "('new_leader', 'open_overtakes_closed', 'closed_overtakes_open') ORDER BY observed_at, kind").fetchall()


def test_an_unknown_model_above_both_sides_holds_back_the_overtake(collect) -> None:
    pipe, run = collect
    run(T1, edited())
    assert pipe.con.execute("SELECT openness FROM v_model_names WHERE source_model = 'Grok-2-08-13'").fetchall() \
        == [("unknown",)]
    # The open Llama passes every closed model, but Grok-2 (openness unknown) is above it: no side is known to lead.
    run(T2, edited((LLAMA, "Meta-Llama-3.1-405b-Instruct-bf16,1350,"), ("Grok-2-08-13,1291", "Grok-2-08-13,1360")))
    assert board_events(pipe) == [("new_leader", "Grok-2-08-13", None)]
    assert untrue_board_events(pipe.con) == (1, [])


def test_an_open_model_above_every_other_model_overtakes(collect) -> None:
    pipe, run = collect
    run(T1, edited())
    run(T2, edited((LLAMA, "Meta-Llama-3.1-405b-Instruct-bf16,1345,")))
    assert board_events(pipe) == [("new_leader", "Meta-Llama-3.1-405b-Instruct-bf16", None),
                                  ("open_overtakes_closed", None, "Meta-Llama-3.1-405b-Instruct-bf16")]
    assert untrue_board_events(pipe.con) == (2, [])


def test_a_shared_lead_and_a_rescored_previous_leader_are_said_as_they_are(collect) -> None:
    pipe, run = collect
    run(T1, edited())
    # The leader is rescored below the runner-up: the new leader is ahead of it now, not of its old score.
    run(T2, edited(("ChatGPT-4o-latest (2024-09-03),1339", "ChatGPT-4o-latest (2024-09-03),1300")))
    # Two models share the best score: both lead, and the one that held it alone still does (no event).
    run(T3, edited(("ChatGPT-4o-latest (2024-09-03),1339", "ChatGPT-4o-latest (2024-09-03),1300"),
                   ("o1-mini,1313", "o1-mini,1335")))
    assert board_events(pipe) == [("new_leader", "o1-preview", None)]
    checked, untrue = untrue_board_events(pipe.con)
    assert (checked, untrue) == (1, [])
    said = pipe.con.execute("SELECT after->>'previous_leader_score' FROM change_event").fetchall()
    assert said == [("1300.0",)]


def test_a_lead_shared_by_new_models_names_them_all(collect) -> None:
    pipe, run = collect
    run(T1, edited())
    run(T2, edited(("o1-mini,1313", "o1-mini,1345"), ("Gemini-1.5-Pro-002,1305", "Gemini-1.5-Pro-002,1345")))
    assert pipe.con.execute("SELECT after->>'model', after->'tied_with' FROM change_event").fetchall() == [
        ("Gemini-1.5-Pro-002", '["o1-mini"]')]
    assert untrue_board_events(pipe.con) == (1, [])


def test_every_board_event_of_the_demo_history_is_true(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recorded history of the arena and LiveBench (the 2026-07-01 LiveBench update put frontier models
    of unknown openness above the best open ones)."""
    monkeypatch.setattr(os, "environ", dict(os.environ))  # demo_settings exports its settings for the app
    data = tmp_path / "demo"
    prepare_data_dir(data, fresh=True)
    with ReplayServer(RECORDINGS) as server:
        sources = [s for s in demo_sources(server.recordings) if s.id in ("lmarena", "arena_catalog", "livebench")]
        settings = demo_settings(data, server, sources)
        build_history(settings, server, sources)
    with duckdb.connect(str(settings.warehouse_file), read_only=True) as con:
        checked, untrue = untrue_board_events(con)
    assert checked > 50 and untrue == [], "\n".join(untrue)


@pytest.mark.realdata
def test_every_board_event_of_the_real_leaderboards_is_true(tmp_path: Path) -> None:
    manifests = {"livebench": livebench_manifest(realdata("livebench"), tmp_path / "livebench.csv")}
    with make_pipeline(Settings(_env_file=None, data_dir=tmp_path / "data"), publish_after_ingest=False) as pipe:
        for source_id in ("arena_catalog", "livebench", "swebench", "lmarena", "aider"):
            source = registry.get(source_id)
            found, _ = dated_files(realdata(source_id), manifests.get(source_id))
            backfill(pipe, source, snapshots(source, dir_versions(found)))
        checked, untrue = untrue_board_events(pipe.con)
    assert checked > 100 and untrue == [], "\n".join(untrue)
