"""A guard that heals: a source's fix of a wrong price is taken as a correction, a value every other listing
contradicts is never current, and loading the versions in either order ends in the same state.

The real case: models.dev's 2026-03-21 tree prices OpenRouter's GPT-5.4 mini and nano per token (10⁶× too
cheap) and Helicone's `mistral-small` per 1K tokens (1000× too dear); the 2026-07-01 tree fixes all three.
"""

from __future__ import annotations

import json
from datetime import datetime
from hashlib import sha256
from pathlib import Path

import pytest

from collectors.pricing import models_dev
from gapwatch.settings import Settings
from jobs.backfill.backfill import backfill, dir_versions, snapshots
from jobs.backfill.dated_files import dated_files
from jobs.pipeline import Document, Pipeline
from tests.conftest import fixture_bytes, realdata

FIXED = {("openrouter", "openai/gpt-5.4-mini"): (0.75, 4.5), ("openrouter", "openai/gpt-5.4-nano"): (0.2, 1.25),
         ("helicone", "mistral-small"): (0.075, 0.2)}
TREES = ("tree_2026-03-21_8ee9ea1d96.tar.gz", "tree_2026-07-01_f3fc692299.tar.gz")


def history(pipe: Pipeline, provider: str, model: str) -> list[tuple]:
    return pipe.con.execute(
        "SELECT input_per_mtok, output_per_mtok, valid_from, valid_to FROM price WHERE source = 'models_dev' "
        "AND provider = ? AND model = ? AND tier = 'standard' ORDER BY valid_from", [provider, model]).fetchall()


def load_trees(settings: Settings, tmp: Path, order: tuple[str, ...]) -> dict[tuple[str, str], list[tuple]]:
    """Backfill each tree on its own, in `order`: a later tree first, an earlier one fitted in under it."""
    with Pipeline(settings, publish_after_ingest=False) as pipe:
        for name in order:
            folder = tmp / name.removesuffix(".tar.gz")
            folder.mkdir()
            (folder / name).write_bytes(realdata("models.dev", name).read_bytes())
            found, _ = dated_files(folder)
            versions = dir_versions(found, models_dev.SOURCE.tree)
            report = backfill(pipe, models_dev.SOURCE, snapshots(models_dev.SOURCE, versions))
            assert report.count("ok") == 1, report.summary()
        return {key: history(pipe, *key) for key in FIXED}


@pytest.mark.realdata
def test_real_models_dev_corrections_end_right_in_either_order(tmp_path: Path) -> None:
    runs = {}
    for order in (TREES, TREES[::-1]):
        base = tmp_path / "-".join(n[5:15] for n in order)
        base.mkdir()
        runs[order] = load_trees(Settings(_env_file=None, data_dir=base / "data"), base, order)
    forward, backward = runs[TREES], runs[TREES[::-1]]
    assert forward == backward
    for key, prices in FIXED.items():
        current = [h[:2] for h in forward[key] if h[3] is None]
        assert current == [prices], f"{key}: {forward[key]}"
        # The wrong value is never current: OpenRouter's per-token entries were left out (every other listing
        # of the model says otherwise) and Helicone's, where older sources still disagreed, ended on 07-01.
        assert all(h[3] is not None for h in forward[key] if h[:2] != prices)


def ingest(pipe: Pipeline, name: str, at: datetime) -> None:
    body = fixture_bytes("models_dev", name)
    outcome = pipe.ingest_documents(models_dev.SOURCE, [Document(name, body, sha256(body).hexdigest())], at)
    assert outcome.status == "ok", outcome.error


T1, T2 = datetime(2026, 3, 21, 12), datetime(2026, 7, 1, 12)


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_a_fix_that_agrees_with_the_other_listings_is_a_correction(settings: Settings, order: str) -> None:
    """Only OpenRouter lists the model at first (per token, nothing to compare with: accepted); the next version
    adds OpenAI's and Azure's listings and fixes OpenRouter's 10⁶× jump, which the guard accepts as a correction
    (it held such a jump back before). Loaded the other way round, the history is the same."""
    steps = [("corrections_before.json", T1), ("corrections_after.json", T2)]
    with Pipeline(settings, publish_after_ingest=False) as pipe:
        for name, at in steps if order == "forward" else steps[::-1]:
            ingest(pipe, name, at)
        wrong_then_right = [(7.5e-07, 4.5e-06, T1, T2), (0.75, 4.5, T2, None)]
        assert history(pipe, "openrouter", "openai/gpt-5.4-mini") == wrong_then_right
        if order == "forward":
            actions = pipe.con.execute("SELECT field, previous, found, action FROM v_price_jumps ORDER BY field")
            assert actions.fetchall() == [("input", 7.5e-07, 0.75, "corrected"),
                                          ("output", 4.5e-06, 4.5, "corrected")]


def test_a_value_every_other_listing_contradicts_is_never_current(settings: Settings) -> None:
    """The after-version with OpenRouter's entry still per token: OpenAI and Azure both say 1,000,000× more,
    so the entry is left out rather than listed as the model's price."""
    doc = json.loads(fixture_bytes("models_dev", "corrections_after.json"))
    doc["openrouter"]["models"]["openai/gpt-5.4-mini"]["cost"] = {"input": 7.5e-07, "output": 4.5e-06}
    body = json.dumps(doc).encode()
    with Pipeline(settings, publish_after_ingest=False) as pipe:
        outcome = pipe.ingest_documents(models_dev.SOURCE, [Document("x.json", body, sha256(body).hexdigest())], T2)
        assert outcome.status == "ok", outcome.error
        assert history(pipe, "openrouter", "openai/gpt-5.4-mini") == []
        assert history(pipe, "openai", "gpt-5.4-mini") == [(0.75, 4.5, T2, None)]
        dropped = pipe.con.execute("SELECT DISTINCT action FROM v_price_jumps").fetchall()
        assert dropped == [("dropped_outlier",)]
