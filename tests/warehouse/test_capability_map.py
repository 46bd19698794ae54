"""The capability map: loading and checking the TOML, precedence of patterns, and its views over the recorded
documents of every leaderboard the registry lists."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from collectors import registry
from collectors.leaderboards import aider
from gapwatch.settings import Settings
from jobs.demo.replay import Recordings
from jobs.hooks import default_hooks
from jobs.pipeline import Document, Pipeline
from tests.conftest import fixture_bytes
from tests.recordings import RECORDINGS, recorded_documents
from warehouse import capabilities, db
from warehouse.capabilities import CAPABILITIES, CapabilityMapError, MapEntry

T1 = datetime(2026, 7, 1, 12)
def write_map(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    return path


def ingest_recordings(pipe: Pipeline) -> None:
    """Every recorded collection of every leaderboard the registry lists, through the real ingest path."""
    for source in registry.SOURCES:
        if source.kind != "leaderboard":
            continue
        for day in Recordings(RECORDINGS).dates(source.id):
            outcome = pipe.ingest_documents(source, recorded_documents(source, day), datetime.fromisoformat(day))
            assert outcome.status == "ok", (source.id, day, outcome.error)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    db.migrate(con)
    return con


def add_score(con: duckdb.DuckDBPyConnection, board: str, category: str, model: str = "m", unit: str = "elo") -> None:
    con.execute("INSERT INTO leaderboard_score (source, board, category, model, score, score_unit, valid_from) "
                "VALUES ('s', ?, ?, ?, 1.0, ?, TIMESTAMP '2026-01-01')", [board, category, model, unit])


def test_packaged_map_loads_with_only_known_capabilities() -> None:
    entries = capabilities.load_map()
    assert len(entries) > 50
    assert {e.capability for e in entries} == {*CAPABILITIES, "none"}
    assert all(0 < e.weight <= 1 for e in entries)


def test_map_covers_every_category_the_recordings_contain(settings: Settings) -> None:
    settings = settings.model_copy(update={"min_row_ratio": 0})  # recordings of one source differ in size
    hooks = [capabilities.ingest_hook(settings.capability_map_path)]
    with Pipeline(settings, hooks=hooks, publish_after_ingest=False) as pipe:
        ingest_recordings(pipe)
        unmapped = pipe.con.execute("SELECT * FROM v_unmapped_categories").fetchall()
        assert unmapped == []
        mapped = dict(pipe.con.execute(
            "SELECT board || '/' || category, capability FROM v_capability_scores GROUP BY ALL").fetchall())
        assert mapped["aider-polyglot/overall"] == "coding"
        assert mapped["livebench-2026-01-08/mathematics"] == "math"
        assert mapped["livebench-2025-04-25/instruction_following"] == "instruction_following"
        assert mapped["arena-catalog-text/long_user"] == "long_context"
        assert mapped["arena-catalog-text/chinese"] == "multilingual"
        assert mapped["swebench-bash-only/resolved"] == mapped["swebench-verified/resolved"] == "coding"
        assert mapped["open-llm-leaderboard/ifeval"] == "instruction_following"
        assert mapped["epoch-benchmarks/gpqa"] == "general"
        assert mapped["lmarena-text/overall"] == "general"
        # per-task detail, `none` categories and rank-only rows are known but not capability evidence
        assert not any(k.startswith("livebench-tasks-") for k in mapped)
        assert "livebench-2026-01-08/language" not in mapped and "arena-catalog-text/english" not in mapped
        assert "lmarena-text-style-control/overall_rank" not in mapped
        assert set(mapped.values()) == set(CAPABILITIES)


def test_unknown_livebench_task_surfaces_in_unmapped_view(con: duckdb.DuckDBPyConnection) -> None:
    capabilities.refresh(con)
    add_score(con, "livebench-2026-01-08", "quantum_poetry", "m1")
    add_score(con, "livebench-2026-01-08", "quantum_poetry", "m2")
    add_score(con, "brand-new-board", "overall", "m1")
    assert con.execute("SELECT * FROM v_unmapped_categories").fetchall() == [
        ("s", "brand-new-board", "overall", 1), ("s", "livebench-2026-01-08", "quantum_poetry", 2)]
    assert con.execute("SELECT count(*) FROM v_capability_scores").fetchone()[0] == 0


def test_most_specific_pattern_wins_and_equal_ones_all_apply(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_map(tmp_path, """
[[map]]
board = "arena-*"
category = "*"
capability = "general"
weight = 0.5

[[map]]
board = "arena-x"
category = "Coding"
capability = "coding"

[[map]]
board = "arena-x"
category = "mgsm"
capability = "math"

