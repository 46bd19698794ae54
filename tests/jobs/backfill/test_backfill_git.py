"""`gapwatch backfill SOURCE --git REPO --path FILE`: a file's history in a real local git repository."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collectors.leaderboards import lmarena
from gapwatch.settings import Settings
from jobs.backfill.backfill import git_versions, snapshots
from jobs.backfill.git_history import BlobReader, file_versions
from tests.conftest import fixture_bytes
from tests.jobs.backfill import test_backfill as dir_mode
from tests.jobs.backfill.test_backfill import DEEPSEEK, JULY, MAY, Cli, counts, deepseek_history, query, repriced

cli = dir_mode.cli  # the `gapwatch backfill` fixture, shared with the directory-mode tests

JUNE_ARENA = fixture_bytes("lmarena", "lmsys_2024-06-19.csv")
OCTOBER_GPT4O = 1285  # GPT-4o-2024-05-13's arena score in lmsys_2024-10-16.csv


class Repo:
    """A git repository in a temp dir whose commits carry fixed author and committer dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "gapwatch tests")
        self.git("config", "user.email", "tests@gapwatch.invalid")

    def git(self, *args: str, when: str | None = None) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}
        if when:
            env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        done = subprocess.run(["git", "-C", str(self.root), *args], env=env, capture_output=True, text=True,
                              check=True)
        return done.stdout.strip()

    def commit(self, when: str, files: dict[str, bytes | None]) -> str:
        """Write (or delete, for None) `files` and commit them at `when`; return the commit sha."""
        for name, body in files.items():
            if body is None:
                self.git("rm", "-q", name)
                continue
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
            self.git("add", name)
        self.git("commit", "-q", "-m", f"update at {when}", when=when)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "upstream")


def run_times(settings: Settings) -> list[datetime]:
    return [r[0] for r in query(settings, "SELECT observed_at FROM collection_run ORDER BY observed_at")]


def test_git_history_builds_exact_price_intervals(settings: Settings, cli: Cli, repo: Repo) -> None:
    v1 = repo.commit("2026-05-15T10:00:00+00:00", {"api/v1/models": MAY})
    v2 = repo.commit("2026-06-01T10:00:00+02:00", {"api/v1/models": repriced(MAY, DEEPSEEK, "0.00000019",
                                                                               "0.00000077")})
    repo.commit("2026-06-10T00:00:00Z", {"README.md": b"not the price list"})
    v3 = repo.commit("2026-07-17T09:00:00Z", {"api/v1/models": JULY})
    result = cli("openrouter", "--git", repo.root, "--path", "api/v1/models")
    assert result.exit_code == 0, result.output
    t1, t2, t3 = datetime(2026, 5, 15, 10), datetime(2026, 6, 1, 8), datetime(2026, 7, 17, 9)
    assert run_times(settings) == [t1, t2, t3]  # commit dates in UTC; the README commit is not a version
    assert deepseek_history(settings) == [(0.2, 0.77, t1, t2), (0.19, 0.77, t2, t3), (0.18, 0.72, t3, None)]
    assert query(settings, "SELECT valid_from, valid_to FROM price WHERE model = 'ibm-granite/granite-4.1-8b'") == [
        (t1, t3)]
    urls = [u for (u,) in query(settings, "SELECT first_url FROM raw_document ORDER BY first_seen_at, first_url")]
    assert sorted(u.rsplit("=", 1)[1] for u in urls) == sorted([v1, v2, v3])
    assert all(u.startswith((repo.root / "api/v1/models").as_uri() + "?commit=") for u in urls)
    assert query(settings, "SELECT DISTINCT trigger FROM collection_run") == [("backfill",)]
    assert query(settings, "SELECT count(*) FROM publish_log") == [(1,)]


