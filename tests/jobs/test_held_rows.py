"""A row failing validation keeps its fact's previous interval, is counted and shown, and raises no removal;
many such rows quarantine the document. Real HTTP on 127.0.0.1, OpenRouter's real list with bad entries."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Response

from collectors.pricing import openrouter
from gapwatch.settings import Settings, get_settings
from jobs.cli.main import app
from jobs.pipeline import make_pipeline
from tests.conftest import fixture_bytes
from warehouse.runs import source_status

MAY = json.loads(fixture_bytes("openrouter", "models_2026-05-15.json"))
T1, T2 = datetime(2026, 5, 15, 12), datetime(2026, 6, 1, 12)
NEGATIVE, STRING, ABOVE_CAP, NO_ID = ("ibm-granite/granite-4.1-8b", "google/gemini-2.5-pro",
                                      "anthropic/claude-sonnet-4", "qwen/qwen3-235b-a22b")


def spoiled(*, empty_id: bool = True, drop: str | None = None, negative: int = 0) -> bytes:
    doc = json.loads(json.dumps(MAY))
    entries = {e["id"]: e for e in doc["data"]}
    entries[NEGATIVE]["pricing"]["prompt"] = "-0.00000005"
    entries[STRING]["pricing"]["prompt"] = "$0.00000125"
    entries[ABOVE_CAP]["pricing"]["completion"] = "0.015"  # $15,000 per 1M: above the per-row cap (and ≥100×)
    if empty_id:
        entries[NO_ID]["id"] = ""
    for entry in doc["data"][4:4 + negative]:
        entry["pricing"]["completion"] = "-1e-6"
    doc["data"] = [e for e in doc["data"] if e["id"] != drop]
    return json.dumps(doc).encode()


@pytest.fixture
def upstream(origin: HTTPServer) -> dict:
    page = {"body": json.dumps(MAY).encode()}
    origin.expect_request("/api/v1/models").respond_with_handler(
        lambda request: Response(page["body"], content_type="application/json"))
    return page


def price_rows(pipe, model: str) -> list[tuple]:
    return pipe.con.execute("SELECT input_per_mtok, output_per_mtok, valid_from, valid_to FROM price "
                            "WHERE model = ? ORDER BY valid_from", [model]).fetchall()


def test_bad_rows_keep_their_interval_are_shown_and_raise_no_removal(
    settings: Settings, upstream: dict, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with make_pipeline(settings) as pipe:
        assert pipe.collect(openrouter.SOURCE, T1).status == "ok"
        before = {m: price_rows(pipe, m) for m in (NEGATIVE, STRING, ABOVE_CAP, NO_ID)}
        upstream["body"] = spoiled()
        outcome = pipe.collect(openrouter.SOURCE, T2)
        assert outcome.status == "ok" and outcome.diff.counts == (0, 0, 0), outcome.summary()
        assert len(outcome.held) == 4
        for model, rows in before.items():  # still the one open interval of May
            assert price_rows(pipe, model) == rows and rows[-1][3] is None, model
        assert pipe.con.execute("SELECT count(*) FROM change_event WHERE kind = 'model_removed'").fetchone()[0] == 0
        assert pipe.con.execute("SELECT count(*) FROM source_model WHERE valid_to IS NOT NULL").fetchone()[0] == 0
        status = {s.source: s for s in source_status(pipe.con)}["openrouter"]
    assert status.held_back.startswith("4 rows held back: ")
    assert "not a number" in status.held_back and "absurd" in status.held_back and "without id" in status.held_back

    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        shown = CliRunner().invoke(app, ["status"], env={"COLUMNS": "250"})
    finally:
        get_settings.cache_clear()
    assert shown.exit_code == 0 and "openrouter: 4 rows held back:" in shown.output


def test_held_rows_are_targeted_a_model_really_gone_is_still_removed(settings: Settings, upstream: dict) -> None:
    gone = "deepseek/deepseek-chat-v3-0324"
    with make_pipeline(settings) as pipe:
        assert pipe.collect(openrouter.SOURCE, T1).status == "ok"
        upstream["body"] = spoiled(empty_id=False, drop=gone)
        outcome = pipe.collect(openrouter.SOURCE, T2)
        assert outcome.status == "ok" and len(outcome.held) == 3
        removed = {c.key.get("model") for c in outcome.diff.removed}
        assert removed == {gone}
        assert price_rows(pipe, NEGATIVE)[-1][3] is None and price_rows(pipe, gone)[-1][3] == T2


def test_many_bad_rows_quarantine_the_document(settings: Settings, upstream: dict) -> None:
    with make_pipeline(settings) as pipe:
        assert pipe.collect(openrouter.SOURCE, T1).status == "ok"
        upstream["body"] = spoiled(empty_id=False, negative=4)
        outcome = pipe.collect(openrouter.SOURCE, T2)
        assert outcome.status == "rejected" and "failed validation" in outcome.error