[[map]]
board = "arena-x"
category = "mgsm"
capability = "multilingual"
""")
    capabilities.refresh(con, path)
    for category in ("coding", "overall", "mgsm"):
        add_score(con, "arena-x", category)
    rows = con.execute("SELECT category, capability, weight FROM v_capability_scores ORDER BY ALL").fetchall()
    assert rows == [("coding", "coding", 1.0), ("mgsm", "math", 1.0), ("mgsm", "multilingual", 1.0),
                    ("overall", "general", 0.5)]


def test_lists_expand_to_every_board_and_category(tmp_path: Path) -> None:
    path = write_map(tmp_path, '[[map]]\nboard = ["a", "B"]\ncategory = ["x", "y"]\ncapability = "math"\n'
                               'note = "why"\n')
    assert capabilities.load_map(path) == [
        MapEntry(board, category, "math", 1.0, "why") for board in ("a", "b") for category in ("x", "y")]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ('[[map]]\nboard = "a"\ncategory = "b"\ncapability = "reasoning"\n', "entry 1: capability 'reasoning'"),
        ('[[map]]\nboard = "a"\ncategory = "b"\ncapability = "math"\nweight = 2\n', "weight 2 must be"),
        ('[[map]]\nboard = "a"\ncategory = "b"\ncapability = "math"\nweight = 0\n', "weight 0 must be"),
        ('[[map]]\nboard = ""\ncategory = "b"\ncapability = "math"\n', "`board` must be"),
        ('[[map]]\nboard = "a"\ncapability = "math"\n', "`category` must be"),
        ('[[map]]\nboard = "a"\ncategory = "b"\ncapability = "math"\ncolour = 1\n', "unknown keys ['colour']"),
        ('[[map]\nboard = "a"\n', "not valid TOML"),
        ('[[maps]]\nboard = "a"\n', "expected [[map]] entries"),
    ],
)
def test_a_bad_map_is_refused_with_where_and_what(tmp_path: Path, text: str, expect: str) -> None:
    path = write_map(tmp_path, text)
    with pytest.raises(CapabilityMapError, match=None) as err:
        capabilities.load_map(path)
    assert expect in str(err.value) and str(path) in str(err.value)


MAP = '[[map]]\nboard = "a"\ncategory = "b"\ncapability = "math"\n'


@pytest.mark.parametrize(("headline", "expect"), [
    ('[headline]\nlag_days = -3\ngeneral = ["a"]\n', "lag_days -3 must be a whole number"),
    ('[headline]\nlag_days = "two months"\ngeneral = ["a"]\n', "lag_days 'two months'"),
    ('[headline]\nreasoning = ["a"]\n', "'reasoning' is not one of"),
    ('[headline]\nmath = []\n', "must be a non-empty string or list"),
])
def test_bad_headline_preferences_are_refused(tmp_path: Path, headline: str, expect: str) -> None:
    with pytest.raises(CapabilityMapError) as err:
        capabilities.load_headline(write_map(tmp_path, headline + MAP))
    assert expect in str(err.value)


def test_packaged_headline_preferences_name_every_capability_in_order() -> None:
    loaded = capabilities.load_headline()
    assert {c for c, _, _, _ in loaded} == set(CAPABILITIES)
    general = [b for c, _, b, _ in sorted(loaded) if c == "general"]
    assert general[0] == "arena-catalog-text"
    assert "swebench-verified" not in {b for _, _, b, _ in loaded}  # agent systems never head a capability
    assert {lag for *_, lag in loaded} == {60}  # the freshness lag the packaged map declares


def test_missing_map_file_says_which_setting_to_fix(tmp_path: Path) -> None:
    with pytest.raises(CapabilityMapError, match="GAPWATCH_CAPABILITY_MAP_PATH"):
        capabilities.load_map(tmp_path / "nope.toml")


def test_hook_reloads_an_edited_map_and_keeps_the_last_good_one_on_error(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_map(tmp_path, '[[map]]\nboard = "b"\ncategory = "c"\ncapability = "coding"\n')
    hook = capabilities.ingest_hook(path)
    hook(con, None, None)
    assert con.execute("SELECT board, category, capability FROM capability_map").fetchall() == [("b", "c", "coding")]
    path.write_text('[[map]]\nboard = "b"\ncategory = "c"\ncapability = "cooking"\n', encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        hook(con, None, None)
    assert "cooking" in caplog.text and "keeping the previously loaded capability map" in caplog.text
    assert con.execute("SELECT capability FROM capability_map").fetchall() == [("coding",)]


def test_setting_points_the_pipeline_at_a_user_map(settings: Settings, tmp_path: Path) -> None:
    path = write_map(tmp_path, '[[map]]\nboard = "aider-*"\ncategory = "*"\ncapability = "general"\n')
    settings = settings.model_copy(update={"capability_map_path": path})
    with Pipeline(settings, hooks=default_hooks(settings)) as pipe:
        body = fixture_bytes("aider", "polyglot_leaderboard_2025-08-25.yml")
        url = aider.SOURCE.urls()[0]
        assert pipe.ingest_documents(aider.SOURCE, [Document(url, body, hashlib.sha256(body).hexdigest())],
                                     T1).status == "ok"
    published = duckdb.connect(str(settings.published_file), read_only=True)
    assert published.execute("SELECT DISTINCT capability FROM v_capability_scores").fetchall() == [("general",)]
    assert published.execute("SELECT count(*) FROM capability_map").fetchone()[0] == 1
    published.close()