def test_rerun_adds_nothing_and_new_commits_add_only_themselves(settings: Settings, cli: Cli, repo: Repo) -> None:
    repo.commit("2026-05-15T10:00:00Z", {"models.json": MAY})
    repo.commit("2026-07-17T09:00:00Z", {"models.json": JULY})
    assert cli("openrouter", "--git", repo.root, "--path", "models.json").exit_code == 0
    before = counts(settings)
    again = cli("openrouter", "--git", repo.root, "--path", "models.json")
    assert again.exit_code == 0 and "2 already ingested" in again.output
    assert counts(settings) == before
    repo.commit("2026-08-01T00:00:00Z", {"models.json": MAY})
    third = cli("openrouter", "--git", repo.root, "--path", "models.json")
    assert "1 ok, 0 unchanged, 0 rejected, 2 already ingested" in third.output
    assert counts(settings)["collection_run"] == before["collection_run"] + 1
    assert deepseek_history(settings)[-2:] == [(0.18, 0.72, datetime(2026, 7, 17, 9), datetime(2026, 8, 1)),
                                               (0.2, 0.77, datetime(2026, 8, 1), None)]


def test_every_keeps_the_last_version_of_each_interval(settings: Settings, cli: Cli, repo: Repo) -> None:
    def price(prompt: str) -> bytes:
        return repriced(MAY, DEEPSEEK, prompt, "0.00000077")

    repo.commit("2026-05-15T09:00:00Z", {"models.json": MAY})
    repo.commit("2026-05-15T12:00:00Z", {"models.json": price("0.00000019")})
    repo.commit("2026-05-15T18:00:00Z", {"models.json": price("0.00000021")})
    # A rebased series: two commits with one timestamp; the newer one is the state at that time.
    repo.commit("2026-05-16T10:00:00Z", {"models.json": price("0.00000030")})
    repo.commit("2026-05-16T10:00:00Z", {"models.json": price("0.00000022")})
    repo.commit("2026-06-01T00:00:00Z", {"models.json": JULY})
    result = cli("openrouter", "--git", repo.root, "--path", "models.json", "--every", "1d")
    assert result.exit_code == 0, result.output
    may15, may16, jun1 = datetime(2026, 5, 15, 18), datetime(2026, 5, 16, 10), datetime(2026, 6, 1)
    assert run_times(settings) == [may15, may16, jun1]
    assert deepseek_history(settings) == [(0.21, 0.77, may15, may16), (0.22, 0.77, may16, jun1),
                                          (0.18, 0.72, jun1, None)]


def test_since_starts_with_the_state_then(repo: Repo) -> None:
    repo.commit("2024-06-19T09:00:00Z", {"csv/lmsys.csv": JUNE_ARENA})
    repo.commit("2024-07-01T09:00:00Z", {"csv/lmarena_vision.csv": JUNE_ARENA})
    repo.commit("2024-08-01T09:00:00Z", {"csv/lmarena_vision.csv": JUNE_ARENA.replace(b"1287", b"1290")})
    paths = ["csv/lmsys.csv", "csv/lmarena_vision.csv"]
    with git_versions(repo.root, paths) as versions:
        snaps = snapshots(lmarena.SOURCE, versions, since=datetime(2024, 7, 15))
        assert [s.observed_at for s in snaps] == [datetime(2024, 8, 1, 9)]
        # The text board, unchanged since June, is still part of the August state.
        assert sorted(v.url.split("?")[0].rsplit("/", 1)[1] for v in snaps[0].versions) == [
            "lmarena_vision.csv", "lmsys.csv"]
        assert {v.read() for v in snaps[0].versions} == {JUNE_ARENA, JUNE_ARENA.replace(b"1287", b"1290")}


