"""Every page renders on no snapshot, an empty migrated one and a filled one; the figures match the views."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import PAGES, TITLES, open_app, relation_exists, view

DEEPSEEK = "deepseek/deepseek-chat-v3-0324"


def rendered(at: AppTest, page: str) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == [TITLES[page]]


def frame_with(at: AppTest, column: str):
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"no table with a {column!r} column"
    return frames[0]


def nullable(value: object) -> object:
    """A table cell as the view holds it: the browser table shows a missing number as NaN."""
    return None if isinstance(value, float) and math.isnan(value) else value


def rows(table, *columns: str) -> list[tuple]:
    return [tuple(nullable(v) for v in row) for row in zip(*(table[c] for c in columns), strict=True)]


def infos(at: AppTest) -> str:
    return "\n".join(i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_page_without_snapshot(page: str, tmp_path: Path, use_snapshot) -> None:
    use_snapshot(tmp_path / "never-published.duckdb")
    at = open_app(page)
    rendered(at, page)
    assert "No data yet: nothing has been published" in infos(at)


@pytest.mark.parametrize("page", PAGES)
def test_page_on_empty_snapshot(page: str, empty_snapshot: Path, use_snapshot) -> None:
    use_snapshot(empty_snapshot)
    at = open_app(page)
    rendered(at, page)
    if page != "sql":  # the SQL page has nothing to be empty: it lists views and takes a query
        assert "No data yet" in infos(at)


@pytest.mark.parametrize("page", PAGES)
def test_page_on_filled_snapshot(page: str, filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app(page)
    rendered(at, page)
    assert "nothing has been published" not in infos(at)


def test_landscape_gap_table_equals_view(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("landscape")
    if not relation_exists(filled_snapshot, "v_gap_by_capability"):
        assert "v_gap_by_capability" in infos(at)
        return
    expected = view(filled_snapshot, "SELECT capability, board, best_open_model, best_closed_model, gap_abs "
                    "FROM v_gap_by_capability WHERE definition = 'open-weights' AND is_headline")
    if not expected:
        assert "v_gap_by_capability" in infos(at)
        return
    table = frame_with(at, "best_open_model")
    shown = rows(table, "capability", "board", "best_open_model", "best_closed_model", "gap_abs")
    assert sorted(shown, key=str) == sorted(expected, key=str)
    general = [row for row in expected if row[0] == "general"]
    assert general and general[0][4] is not None, "the arena fixtures give the general gap a value"


def test_latest_changes_are_the_feed_head(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("landscape")
    expected = view(filled_snapshot, "SELECT kind, entity FROM v_changes ORDER BY observed_at DESC, event_key LIMIT 10")
    assert expected, "the fixtures produce change events (a price cut, a new model, a new leader)"
    table = frame_with(at, "kind")
    assert list(zip(table["kind"], table["entity"], strict=True)) == expected


def test_prices_page_shows_a_models_history_from_the_link(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("prices", query={"model": DEEPSEEK})
    rendered(at, "prices")
    assert at.selectbox(key="model").value == DEEPSEEK
    table = frame_with(at, "input_per_mtok")
    openrouter = table[table["source"] == "openrouter"]
    expected = view(filled_snapshot, "SELECT input_per_mtok, output_per_mtok FROM v_price_history "
                    "WHERE model = ? AND source = 'openrouter' ORDER BY provider, tier, valid_from", [DEEPSEEK])
    assert list(zip(openrouter["input_per_mtok"], openrouter["output_per_mtok"], strict=True)) == expected
    # The recorded catalogues: $0.20/$0.77 in May 2026, cut to $0.18/$0.72 in July.
    assert (0.18, 0.72) in expected and (0.2, 0.77) in expected


def test_changes_link_to_the_entity_page(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("changes")
    rendered(at, "changes")
    feed = frame_with(at, "open")
    cuts = feed[feed["kind"] == "price_cut"]
    models = view(filled_snapshot, "SELECT after ->> 'model' FROM v_changes WHERE kind = 'price_cut'")
    assert sorted(cuts["open"]) == sorted(f"prices?model={m.replace('/', '%2F')}" for (m,) in models)


def test_changes_filter_by_kind_persists_across_pages(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("changes")
    at.multiselect(key="change_kinds").set_value(["price_cut"]).run()
    assert set(frame_with(at, "open")["kind"]) == {"price_cut"}
    at.switch_page("screens/sources.py").run()
    at.switch_page("screens/changes.py").run()
    assert at.multiselect(key="change_kinds").value == ["price_cut"]
    assert set(frame_with(at, "open")["kind"]) == {"price_cut"}


def test_model_choice_persists_across_pages(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("prices")
    models = at.selectbox(key="model").options
    chosen = models[-1]
    at.selectbox(key="model").set_value(chosen).run()
    at.switch_page("screens/landscape.py").run()
    at.switch_page("screens/prices.py").run()
    assert at.selectbox(key="model").value == chosen


def test_sources_health_matches_collection_runs(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("sources")
    table = frame_with(at, "failures_in_a_row").set_index("source")
    for source in ("openrouter", "lmarena"):
        last_ok = view(filled_snapshot, "SELECT max(finished_at) FROM collection_run WHERE source = ? "
                       "AND status IN ('ok', 'unchanged')", [source])[0][0]
        assert table.loc[source, "last_success"].to_pydatetime() == last_ok
        assert table.loc[source, "failures_in_a_row"] == 0
    current = view(filled_snapshot, "SELECT count(*) FROM price WHERE source = 'openrouter' AND valid_to IS NULL")
    models = view(filled_snapshot, "SELECT count(*) FROM source_model WHERE source = 'openrouter' AND valid_to IS NULL")
    assert table.loc["openrouter", "rows"] == current[0][0] + models[0][0]


def test_headline_open_share_matches_top_models(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("landscape")
    metric = next(m for m in at.metric if m.label.startswith("Open share of the top"))
    if not (relation_exists(filled_snapshot, "v_model_names") and relation_exists(filled_snapshot,
                                                                                   "v_capability_scores")):
        assert metric.value == "—"
        return
    top = view(filled_snapshot, "WITH cur AS (SELECT board, model, score, source FROM v_capability_scores "
               "WHERE capability = 'general' AND valid_to IS NULL), b AS (SELECT board FROM cur GROUP BY board "
               "ORDER BY count(*) DESC, board LIMIT 1) SELECT coalesce(n.openness, 'unknown') FROM cur JOIN b "
               "USING (board) LEFT JOIN v_model_names n ON n.source = cur.source AND n.source_model = cur.model "
               "ORDER BY cur.score DESC, cur.model LIMIT 10")
    share = sum(o.startswith("open-") for (o,) in top) / len(top)
    assert metric.value == f"{share:.0%}"


def test_biggest_cuts_equal_the_view(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("prices")
    expected = view(filled_snapshot, "SELECT model, before_blended, after_blended, change_pct FROM v_price_moves "
                    "ORDER BY change_pct, model LIMIT 20")
    assert expected, "the July catalogue cuts DeepSeek V3's price"
    table = frame_with(at, "change_pct")
    shown = list(zip(table["model"], table["before_blended"], table["after_blended"], table["change_pct"],
                     strict=True))
    assert shown == expected


def test_cost_calculator_with_default_inputs_matches_the_default_scenario(filled_snapshot: Path,
                                                                          use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("cost")
    rendered(at, "cost")
    scenario = dict(view(filled_snapshot, "SELECT option, monthly_cost_low FROM v_tco_scenarios "
                         "WHERE scenario = 'default'"))
    defaults = frame_with(at, "scenario")
    assert {o: nullable(c) for o, c in zip(defaults["option"], defaults["monthly_cost_low"], strict=True)} == scenario
    costs = frame_with(at, "crossover_tokens_per_month")
    # The same settings' self-hosting assumptions and volume: the same cost as the transforms' default scenario.
    assert costs.set_index("option").loc["self_hosted", "monthly_cost_low"] == scenario["self_hosted"]
    factors = frame_with(at, "leans")
    assert list(factors["factor"]) == ["data sensitivity", "volume", "team", "performance need", "vendor risk"]


def test_licence_text_diff_is_the_views(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    ((licence, diff),) = view(filled_snapshot, "SELECT license_id, diff FROM v_license_diffs")
    at = open_app("licences", query={"licence": licence})
    rendered(at, "licences")
    assert at.selectbox(key="licence").value == licence
    assert diff in [c.value for c in at.code]
    assert "+3. Disclaimer of Warranty." in diff  # the recorded second version adds this clause


def test_licence_change_event_links_to_its_diff(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("changes")
    feed = frame_with(at, "open")
    texts = feed[(feed["kind"] == "license_change") & (feed["source"] == "license_texts")]
    licences = view(filled_snapshot, "SELECT license_id FROM v_license_diffs")
    assert list(texts["open"]) == [f"licences?licence={lid}" for (lid,) in licences]
