"""Incremental transforms: after any sequence of diffs the tables equal a full recompute (`refresh.compute`, the
pure function over the whole warehouse), and a change recomputes only the families it reaches."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from collectors.leaderboards import lmarena
from collectors.pricing import litellm, models_dev, openrouter
from gapwatch.settings import Settings
from gapwatch.source import Diff, FactChange
from jobs.pipeline import Document, make_pipeline
from tests.conftest import fixture_bytes, realdata
from warehouse import db
from warehouse.transforms import families, incremental, inputs, score_state, touched
from warehouse.transforms.refresh import compute

SETTINGS = Settings(_env_file=None)
BOARDS = {"arena": ("overall", "general"), "arena-code": ("coding", "coding"), "mathbench": ("accuracy", "math")}
OPENNESS = ("closed", "open-source", "open-weights-restricted", "open-weights-noncommercial", "unknown")
START = datetime(2025, 1, 1, 12)


def assert_tables_equal_full(con: duckdb.DuckDBPyConnection, settings: Settings = SETTINGS) -> None:
    """Every transform table equals what the pure full computation gives on the warehouse as it is now."""
    as_of = inputs.as_of(con)
    expected = compute(inputs.scores(con), inputs.prices(con), as_of, settings, inputs.headline_preferences(con))
    for name, frame in expected.items():
        actual = con.sql(f"SELECT * FROM {name}").pl()
        want = frame.select(actual.columns).cast(dict(actual.schema))
        key = actual.columns
        assert actual.height == want.height, f"{name}: {actual.height} rows incrementally, {want.height} in full"
        # Equal up to the last bit of a float: a ratio of the same two numbers read back from a table may round
        # differently from the one computed in the same frame (1 ulp).
        try:
            assert_frame_equal(actual.sort(key, nulls_last=True), want.sort(key, nulls_last=True),
                               check_exact=False, rel_tol=1e-12, abs_tol=0.0)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None


@dataclass
class Outcome:
    source: str
    observed_at: datetime
    status: str = "ok"
    diff: Diff = field(default_factory=Diff)


class Warehouse:
    """A migrated warehouse with generated history, changed the way ingest changes it (close the open interval,
    open a new one) and with each change recorded as ingest records it."""

    def __init__(self, path: Path, seed: int, released: bool = False) -> None:
        self.rng = random.Random(seed)
        self.con = db.connect(path)
        self.now = START
        self.models = [f"m{i:03d}" for i in range(60)]
        if released:  # half the models date-stamped (months behind dates them by release), before or after listing
            self.models = [f"{m}-{START + timedelta(days=self.rng.randint(-300, 400)):%Y%m%d}"
                           if self.rng.random() < 0.5 else m for m in self.models]
        self.con.executemany("INSERT INTO capability_map VALUES (?, ?, ?, 1.0, NULL)",
                             [[b, c, cap] for b, (c, cap) in BOARDS.items()])
        self.con.executemany("INSERT INTO model (model_id, openness) VALUES (?, ?)",
                             [[m, self.rng.choice(OPENNESS)] for m in self.models])
        for src in ("arena", "prices-a", "prices-b"):
            self.con.executemany("INSERT INTO model_alias VALUES (?, ?, ?, 'exact', 1.0)",
                                 [[src, m, m] for m in self.models if self.rng.random() < 0.9])
        for day in range(0, 200, 20):
            self.now = START + timedelta(days=day)
            self.change(prices=14, scores=14)
        self.collected()
        incremental.refresh(self.con, SETTINGS)

    def collected(self) -> None:
        self.con.execute("INSERT INTO collection_run (source, observed_at, started_at, finished_at, status, added) "
                         "VALUES ('test', ?, ?, ?, 'ok', 1)", [self.now, self.now, self.now])

    def change(self, prices: int = 0, scores: int = 0, boards: tuple[str, ...] = tuple(BOARDS)) -> None:
        by_source: dict[str, Outcome] = {}
        seen: set[tuple] = set()  # one change per fact and snapshot, as ingest writes them
        for _ in range(prices):
            src, provider = self.rng.choice(("prices-a", "prices-b")), self.rng.choice(("p1", "p2", "p3"))
            model, tier = self.rng.choice(self.models), self.rng.choice(("standard", "standard", "batch"))
            if (src, provider, model, tier) in seen:
                continue
            seen.add((src, provider, model, tier))
            key = {"provider": provider, "model": model, "tier": tier}
            price = round(self.rng.uniform(0.1, 20), 2)
            self.con.execute("UPDATE price SET valid_to = ? WHERE source = ? AND provider = ? AND model = ? "
                             "AND tier = ? AND valid_to IS NULL", [self.now, src, provider, model, tier])
            if self.rng.random() < 0.9:  # else the price is withdrawn
                self.con.execute("INSERT INTO price (source, provider, model, tier, input_per_mtok, output_per_mtok,"
                                 " currency, valid_from) VALUES (?, ?, ?, ?, ?, ?, 'USD', ?)",
                                 [src, provider, model, tier, price, price * 3, self.now])
            out = by_source.setdefault(src, Outcome(src, self.now))
            out.diff.changed.append(FactChange("price", key, None, None, None))
        for _ in range(scores):
            board = self.rng.choice(boards)
            category = BOARDS[board][0]
            model = self.rng.choice(self.models)
            if (board, model) in seen:
                continue
            seen.add((board, model))
            self.con.execute("UPDATE leaderboard_score SET valid_to = ? WHERE source = 'arena' AND board = ? "
                             "AND model = ? AND valid_to IS NULL", [self.now, board, model])
            self.con.execute(
                "INSERT INTO leaderboard_score (source, board, category, model, score, score_unit, valid_from) "
                "VALUES ('arena', ?, ?, ?, ?, 'elo', ?)",
                [board, category, model, round(self.rng.gauss(1200, 80), 1), self.now])
            out = by_source.setdefault("arena", Outcome("arena", self.now))
            out.diff.added.append(FactChange("leaderboard_score", {"board": board, "category": category,
                                                                    "model": model}, None, None, None))
        for out in by_source.values():
            touched.record_touches(self.con, out.source, out)


@pytest.mark.parametrize(("seed", "released"), [(0, False), (1, False), (2, False), (3, True), (4, True)])
def test_random_diffs_leave_the_tables_of_a_full_recompute(tmp_path: Path, seed: int, released: bool) -> None:
    """Random price and score changes, new days and identity moves; with `released`, models first scored long
    after their release (their records move back in time) and names moved between dated models."""
    w = Warehouse(tmp_path / "w.duckdb", seed, released)
    assert_tables_equal_full(w.con)
    for step in range(14):
        kind = w.rng.choice(("prices", "scores", "both", "next day", "new day with scores", "identity"))
        if "day" in kind:  # the first collection of a day, days or weeks later (crossing grid days)
            w.now += timedelta(days=w.rng.choice((1, 1, 3, 9, 40)))
            w.collected()
        else:
            w.now += timedelta(minutes=5)
        if kind == "identity":  # a model's openness moves, a name gains or loses its model
            w.con.execute("UPDATE model SET openness = ? WHERE model_id = ?",
                          [w.rng.choice(OPENNESS), w.rng.choice(w.models)])
            w.con.execute("DELETE FROM model_alias WHERE source = 'prices-a' AND source_model = ?",
                          [w.rng.choice(w.models)])
            w.con.execute("INSERT INTO model_alias VALUES ('arena', ?, ?, 'manual', 1.0) ON CONFLICT DO UPDATE "
                          "SET model_id = excluded.model_id", [w.rng.choice(w.models), w.rng.choice(w.models)])
            w.con.execute("INSERT INTO openness_evidence VALUES (NULL, 'prices-b', ?, 'licence', 'mit', "
                          "'open-source', 'mit', 2, NULL)", [w.rng.choice(w.models)])
        w.change(prices=w.rng.randint(1, 6) if kind in ("prices", "both", "next day") else 0,
                 scores=w.rng.randint(1, 6) if kind in ("scores", "both", "new day with scores") else 0)
        done = incremental.refresh(w.con, SETTINGS)
        assert done == "partial", (step, kind, done)
        assert_tables_equal_full(w.con)


@pytest.mark.parametrize("seed", range(2))
def test_new_days_and_score_changes_extend_the_tables(tmp_path: Path, seed: int) -> None:
    """Score changes on every board, new days alone, and new days with score and price changes, each derived
    without a full recompute (what a live service does every day) and equal to one."""
    w = Warehouse(tmp_path / "w.duckdb", 20 + seed)
    for step, (days, prices, scores) in enumerate(
            [(0, 0, 6), (1, 0, 0), (0, 0, 3), (6, 0, 0), (1, 4, 5), (31, 0, 0), (0, 2, 2), (2, 0, 8), (0, 0, 1)]):
        if days:
            w.now += timedelta(days=days)
            w.collected()
        else:
            w.now += timedelta(minutes=5)
        w.change(prices=prices, scores=scores)
        assert incremental.refresh(w.con, SETTINGS) == "partial", step
        assert_tables_equal_full(w.con)


def test_a_model_listed_and_removed_within_a_day_counts_from_its_release_when_listed_again(tmp_path: Path) -> None:
    """A date-stamped model's first listing began and ended within one day (no day closed on it, so it is
    dropped): listed again days later, that listing is its first and counts from its release, as in full."""
    w = Warehouse(tmp_path / "w.duckdb", 12)
    model = "m900-20240601"  # released before the history began, scoring above every other: a closed record
    w.con.execute("INSERT INTO model (model_id, openness) VALUES (?, 'closed')", [model])
    w.con.execute("INSERT INTO model_alias VALUES ('arena', ?, ?, 'exact', 1.0)", [model, model])
    key = {"board": "arena", "category": "overall", "model": model}

    def step(days: int, hours: int, listed: bool) -> None:
        w.now += timedelta(days=days, hours=hours)
        if days:
            w.collected()
        w.con.execute("UPDATE leaderboard_score SET valid_to = ? WHERE model = ? AND valid_to IS NULL", [w.now, model])
        if listed:
            w.con.execute("INSERT INTO leaderboard_score (source, board, category, model, score, score_unit, "
                          "valid_from) VALUES ('arena', 'arena', 'overall', ?, 2000, 'elo', ?)", [model, w.now])
        out = Outcome("arena", w.now)
        (out.diff.added if listed else out.diff.removed).append(FactChange("leaderboard_score", key, None, None,
                                                                           None))
        touched.record_touches(w.con, "arena", out)
        assert incremental.refresh(w.con, SETTINGS) == "partial"
        assert_tables_equal_full(w.con)

    step(1, 0, listed=True)
    step(0, 1, listed=False)  # gone within the day it came
    step(5, 0, listed=True)
    assert w.con.execute("SELECT closed_date FROM months_behind WHERE closed_model = ? LIMIT 1",
                         [model]).fetchall() == [(date(2024, 6, 1),)]


def test_a_price_change_leaves_the_gap_tables_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = Warehouse(tmp_path / "w.duckdb", 7)
    w.now += timedelta(minutes=5)
    w.change(prices=3)

    def forbidden(*args: object) -> None:
        raise AssertionError("a price-only change recomputed the gap tables")

    monkeypatch.setattr(score_state, "update_boards", forbidden)
    monkeypatch.setattr(score_state, "update_as_of", forbidden)
    monkeypatch.setattr(families.Frames, "history", property(forbidden))
    assert incremental.refresh(w.con, SETTINGS) == "partial"
    monkeypatch.undo()
    assert_tables_equal_full(w.con)


def test_a_score_change_off_the_reference_board_leaves_the_price_tables_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = Warehouse(tmp_path / "w.duckdb", 8)
    w.now += timedelta(minutes=5)
    w.change(scores=4, boards=("mathbench",))  # not the general capability's board: quality stays as it was

    def forbidden(*args: object) -> None:
        raise AssertionError("a score change off the reference board recomputed the price tables")

    for name in ("price_quality_tables", "price_tables", "_update_prices", "_update_price_quality"):
        monkeypatch.setattr(incremental, name, forbidden)
    monkeypatch.setattr(families.Frames, "prices", property(forbidden))
    assert incremental.refresh(w.con, SETTINGS) == "partial"
    monkeypatch.undo()
    assert_tables_equal_full(w.con)


def test_nothing_touched_recomputes_nothing(tmp_path: Path) -> None:
    w = Warehouse(tmp_path / "w.duckdb", 9)
    assert incremental.refresh(w.con, SETTINGS) == "nothing"
    touched.mark_stale(w.con)
    assert incremental.refresh(w.con, SETTINGS) == "full"


def test_every_family_writes_the_tables_it_declares_and_no_other_family_does(tmp_path: Path) -> None:
    w = Warehouse(tmp_path / "w.duckdb", 10)
    frames = families.Frames(w.con, SETTINGS, inputs.as_of(w.con))
    declared = [t for f in families.FAMILIES for t in f.tables]
    assert len(declared) == len(set(declared)), "a table belongs to one family"
    for family in families.FAMILIES:
        assert sorted(family.compute(frames)) == sorted(family.tables), family.name
    existing = {r[0] for r in w.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert set(declared) <= existing, "create the new table in a migration"


def _doc(body: bytes, url: str = "http://127.0.0.1/doc") -> Document:
    return Document(url, body, hashlib.sha256(body).hexdigest())


def test_real_ingests_through_the_pipeline_leave_the_tables_of_a_full_recompute(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", respect_robots=False)
    csv = lmarena.SOURCE.__class__(**{**lmarena.SOURCE.__dict__, "paths": ("/lmsys.csv",)})
    steps = [
        (csv, fixture_bytes("lmarena", "lmsys_2024-06-19.csv"), datetime(2024, 6, 19, 12)),
        (openrouter.SOURCE, fixture_bytes("openrouter", "models_2026-05-15.json"), datetime(2024, 6, 19, 13)),
        (openrouter.SOURCE, fixture_bytes("openrouter", "models_2026-07-17.json"), datetime(2024, 6, 19, 14)),
        (csv, fixture_bytes("lmarena", "lmsys_2024-10-16.csv"), datetime(2024, 6, 19, 15)),
        (openrouter.SOURCE, fixture_bytes("openrouter", "models_2026-05-15.json"), datetime(2024, 10, 16, 12)),
    ]
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        for source, body, at in steps:
            assert pipe.ingest_documents(source, [_doc(body)], at).status == "ok"
            assert_tables_equal_full(pipe.con, settings)


@pytest.mark.realdata
def test_real_litellm_versions_leave_the_tables_of_a_full_recompute(tmp_path: Path) -> None:
    files = sorted(realdata("litellm").glob("*.json"))[-3:]
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", respect_robots=False)
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        for minutes, path in enumerate(files):
            at = datetime.combine(date(2026, 3, 3), datetime.min.time()) + timedelta(minutes=minutes)
            assert pipe.ingest_documents(litellm.SOURCE, [_doc(path.read_bytes())], at).status == "ok"
            assert_tables_equal_full(pipe.con, settings)


def test_a_new_family_is_recomputed_when_one_of_its_inputs_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = Warehouse(tmp_path / "w.duckdb", 11)
    w.con.execute("CREATE TABLE price_rows (n BIGINT)")
    calls: list[int] = []

    def compute_rows(frames: families.Frames) -> dict[str, pl.DataFrame]:
        calls.append(frames.prices.height)
        return {"price_rows": pl.DataFrame({"n": [frames.prices.height]})}

    extra = families.Family("price_rows", ("price_rows",), frozenset({families.PRICE}), compute_rows)
    monkeypatch.setattr(incremental, "FAMILIES", (*families.FAMILIES, extra))
    touched.mark_stale(w.con)
    assert incremental.refresh(w.con, SETTINGS) == "full"
    assert len(calls) == 1
    w.now += timedelta(minutes=5)
    w.change(scores=3, boards=("mathbench",))
    assert incremental.refresh(w.con, SETTINGS) == "partial"
    assert len(calls) == 1  # scores are not among its inputs
    w.now += timedelta(minutes=5)
    w.change(prices=3)
    assert incremental.refresh(w.con, SETTINGS) == "partial"
    assert len(calls) == 2
    rows = w.con.execute("SELECT count(*) FROM price").fetchall()[0][0]
    assert w.con.execute("SELECT n FROM price_rows").fetchall() == [(rows,)]


def test_a_catalogue_that_redates_a_board_model_recomputes_months_behind(tmp_path: Path) -> None:
    """A release date that moves changes no score and no name's model or openness, but months behind."""
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", respect_robots=False)
    csv = lmarena.SOURCE.__class__(**{**lmarena.SOURCE.__dict__, "paths": ("/lmsys.csv",)})

    def catalogue(released: str) -> bytes:
        """The models.dev fixture, also listing GPT-4-1106-preview (on the arena's board) released that day."""
        api = json.loads(fixture_bytes("models_dev", "api_2025-09-30.json"))
        openai = api["openai"]["models"]
        openai["gpt-4-1106-preview"] = {**openai["gpt-4o"], "id": "gpt-4-1106-preview", "name": "GPT-4 Turbo",
                                        "release_date": released}
        return json.dumps(api).encode()

    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        pipe.ingest_documents(csv, [_doc(fixture_bytes("lmarena", "lmsys_2024-06-19.csv"))], datetime(2024, 6, 19, 12))
        pipe.ingest_documents(models_dev.SOURCE, [_doc(catalogue("2024-06-01"))], datetime(2024, 6, 19, 13))
        dated = "SELECT closed_date FROM months_behind WHERE closed_model = 'gpt-4-1106-preview'"
        assert pipe.con.execute(dated).fetchall() == []  # released after GPT-4-Turbo-2024-04-09: no record
        pipe.ingest_documents(models_dev.SOURCE, [_doc(catalogue("2023-11-06"))], datetime(2024, 6, 19, 14))
        assert pipe.con.execute(dated).fetchall() == [(date(2023, 11, 6),), (date(2023, 11, 6),)]
        assert_tables_equal_full(pipe.con, settings)