def test_several_paths_make_complete_snapshots(settings: Settings, cli: Cli, repo: Repo) -> None:
    """Boards in separate files change in separate commits; every snapshot holds every board then live."""
    october = fixture_bytes("lmarena", "lmsys_2024-10-16.csv")
    repo.commit("2024-06-19T09:00:00Z", {"csv/lmsys.csv": JUNE_ARENA})
    repo.commit("2024-07-01T09:00:00Z", {"csv/lmarena_vision.csv": b"\n".join(JUNE_ARENA.splitlines()[:7])})
    repo.commit("2024-08-01T09:00:00Z", {"csv/lmsys.csv": JUNE_ARENA.replace(b"1287", b"1290")})
    repo.commit("2024-10-16T09:00:00Z", {"csv/lmsys.csv": None, "csv/lmarena_text.csv": october})
    result = cli("lmarena", "--git", repo.root, "--path", "csv/lmsys.csv", "--path", "csv/lmarena_vision.csv",
                 "--path", "csv/lmarena_text.csv")
    assert result.exit_code == 0, result.output
    runs = query(settings, "SELECT observed_at, len(documents), status FROM collection_run ORDER BY observed_at")
    assert runs == [(datetime(2024, 6, 19, 9), 1, "ok"), (datetime(2024, 7, 1, 9), 2, "ok"),
                    (datetime(2024, 8, 1, 9), 2, "ok"), (datetime(2024, 10, 16, 9), 2, "ok")]
    vision = query(settings, "SELECT DISTINCT valid_from, valid_to FROM leaderboard_score "
                             "WHERE board = 'lmarena-vision'")
    assert vision == [(datetime(2024, 7, 1, 9), None)]  # re-confirmed, never ended, by the text-only commits
    gpt4o = query(settings, "SELECT score, valid_from, valid_to FROM leaderboard_score WHERE board = 'lmarena-text' "
                            "AND model = 'GPT-4o-2024-05-13' ORDER BY valid_from")
    assert gpt4o == [(1287, datetime(2024, 6, 19, 9), datetime(2024, 8, 1, 9)),
                     (1290, datetime(2024, 8, 1, 9), datetime(2024, 10, 16, 9)),
                     (OCTOBER_GPT4O, datetime(2024, 10, 16, 9), None)]


def test_renames_and_merges_follow_what_the_branch_published(repo: Repo) -> None:
    first = repo.commit("2025-01-01T00:00:00Z", {"data/prices.json": b"v1"})
    repo.git("mv", "data/prices.json", "prices.json")
    renamed = repo.commit("2025-01-02T00:00:00Z", {})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("2025-01-03T00:00:00Z", {"prices.json": b"v2 from a side branch"})
    repo.git("checkout", "-q", "main")
    repo.commit("2025-01-04T00:00:00Z", {"notes.txt": b"unrelated"})
    repo.git("merge", "-q", "--no-ff", "--no-edit", "side", when="2025-01-05T00:00:00Z")
    merge = repo.git("rev-parse", "HEAD")
    versions = file_versions(repo.root, "prices.json")
    assert [(v.commit, v.committed_at, v.path) for v in versions] == [
        (first, datetime(2025, 1, 1), "data/prices.json"),
        (renamed, datetime(2025, 1, 2), "prices.json"),
        (merge, datetime(2025, 1, 5), "prices.json"),  # published at the merge, not at the side commit
    ]
    with BlobReader(repo.root) as reader:
        assert [reader.read(v.commit, v.path) for v in versions] == [b"v1", b"v1", b"v2 from a side branch"]


def test_directory_paths_and_bad_repos_are_refused(settings: Settings, cli: Cli, repo: Repo, tmp_path: Path) -> None:
    repo.commit("2025-06-27T00:00:00Z", {"providers/openai/provider.toml": b'name = "OpenAI"\n'})
    tree = cli("openrouter", "--git", repo.root, "--path", "providers")
    assert tree.exit_code == 2 and "providers is a directory" in tree.output
    missing = cli("openrouter", "--git", repo.root, "--path", "nope.json")
    assert missing.exit_code == 2 and "nope.json has no history" in missing.output
    (tmp_path / "plain").mkdir()
    not_repo = cli("openrouter", "--git", tmp_path / "plain", "--path", "models.json")
    assert not_repo.exit_code == 2 and "not a git repository" in not_repo.output
    assert not settings.warehouse_file.exists()


