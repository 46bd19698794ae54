"""Licence sources end to end through Pipeline over real HTTP on 127.0.0.1, with the identity hook."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import unquote

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from collectors.licenses import hf_hub, license_texts
from collectors.pricing import openrouter
from gapwatch.settings import Settings, get_settings
from jobs.cli.main import app
from jobs.pipeline import Pipeline
from tests.conftest import FIXTURES, fixture_bytes
from warehouse import identity
from warehouse.identity.license_diff import license_diff

T1, T2, T3, T4 = (datetime(2025, 3, d, 12) for d in (1, 2, 3, 4))
LLAMA31 = "/meta-llama/llama-models/main/models/llama3_1/LICENSE"


class Document:
    """A handler whose body the test switches between collections."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __call__(self, request: Request) -> Response:
        return Response(self.body, content_type="text/plain; charset=utf-8")


@pytest.fixture
def pipe(settings: Settings, origin: HTTPServer) -> Pipeline:
    base = origin.url_for("").rstrip("/")
    settings = settings.model_copy(update={"base_urls": {**settings.base_urls, "license_texts": base,
                                                         "hf_hub": base}})
    with Pipeline(settings, hooks=[identity.hook(None)]) as pipeline:
        yield pipeline


@pytest.fixture
def llama31(origin: HTTPServer) -> Document:
    doc = Document(fixture_bytes("license_texts", "versions", "llama3_1_v1.txt"))
    for path in license_texts.DOCUMENTS:
        if path == LLAMA31:
            origin.expect_request(path).respond_with_handler(doc)
        else:
            body = FIXTURES.joinpath("license_texts", unquote(path).lstrip("/")).read_bytes()
            origin.expect_request(unquote(path)).respond_with_data(body, content_type="text/plain")
    return doc


def test_a_licence_text_change_is_a_new_version_with_a_diff(pipe: Pipeline, llama31: Document) -> None:
    first = pipe.collect(license_texts.SOURCE, T1)
    assert first.status == "ok" and first.diff.counts == (10, 0, 0)

    llama31.body = fixture_bytes("license_texts", "versions", "llama3_1_v1_rewrapped.txt")
    churn = pipe.collect(license_texts.SOURCE, T2)
    assert churn.status == "ok" and churn.diff.counts == (0, 0, 0)  # new bytes, same licence

    llama31.body = fixture_bytes("license_texts", "versions", "llama3_1_v2.txt")
    changed = pipe.collect(license_texts.SOURCE, T3)
    assert changed.status == "ok" and changed.diff.counts == (0, 1, 0)

    versions = pipe.con.execute("SELECT version, valid_from, valid_to, url FROM v_license_text_versions "
                                "WHERE license_id = 'llama3.1' ORDER BY version").fetchall()
    assert [v[:3] for v in versions] == [(1, T1, T3), (2, T3, None)]
    assert versions[0][3].endswith(LLAMA31)
    stored = pipe.con.execute("SELECT from_valid, to_valid, lines_added, lines_removed, diff FROM v_license_diffs "
                              "WHERE license_id = 'llama3.1'").fetchall()
    assert len(stored) == 1
    from_valid, to_valid, added, removed, diff = stored[0]
    assert (from_valid, to_valid, added, removed) == (T1, T3, 1, 0)
    assert "\n+3. Disclaimer of Warranty. UNLESS REQUIRED BY APPLICABLE LAW" in diff
    assert diff.startswith("--- llama3.1 2025-03-01 12:00")
    assert license_diff(pipe.con, "llama3.1") == diff
    assert pipe.con.execute("SELECT text_url IS NOT NULL, text_since FROM v_license_current "
                            "WHERE license_id = 'llama3.1'").fetchone() == (True, T3)


def test_a_broken_licence_page_is_quarantined_and_history_kept(pipe: Pipeline, llama31: Document) -> None:
    pipe.collect(license_texts.SOURCE, T1)
    before = pipe.con.execute("SELECT * FROM license_text ORDER BY license_id").fetchall()
    llama31.body = b"<!DOCTYPE html><html><title>Page not found - GitHub</title></html>"
    outcome = pipe.collect(license_texts.SOURCE, T2)
    assert outcome.status == "rejected"
    assert "expected a plain-text licence but got HTML" in outcome.error and "history unchanged" in outcome.error
    assert pipe.con.execute("SELECT * FROM license_text ORDER BY license_id").fetchall() == before


def test_licenses_diff_command_reads_the_published_snapshot(pipe: Pipeline, llama31: Document,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pipe.collect(license_texts.SOURCE, T1)
    llama31.body = fixture_bytes("license_texts", "versions", "llama3_1_v2.txt")
    pipe.collect(license_texts.SOURCE, T2)
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(pipe.settings.data_dir))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["licenses", "diff", "llama3.1"], env={"COLUMNS": "200"})
        single = CliRunner().invoke(app, ["licenses", "diff", "MIT"], env={"COLUMNS": "200"})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "+3. Disclaimer of Warranty." in result.output
    assert single.exit_code == 1 and "single version so far" in single.output