def _no_full(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object) -> None:
        raise AssertionError("a release date change recomputed every table")
    monkeypatch.setattr(incremental, "full", forbidden)


def _assert_records_equal_full(con: duckdb.DuckDBPyConnection) -> None:
    """The records behind months behind (`transform_score_record`, which later derives extend) equal a full
    derive's, the release each is kept with included (which `months_behind` reads only where it is the date)."""
    want = families.Frames(con, SETTINGS, inputs.as_of(con)).history.records
    got = con.sql("SELECT * FROM transform_score_record").pl().cast(dict(want.schema))
    assert_frame_equal(got.sort(want.columns, nulls_last=True), want.select(got.columns).sort(want.columns,
                                                                                                nulls_last=True))


def _release(w: Warehouse, model: str, day: date | None) -> None:
    """The operator dates `model` (`manual_model`, which months behind prefers to the catalogues), or undates it."""
    w.con.execute("DELETE FROM manual_model WHERE model_id = ?", [model])
    if day is not None:
        w.con.execute("INSERT INTO manual_model (model_id, release_date) VALUES (?, ?)", [model, day])


def _holder_and_other(w: Warehouse) -> tuple[str, str]:
    """An undated model holding a record (on the closed lane: the one months behind starts from) and an undated
    model holding none."""
    holders = {r[0] for r in w.con.execute("SELECT model FROM transform_score_record").fetchall()}
    scored = sorted({r[0] for r in w.con.execute("SELECT model FROM transform_score_model").fetchall()})
    undated = [m for m in scored if "-" not in m]
    holder = w.con.execute("SELECT model FROM transform_score_record WHERE lane = 0 AND list_contains(?, model) "
                           "ORDER BY \"start\" DESC LIMIT 1", [undated]).fetchall()[0][0]
    return holder, next(m for m in undated if m not in holders)