def test_backfilled_events_are_recorded_and_sent_only_with_alerts(
    settings: Settings, cli: Cli, repo: Repo, origin: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    payloads: list[dict] = []

    def receiver(request: Request) -> Response:
        payloads.append(json.loads(request.data))
        return Response("ok")

    origin.expect_request("/hook", method="POST").respond_with_handler(receiver)
    rules = tmp_path / "alerts.toml"
    rules.write_text(f'[channels]\nhook = "json://127.0.0.1:{origin.port}/hook"\n\n'
                     '[[rules]]\nname = "prices"\nkinds = ["price_cut", "price_hike"]\nchannels = ["hook"]\n')
    monkeypatch.setenv("GAPWATCH_ALERTS_CONFIG", str(rules))
    repo.commit("2026-05-15T10:00:00Z", {"models.json": MAY})
    repo.commit("2026-06-01T08:00:00Z", {"models.json": repriced(MAY, DEEPSEEK, "0.00000010", "0.00000077")})
    repo.commit("2026-07-17T09:00:00Z", {"models.json": JULY})
    result = cli("openrouter", "--git", repo.root, "--path", "models.json")
    assert result.exit_code == 0, result.output
    t2, t3 = datetime(2026, 6, 1, 8), datetime(2026, 7, 17, 9)
    events = query(settings, "SELECT kind, entity, observed_at, backfill FROM change_event ORDER BY observed_at, kind")
    assert events == [
        ("price_cut", f"openrouter/{DEEPSEEK}", t2, True),
        ("model_removed", "ibm-granite/granite-4.1-8b", t3, True),
        ("new_model", "moonshotai/kimi-k3", t3, True),
        ("price_hike", f"openrouter/{DEEPSEEK}", t3, True),
    ]
    assert payloads == [] and query(settings, "SELECT count(*) FROM alert_delivery") == [(0,)]
    # Asked for: the backfill (here a no-op re-run) delivers what the rules select, once.
    sent = cli("openrouter", "--git", repo.root, "--path", "models.json", "--alerts")
    assert sent.exit_code == 0 and "alerts: 2 delivered, 0 failed" in sent.output, sent.output
    assert sorted(p["title"].split(":")[0] for p in payloads) == ["Price cut -50.0%", "Price hike +17.8%"]
    assert cli("openrouter", "--git", repo.root, "--path", "models.json", "--alerts").exit_code == 0
    assert len(payloads) == 2
    assert query(settings, "SELECT count(*) FROM change_event") == [(4,)]


def model_toml(name: str, input_price: float, output_price: float, open_weights: bool) -> bytes:
    return (f'name = "{name}"\nrelease_date = "2025-01-01"\nlast_updated = "2025-01-01"\n'
            f"open_weights = {str(open_weights).lower()}\n\n[cost]\ninput = {input_price}\noutput = {output_price}\n\n"
            "[limit]\ncontext = 128_000\noutput = 16_384\n").encode()


def models_dev_tree(gpt4o_input: float) -> dict[str, bytes | None]:
    return {
        "providers/openai/provider.toml": b'name = "OpenAI"\nenv = ["OPENAI_API_KEY"]\n',
        "providers/openai/models/gpt-4o.toml": model_toml("GPT-4o", gpt4o_input, 10.0, False),
        "providers/openai/models/gpt-4o-mini.toml": model_toml("GPT-4o mini", 0.15, 0.6, False),
        "providers/deepseek/provider.toml": b'name = "DeepSeek"\nenv = ["DEEPSEEK_API_KEY"]\n',
        "providers/deepseek/models/deepseek-chat.toml": model_toml("DeepSeek Chat", 0.27, 1.1, True),
        "providers/deepseek/models/deepseek-reasoner.toml": model_toml("DeepSeek Reasoner", 0.55, 2.19, True),
        "providers/groq/provider.toml": b'name = "Groq"\nenv = ["GROQ_API_KEY"]\n',
        "providers/groq/models/openai/gpt-oss-120b.toml": model_toml("GPT OSS 120B", 0.15, 0.75, True),
        "providers/groq/logo.svg": b"<svg/>",
    }


def test_a_models_dev_tree_is_rebuilt_into_its_api_document(settings: Settings, cli: Cli, repo: Repo) -> None:
    repo.commit("2025-06-27T06:12:06Z", models_dev_tree(5.0))
    repo.commit("2025-07-01T00:00:00Z", {"README.md": b"docs only: not a tree version"})
    repo.commit("2025-09-30T16:23:25Z", models_dev_tree(2.5))
    result = cli("models_dev", "--git", repo.root, "--path", "providers")
    assert result.exit_code == 0, result.output
    t1, t2 = datetime(2025, 6, 27, 6, 12, 6), datetime(2025, 9, 30, 16, 23, 25)
    assert run_times(settings) == [t1, t2]
    gpt4o = query(settings, "SELECT provider, input_per_mtok, output_per_mtok, valid_from, valid_to FROM price "
                            "WHERE model = 'gpt-4o' ORDER BY valid_from")
    assert gpt4o == [("openai", 5.0, 10.0, t1, t2), ("openai", 2.5, 10.0, t2, None)]
    nested = query(settings, "SELECT provider, model, valid_to FROM price WHERE model LIKE '%gpt-oss%'")
    assert nested == [("groq", "openai/gpt-oss-120b", None)]
    again = cli("models_dev", "--git", repo.root, "--path", "providers")
    assert "2 already ingested" in again.output  # the rebuilt document is byte-stable across runs


def test_tree_tarballs_in_a_directory(settings: Settings, cli: Cli, repo: Repo, tmp_path: Path) -> None:
    """The realdata layout: one `git archive` tarball of the tree per date."""
    archive = tmp_path / "archives"
    archive.mkdir()
    for when, price in (("2025-06-27T00:00:00Z", 5.0), ("2025-09-30T00:00:00Z", 2.5)):
        repo.commit(when, models_dev_tree(price))
        repo.git("archive", "--prefix=models.dev/", "-o", str(archive / f"tree_{when[:10]}_abcdef1234.tar.gz"),
                 "HEAD", "providers")
    result = cli("models_dev", "--dir", archive)
    assert result.exit_code == 0, result.output
    gpt4o = query(settings, "SELECT input_per_mtok, valid_from, valid_to FROM price WHERE model = 'gpt-4o' "
                            "ORDER BY valid_from")
    assert gpt4o == [(5.0, datetime(2025, 6, 27), datetime(2025, 9, 30)), (2.5, datetime(2025, 9, 30), None)]


def test_aider_leaderboard_yaml_history(settings: Settings, cli: Cli, repo: Repo) -> None:
    """Aider's polyglot YAML at its real path: scores kept across commits, dropped runs closed, a new leader."""
    path = "aider/website/_data/polyglot_leaderboard.yml"
    march, august = datetime(2025, 3, 29, 12), datetime(2025, 8, 25, 12)
    repo.commit("2025-03-29T12:00:00Z", {path: fixture_bytes("aider", "polyglot_leaderboard_2025-03-29.yml")})
    repo.commit("2025-08-25T12:00:00Z", {path: fixture_bytes("aider", "polyglot_leaderboard_2025-08-25.yml")})
    result = cli("aider", "--git", repo.root, "--path", path)
    assert result.exit_code == 0, result.output
    assert "2 documents in 2 snapshots — 2 ok" in result.output

    def history(model: str) -> list[tuple]:
        return query(settings, "SELECT score, rank, valid_from, valid_to FROM leaderboard_score "
                               "WHERE board = 'aider-polyglot' AND model = ? ORDER BY valid_from", [model])

    # The same run in both versions, but newer models passed it: same score, a new rank from August.
    assert history("DeepSeek R1") == [(56.9, 3, march, august), (56.9, 7, august, None)]
    assert history("o3-mini (high)") == [(60.4, 2, march, august)]  # no longer on the board in August
    assert history("openai/gpt-5") == [(88.0, 1, august, None)]
    leaders = query(settings, "SELECT entity, json_extract_string(after, '$.model'), observed_at, backfill "
                              "FROM change_event WHERE kind = 'new_leader'")
    assert leaders == [("aider-polyglot/overall", "openai/gpt-5", august, True)]