HUB_REPOS = ("meta-llama/Meta-Llama-3.1-405B-Instruct", "mistralai/Mistral-7B-Instruct-v0.2",
             "allenai/OLMo-7B-Instruct", "google/gemma-2-9b-it", "deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1")


@pytest.fixture
def hub(origin: HTTPServer) -> HTTPServer:
    origin.expect_request("/api/v1/models").respond_with_data(
        fixture_bytes("hf_hub", "openrouter_catalogue.json"), content_type="application/json")
    for repo in HUB_REPOS:
        origin.expect_request(f"/api/models/{repo}").respond_with_data(
            fixture_bytes("hf_hub", "api", "models", *repo.split("/")), content_type="application/json")
    # a repo the catalogue links to that the Hub no longer has: skipped, the rest still collected
    origin.expect_request("/api/models/Qwen/Qwen2.5-72B-Instruct").respond_with_json(
        {"error": "Repository not found"}, status=404)
    return origin


def test_hf_hub_fetches_the_repos_catalogues_link_to(pipe: Pipeline, hub: HTTPServer) -> None:
    nothing = pipe.collect(hf_hub.SOURCE, T1)
    assert nothing.status == "failed" and "no targets to fetch for hf_hub" in nothing.error

    assert pipe.collect(openrouter.SOURCE, T1).status == "ok"
    outcome = pipe.collect(hf_hub.SOURCE, T2)
    assert outcome.status == "ok", outcome.error
    repos = dict(pipe.con.execute("SELECT repo, license FROM hub_model WHERE valid_to IS NULL").fetchall())
    assert repos == {
        "meta-llama/Meta-Llama-3.1-405B-Instruct": "llama3.1", "mistralai/Mistral-7B-Instruct-v0.2": "apache-2.0",
        "allenai/OLMo-7B-Instruct": "apache-2.0", "google/gemma-2-9b-it": "gemma",
        "deepseek-ai/DeepSeek-V3": "other", "deepseek-ai/DeepSeek-R1": "mit",
    }
    failed = pipe.con.execute("SELECT url, status FROM fetch_log WHERE source = 'hf_hub' AND outcome = 'error'"
                              ).fetchall()
    assert [(url.split("/api/models/")[1], status) for url, status in failed] == [("Qwen/Qwen2.5-72B-Instruct", 404)]

    openness = dict(pipe.con.execute(
        "SELECT source_model, openness FROM v_model_names WHERE source = 'openrouter'").fetchall())
    assert openness == {
        "meta-llama/llama-3.1-405b-instruct": "open-weights-restricted",
        "mistralai/mistral-7b-instruct-v0.2": "open-source",
        "allenai/olmo-7b-instruct": "open-source",
        "google/gemma-2-9b-it": "open-weights-restricted",
        "deepseek/deepseek-chat": "open-weights-permissive",
        "deepseek/deepseek-r1": "open-source",
        # the Hub had no page: only OpenRouter's hugging_face_id says the weights are published
        "qwen/qwen-2.5-72b-instruct": "open-weights-restricted",
        # no licence anywhere: the makers' closed families (weak evidence) decide; Cohere's is not such a family
        "openai/gpt-4o-2024-08-06": "closed",
        "anthropic/claude-3.5-sonnet": "closed",
        "cohere/command-r-plus-04-2024": "unknown",
    }
    # OpenRouter's `deepseek/deepseek-chat` slug joins the DeepSeek-V3 repo it links to
    assert pipe.con.execute("SELECT model_id FROM model_alias WHERE source_model = 'deepseek/deepseek-chat'"
                            ).fetchone() == ("deepseek-v3",)

    # a later run fetches the stalest repos first; facts it did not fetch keep their history
    again = pipe.collect(hf_hub.SOURCE, T3)
    assert again.status == "unchanged" or again.diff.counts == (0, 0, 0)
    assert pipe.con.execute("SELECT count(*) FROM hub_model WHERE valid_to IS NOT NULL").fetchone() == (0,)


def test_hf_hub_run_is_capped_and_rotates(pipe: Pipeline, hub: HTTPServer) -> None:
    # A strict collapse guard: runs of a per-target source cover different repos, so it must not apply.
    pipe.settings = pipe.settings.model_copy(update={"max_targets_per_run": 3, "min_row_ratio": 0.99})
    pipe.collect(openrouter.SOURCE, T1)
    first = set(pipe.urls(hf_hub.SOURCE))
    assert len(first) == 3
    statuses = [pipe.collect(hf_hub.SOURCE, T2).status]
    second = set(pipe.urls(hf_hub.SOURCE))
    assert len(second) == 3 and not first & second  # never-fetched repos come first
    statuses += [pipe.collect(hf_hub.SOURCE, at).status for at in (T3, T4)]
    assert statuses == ["ok", "ok", "ok"]
    assert pipe.con.execute("SELECT count(DISTINCT repo) FROM hub_model").fetchone() == (6,)
