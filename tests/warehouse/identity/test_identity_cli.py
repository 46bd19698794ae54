"""`gapwatch models ...` over a published snapshot built from recorded documents through the Pipeline."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime

import pytest
from typer.testing import CliRunner, Result

from collectors.leaderboards import lmarena
from collectors.pricing import openrouter
from gapwatch.rows import ModelRow
from gapwatch.settings import Settings, get_settings
from jobs.cli.main import app
from jobs.pipeline import Document, Pipeline
from tests.conftest import fixture_bytes
from tests.warehouse.identity.test_identity import ingest
from warehouse import db, identity

T1 = datetime(2024, 10, 16, 12)


def document(url: str, body: bytes) -> Document:
    return Document(url, body, hashlib.sha256(body).hexdigest())


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    with Pipeline(settings, hooks=[identity.hook(None)]) as pipe:
        csv = fixture_bytes("lmarena", "lmsys_2024-10-16.csv")
        assert pipe.ingest_documents(lmarena.SOURCE, [document("https://x/csv/lmsys.csv", csv)], T1).status == "ok"
        body = fixture_bytes("openrouter", "models_2026-05-15.json")
        assert pipe.ingest_documents(openrouter.SOURCE, [document(openrouter.SOURCE.urls()[0], body)], T1
                                     ).status == "ok"
        # a catalogue that names two Arena models, so they resolve
        with db.transaction(pipe.con):
            ingest(pipe.con, "epoch_benchmarks", [
                ModelRow(model="o1-preview", open_weights=False, license="API access"),
                ModelRow(model="o1-preview-2024-09-12", open_weights=False, license="API access"),
                ModelRow(model="Llama 3.1-405B", open_weights=True, license="Open weights (restricted use)"),
            ], T1)
            identity.refresh_identity(pipe.con)
        pipe.publish()
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(settings.data_dir))

    def run(*args: str) -> Result:
        get_settings.cache_clear()  # a fresh process would read the environment afresh
        return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})

    yield run
    get_settings.cache_clear()


def test_models_unmatched_reports_share_per_source(cli) -> None:
    result = cli("models", "unmatched", "--source", "lmarena", "--limit", "200")
    assert result.exit_code == 0, result.output
    assert "unmatched names per source" in result.output
    assert "ChatGPT-4o-latest (2024-09-03)" in result.output  # no other source names that snapshot
    assert "o1-preview" not in result.output  # an epoch catalogue entry names it: matched


def test_models_show_by_any_name(cli) -> None:
    result = cli("models", "show", "Llama 3.1-405B")
    assert result.exit_code == 0, result.output
    assert "llama-3.1-405b" in result.output and "open-weights-restricted" in result.output
    assert "Open weights (restricted use)" in result.output
    # Arena's instruct model is another checkpoint than Epoch's base entry, and only Arena names it
    missing = cli("models", "show", "Meta-Llama-3.1-405b-Instruct-bf16")
    assert missing.exit_code == 1 and "matches no canonical model" in missing.output
    assert "[[alias]]" in missing.output  # TOML, not eaten as rich markup


def test_models_conflicts_as_json(cli) -> None:
    result = cli("models", "conflicts", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    # the undated o1-preview resolves to its one dated snapshot: a merge listed for review
    assert {"kind": "merge", "model_id": "o1-preview-2024-09-12", "source": "lmarena", "name": "o1-preview",
            "normalised": "o1-preview", "variant": None, "method": "snapshot", "confidence": 0.9} in found


def test_models_show_explains_an_undated_name(cli) -> None:
    result = cli("models", "show", "o1-preview")
    assert result.exit_code == 0, result.output
    assert "o1-preview-2024-09-12" in result.output and "snapshot" in result.output
