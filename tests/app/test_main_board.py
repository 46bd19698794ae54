"""One top 10 for every board-wide figure, on demo-like data: the demo's own Arena recordings (arena-catalog,
whose board maps three categories to general) collected through the demo's replay server and real pipeline.
The Landscape's open share is the Licences chart's figure on the same day, and its cheapest model is one of
that top 10."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from app import format
from gapwatch.vocabulary import DEFINITIONS, is_open
from jobs.demo.demo import RECORDINGS, build_history, demo_settings, demo_sources, prepare_data_dir
from jobs.demo.replay import ReplayServer
from tests.app.conftest import charts_drawn, chooser, metrics, open_app, view


@pytest.fixture(scope="module")
def arena_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("arena") / "demo"
    prepare_data_dir(data, fresh=True)
    with pytest.MonkeyPatch.context() as patch, ReplayServer(RECORDINGS) as server:
        patch.setattr(os, "environ", dict(os.environ))  # demo_settings exports its settings for an app process
        sources = [s for s in demo_sources(server.recordings) if s.id == "arena_catalog"]
        settings = demo_settings(data, server, sources)
        outcomes = build_history(settings, server, sources)
    assert [o.status for o in outcomes if o.status not in ("ok", "unchanged")] == []
    return settings.published_file


def licences_chart(at: AppTest, drawn: list) -> pl.DataFrame:
    """The data the Licences page's openness chart draws (its one chart, the last one drawn: opening the app ran
    the default page first)."""
    assert len(charts_drawn(at)) == 1
    return drawn[-1].data


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_the_landscapes_open_share_is_the_licences_figure(arena_snapshot: Path, use_snapshot, drawn: list,
                                                           definition: str) -> None:
    use_snapshot(arena_snapshot)
    at = open_app("licences")
    assert not at.exception, [e.message for e in at.exception]
    chart = licences_chart(at, drawn)
    today = chart.filter(pl.col("date") == chart["date"].max())
    share = today.filter(pl.col("openness").map_elements(lambda o: is_open(o, definition), pl.Boolean))[
        "models"].sum() / today["models"].sum()
    assert today["models"].sum() == 10

    at = open_app("landscape")
    chooser(at, "definition").set_value(definition).run()
    assert not at.exception, [e.message for e in at.exception]
    assert metrics(at)["Open share of the top 10"] == format.pct(share, ratio=True)


def test_the_top_10_are_distinct_models_of_the_main_boards_main_category(arena_snapshot: Path) -> None:
    top = view(arena_snapshot, "SELECT board, model, score FROM v_main_board_top ORDER BY rank")
    (main,) = view(arena_snapshot, "SELECT board FROM v_main_board WHERE capability = 'general'")
    assert {board for board, *_ in top} == {main[0]} == {"arena-catalog-text"}
    assert len({model for _, model, _ in top}) == len(top) == 10
    # Arena's overall category (`full`), not its harder slices: the scores are that category's current ones.
    full = view(arena_snapshot, "SELECT max(s.score) FROM v_capability_scores s LEFT JOIN v_model_names n "
                "ON n.source = s.source AND n.source_model = s.model WHERE s.board = 'arena-catalog-text' "
                "AND s.category = 'full' AND s.valid_to IS NULL GROUP BY coalesce(n.model_id, s.model) "
                "ORDER BY 1 DESC LIMIT 10")
    assert [score for *_, score in top] == pytest.approx([score for (score,) in full])


def test_the_cheapest_of_the_top_10_is_one_of_them(arena_snapshot: Path, use_snapshot) -> None:
    use_snapshot(arena_snapshot)
    at = open_app("landscape")
    cheapest_shown = metrics(at)["Cheapest of the top 10 by quality"]
    top = {model: rank for model, rank in view(arena_snapshot, "SELECT model, rank FROM v_main_board_top")}
    named = next(c.value for c in at.caption if " (rank " in c.value)
    model, rank = named.split(" (rank ")[0], int(named.split(" (rank ")[1].split(")")[0])
    assert top[model] == rank
    prices = view(arena_snapshot, "SELECT model_id, min(blended_price) FROM v_price_blended WHERE valid_to IS NULL "
                  "AND tier = 'standard' AND blended_price IS NOT NULL GROUP BY model_id")
    cheapest = min(price for model_id, price in prices if model_id in top)
    assert cheapest_shown == f"{format.usd(cheapest)} / 1M"
