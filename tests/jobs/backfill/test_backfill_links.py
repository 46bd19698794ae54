"""models.dev links one provider's model file to another's (`providers/azure/models/gpt-4o.toml ->
../../openai/models/gpt-4o.toml`): `--git` and `--dir` backfills read a link as the file it points to at that
commit, count the links in the summary, and leave out (and name) a link that goes nowhere."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from gapwatch.settings import Settings
from tests.jobs.backfill import test_backfill as dir_mode
from tests.jobs.backfill.test_backfill import Cli, query
from tests.jobs.backfill.test_backfill_git import Repo, model_toml, models_dev_tree, repo

cli = dir_mode.cli
__all__ = ["cli", "repo"]  # fixtures shared with the other backfill tests
T1, T2 = datetime(2026, 3, 21, 16, 56), datetime(2026, 7, 1, 16, 40)


def link(repo: Repo, name: str, points_to: str) -> None:
    path = repo.root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(points_to, path)
    repo.git("add", name)


def linked_tree(repo: Repo, when: str, gpt4o_input: float) -> None:
    """The openai entry, an azure link to it, a link into the canonical `models/` tree and a dangling link."""
    files = models_dev_tree(gpt4o_input)
    files["models/openai/gpt-5.toml"] = model_toml("GPT-5", 1.25, 10.0, False)
    files["providers/azure/provider.toml"] = b'name = "Azure"\nenv = ["AZURE_API_KEY"]\n'
    for name, body in files.items():
        path = repo.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body or b"")
        repo.git("add", name)
    if not (repo.root / "providers/azure/models/gpt-4o.toml").is_symlink():
        link(repo, "providers/azure/models/gpt-4o.toml", "../../openai/models/gpt-4o.toml")
        link(repo, "providers/azure/models/gpt-5.toml", "../../../models/openai/gpt-5.toml")
        link(repo, "providers/azure/models/gone.toml", "../../openai/models/never-was.toml")
    repo.git("commit", "-q", "-m", f"tree at {when}", when=when)


def azure(settings: Settings) -> list[tuple]:
    return query(settings, "SELECT model, input_per_mtok, valid_from, valid_to FROM price WHERE provider = 'azure' "
                           "ORDER BY model, valid_from")


def test_git_backfill_of_providers_and_models_follows_links_at_each_commit(settings: Settings, cli: Cli,
                                                                           repo: Repo) -> None:
    linked_tree(repo, "2026-03-21T16:56:00Z", 5.0)
    linked_tree(repo, "2026-07-01T16:40:00Z", 2.5)  # the linked-to file changes: the link reads the new price
    result = cli("models_dev", "--git", repo.root, "--path", "providers", "--path", "models")
    assert result.exit_code == 0, result.output
    assert azure(settings) == [("gpt-4o", 5.0, T1, T2), ("gpt-4o", 2.5, T2, None), ("gpt-5", 1.25, T1, None)]
    summary = " ".join(result.output.split())
    assert "4 symbolic links read as the files they point to" in summary
    assert "1 broken (left out, e.g. providers/azure/models/gone.toml" in summary


def test_dir_backfill_of_tarballs_follows_links(settings: Settings, cli: Cli, repo: Repo, tmp_path: Path) -> None:
    archive = tmp_path / "archives"
    archive.mkdir()
    for when, price in (("2026-03-21T16:56:00Z", 5.0), ("2026-07-01T16:40:00Z", 2.5)):
        linked_tree(repo, when, price)
        repo.git("archive", "--prefix=models.dev/", "-o", str(archive / f"tree_{when[:10]}_abcdef1234.tar.gz"),
                 "HEAD", "providers", "models")
    result = cli("models_dev", "--dir", archive)
    assert result.exit_code == 0, result.output
    day1, day2 = datetime(2026, 3, 21), datetime(2026, 7, 1)
    # A tarball link into `models/` is read from the same tarball.
    assert azure(settings) == [("gpt-4o", 5.0, day1, day2), ("gpt-4o", 2.5, day2, None), ("gpt-5", 1.25, day1, None)]
    assert "4 symbolic links read as the files they point to" in " ".join(result.output.split())