@pytest.mark.parametrize("seed", range(3))
def test_release_date_changes_extend_the_records_without_a_full_recompute(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """A release added, moved earlier, moved later and removed, of a model holding a record and of one holding
    none, alone and with score changes (of that model too) and a new day in the same derive: only the records
    move, and the tables equal a full recompute."""
    w = Warehouse(tmp_path / "w.duckdb", 30 + seed, released=True)
    holder, other = _holder_and_other(w)
    first = w.con.execute("SELECT min(first) FROM transform_score_model WHERE model = ?", [holder]).fetchall()[0][0]
    _no_full(monkeypatch)
    def rescore(model: str, score: float) -> None:
        """A new estimate of `model` on the general board, listed now."""
        w.con.execute("UPDATE leaderboard_score SET valid_to = ? WHERE model = ? AND board = 'arena' "
                      "AND valid_to IS NULL", [w.now, model])
        w.con.execute("INSERT INTO leaderboard_score (source, board, category, model, score, score_unit, "
                      "valid_from) VALUES ('arena', 'arena', 'overall', ?, ?, 'elo', ?)", [model, score, w.now])
        out = Outcome("arena", w.now)
        out.diff.added.append(FactChange("leaderboard_score", {"board": "arena", "category": "overall",
                                                                "model": model}, None, None, None))
        touched.record_touches(w.con, "arena", out)

    # releases, random score changes, days later, a new estimate of a model (with its score) in the same derive
    steps: list[tuple[dict[str, date | None], int, int, tuple[str, float] | None]] = [
        ({holder: first - timedelta(days=90)}, 0, 0, None),  # added before its first listing: its records move back
        ({holder: first - timedelta(days=200)}, 0, 0, None),  # earlier
        ({holder: first + timedelta(days=30)}, 0, 0, None),  # later, after its first listing
        ({holder: None}, 0, 0, None),  # removed: it counts from its listing again
        ({other: first - timedelta(days=150)}, 0, 0, None),  # a model holding no record dated early: may hold one
        ({other: first + timedelta(days=60)}, 4, 0, (other, 1500)),  # with score changes, of that model too
        ({holder: first - timedelta(days=10)}, 3, 2, None),  # with score changes and a new day
        ({}, 0, 1, (holder, 3000)),  # a new estimate above every score: a record listed long after the release
        ({holder: first - timedelta(days=40)}, 0, 0, None),  # that record's release moves, far after the window
        ({holder: first - timedelta(days=120), other: first + timedelta(days=90)}, 0, 0, None),  # overlapping
        ({holder: None, other: first - timedelta(days=300)}, 0, 0, None),
    ]
    for step, (releases, scores, days, estimate) in enumerate(steps):
        w.now += timedelta(days=days, minutes=5)
        if days:
            w.collected()
        for model, released in releases.items():
            _release(w, model, released)
        w.change(scores=scores)
        if estimate is not None:
            rescore(*estimate)
        assert incremental.refresh(w.con, SETTINGS) == "partial", step
        assert_tables_equal_full(w.con)
        _assert_records_equal_full(w.con)
        if step == 0:  # the records of the dated model count from its release now
            assert w.con.execute("SELECT count(*) FROM transform_score_record WHERE model = ? AND \"start\" = ?",
                                 [holder, releases[holder]]).fetchall()[0][0] > 0


def test_a_catalogue_release_with_random_diffs_leaves_the_tables_of_a_full_recompute(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Catalogue release dates (a vote of `source_model` entries) added, moved and dropped for random models, each
    with random score and price changes, new days and identity moves."""
    w = Warehouse(tmp_path / "w.duckdb", 40, released=True)
    w.con.execute("INSERT INTO model_alias SELECT 'cat', model_id, model_id, 'exact', 1.0 FROM model")
    undated = [m for m in w.models if "-" not in m]  # a date-stamped id is dated by its stamp, not a catalogue
    _no_full(monkeypatch)
    for step in range(12):
        for model in w.rng.sample(undated, 6):
            w.con.execute("DELETE FROM source_model WHERE source = 'cat' AND model = ?", [model])
            if w.rng.random() < 0.8:
                w.con.execute("INSERT INTO source_model (source, model, released, valid_from) "
                              "VALUES ('cat', ?, ?, ?)", [model, START + timedelta(days=w.rng.randint(-300, 250)),
                                                          w.now])
        kind = w.rng.choice(("alone", "scores", "new day", "identity"))
        if kind == "new day":
            w.now += timedelta(days=w.rng.choice((1, 9)))
            w.collected()
        else:
            w.now += timedelta(minutes=5)
        if kind == "identity":
            w.con.execute("INSERT INTO model_alias VALUES ('arena', ?, ?, 'manual', 1.0) ON CONFLICT DO UPDATE "
                          "SET model_id = excluded.model_id", [w.rng.choice(w.models), w.rng.choice(w.models)])
        w.change(scores=w.rng.randint(1, 6) if kind != "alone" else 0, prices=w.rng.randint(0, 3))
        assert incremental.refresh(w.con, SETTINGS) == "partial", (step, kind)
        assert_tables_equal_full(w.con)
        _assert_records_equal_full(w.con)
