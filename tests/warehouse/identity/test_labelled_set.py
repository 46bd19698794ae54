"""The labelled set of real names (tests/fixtures/identity/): alias precision and recall, openness accuracy.

Built from the real rows the sources publish under those names (recorded from the realdata staging set by
`bench/identity_labelled.py --facts`), so it runs offline. Goals: precision ≥ 0.98 and recall ≥ 0.90 over every
labelled pair, and every labelled model in exactly its class. The 2026 set (issue 25) is scored per half (`dev`
for developing rules, `held-out` for measuring them) with the same alias goals, open vs closed right for every
labelled model, and the exact class for ≥ 95 % once the Hub licences of the open models' repos (what hf_hub
fetches for the ids the catalogues link to: `hub_facts.jsonl`) are in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.identity import labelled_set
from warehouse import db
from warehouse.identity import refresh_identity

PRECISION, RECALL, EXACT = 0.98, 0.90, 0.95
HALVES = ("dev", "held-out")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = db.connect(Path(tmp_path_factory.mktemp("labelled")) / "w.duckdb")
    labelled_set.load_facts(con)
    refresh_identity(con)
    yield con
    con.close()


@pytest.fixture(scope="module")
def with_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = db.connect(Path(tmp_path_factory.mktemp("labelled-hub")) / "w.duckdb")
    labelled_set.load_facts(con)
    labelled_set.load_facts(con, labelled_set.FIXTURES / "hub_facts.jsonl")
    refresh_identity(con)
    yield con
    con.close()


def test_the_labelled_set_is_large_and_has_hard_negatives() -> None:
    pairs = labelled_set.pairs()
    same = sum(1 for *_, s in pairs if s)
    assert len(pairs) >= 400 and same >= 100 and len(pairs) - same >= 100
    sources = {n[0] for *_, n in labelled_set.clusters()}
    assert {"openrouter", "litellm", "models_dev", "aider", "open_llm_leaderboard", "lmarena", "livebench",
            "arena_catalog"} <= sources
    labels = labelled_set.openness_labels()
    assert len(labels) >= 100 and len(set(labels.values())) >= 5


def test_alias_precision_and_recall_meet_the_goals(warehouse: duckdb.DuckDBPyConnection) -> None:
    scores = labelled_set.alias_scores(warehouse)
    overall = scores["*"]
    for source, s in sorted(scores.items()):
        print(f"{source:<22} precision {s.precision:.3f} recall {s.recall:.3f}")
    assert overall.precision >= PRECISION, overall.misses
    assert overall.recall >= RECALL, overall.misses


def test_openness_of_every_labelled_model_is_exact(warehouse: duckdb.DuckDBPyConnection) -> None:
    ok, total, misses = labelled_set.openness_scores(warehouse)
    assert ok == total, misses


def test_the_metric_can_fail(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # Base merged with instruct (an alias file that says so) must cost precision, and the check must see it.
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[[alias]]\nkey = "llama-3-70b"\nmodel = "llama-3-70b-instruct"\n'
                       '[[alias]]\nkey = "gemma-2-9b"\nmodel = "gemma-2-9b-instruct"\n'
                       '[[alias]]\nkey = "qwen-2-72b"\nmodel = "qwen-2-72b-instruct"\n', encoding="utf-8")
    con = db.connect(tmp_path / "w.duckdb")
    labelled_set.load_facts(con)
    refresh_identity(con, aliases)
    assert labelled_set.alias_scores(con)["*"].fp > 0
    con.close()


@pytest.mark.parametrize("part", HALVES)
def test_the_2026_set_meets_the_alias_goals_on_each_half(warehouse: duckdb.DuckDBPyConnection, part: str) -> None:
    scores = labelled_set.alias_scores(warehouse, labelled_set.NEW, part)
    overall = scores["*"]
    assert overall.tp + overall.fn >= 150 and overall.tn >= 300  # both halves are sizeable, with hard negatives
    assert overall.precision >= PRECISION, overall.misses
    assert overall.recall >= RECALL, overall.misses


@pytest.mark.parametrize("part", HALVES)
def test_the_2026_set_is_open_or_closed_right_and_exact_with_hub_licences(
        warehouse: duckdb.DuckDBPyConnection, with_hub: duckdb.DuckDBPyConnection, part: str) -> None:
    sided, total = labelled_set.open_closed_scores(warehouse, labelled_set.LABELS_NEW, part)
    assert total >= 25 and sided == total
    ok, total, misses = labelled_set.openness_scores(with_hub, labelled_set.LABELS_NEW, part)
    assert ok >= EXACT * total, misses
