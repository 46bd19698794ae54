"""Every page renders on no snapshot, an empty migrated one and a filled one; the figures match the views."""

from __future__ import annotations

import math
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from bs4 import BeautifulSoup
from streamlit.testing.v1 import AppTest

from app import format, ui
from app.sentences import stale_notice
from collectors.registry import SOURCES
from gapwatch.vocabulary import CAPABILITIES
from tests.app.conftest import PAGES, TITLES, chooser, html_tables, metrics, open_app, relation_exists, view
from warehouse.progress import clear_progress, write_progress

DEEPSEEK = "deepseek/deepseek-chat-v3-0324"


def rendered(at: AppTest, page: str) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == [TITLES[page]]


def shown_tables(at: AppTest) -> list:
    """Every table on the page as the reader sees its text: the HTML ones and any interactive grid."""
    return [*html_tables(at), *(d.value for d in at.dataframe)]


def frame_with(at: AppTest, column: str):
    frames = [f for f in shown_tables(at) if column in f.columns]
    assert frames, f"no table with a {column!r} column"
    return frames[0]


def nullable(value: object) -> object:
    """A table cell as the view holds it: the browser table shows a missing number as NaN."""
    return None if isinstance(value, float) and math.isnan(value) else value


def rows(table, *columns: str) -> list[tuple]:
    return [tuple(nullable(v) for v in row) for row in zip(*(table[c] for c in columns), strict=True)]


def verbatims(at: AppTest) -> list[str]:
    """The collected texts the page shows as typed (`app.ui.verbatim`), line by line as the reader reads them."""
    return ["\n".join(line.get_text().replace("\xa0", "") for line in box.find_all("div", recursive=False))
            for block in at.markdown
            for box in BeautifulSoup(block.value, "html.parser").select("div.gw-verbatim")]


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


def test_landscape_shows_six_capabilities_as_a_readers_table(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("landscape")
    table = frame_with(at, "Best open model")
    assert list(table["Capability"]) == [c.replace("_", " ").capitalize() for c in CAPABILITIES]
    relation = "v_gap_headline" if relation_exists(filled_snapshot, "v_gap_headline") else None
    if relation:
        expected = view(filled_snapshot, "SELECT capability, best_open_model, best_open_score, best_closed_model, "
                        "best_closed_score, gap_abs, unknown_model, gap_if_unknown_open, data_date, age_days "
                        "FROM v_gap_headline WHERE definition = 'open-weights'")
    else:
        expected = view(filled_snapshot, "SELECT capability, best_open_model, best_open_score, best_closed_model, "
                        "best_closed_score, gap_abs, NULL, NULL, NULL, NULL FROM v_gap_by_capability "
                        "WHERE definition = 'open-weights' AND is_headline")
    by_capability = {row[0]: row for row in expected}
    general = by_capability["general"]
    assert general[5] is not None, "the arena fixtures give the general gap a value"
    for shown in table.to_dict("records"):
        capability = shown["Capability"].lower().replace(" ", "_")
        row = by_capability.get(capability)
        if row is None or row[5] is None:
            assert shown["Gap"] == "—" and shown.get("Note"), f"{capability}: a missing gap says why"
            continue
        assert shown["Best open model"] == row[1] and shown["Best closed model"] == row[3]
        assert shown["Open score"] == f"{row[2]:,.1f}" and shown["Closed score"] == f"{row[4]:,.1f}"
        # A model of unknown openness between the sides: the gap were it open, named beside the gap
        bound = f" ({row[7]:+,.1f} if {row[6]} is open)" if row[6] else ""
        assert shown["Gap"] == f"{row[5]:+,.1f}{bound}"
        assert shown["Gap %"].endswith(" %")
        if row[8] is not None:  # the day the row's data are of, and how old against the warehouse's newest
            assert shown["Data of"].startswith(str(row[8])) and (
                "(newest)" in shown["Data of"] if row[9] == 0 else f"({row[9]} days old" in shown["Data of"])


def test_landscape_says_what_each_side_costs(filled_snapshot: Path, use_snapshot) -> None:
    """Each side's best model with the price a buyer pays for it today (`v_price_of_model`, standard tier, blended
    3:1), read from the views independently of the app; "—" where no maker or host lists one."""
    use_snapshot(filled_snapshot)
    at = open_app("landscape")
    table = frame_with(at, "Best open model")
    prices = dict(view(filled_snapshot, "SELECT model_id, blended_per_mtok FROM v_price_of_model "
                                        "WHERE tier = 'standard' AND blended_per_mtok IS NOT NULL"))
    priced = 0
    for shown in table.to_dict("records"):
        for side in ("open", "closed"):
            model, cell = shown[f"Best {side} model"], shown[f"{side.capitalize()} $/1M"]
            price = prices.get(model)
            assert cell == ("—" if price is None else f"${price:,.2f}"), (shown["Capability"], side, cell, price)
            priced += price is not None
    assert priced, "the fixtures price at least one side's best model (models.dev's DeepSeek and OpenAI)"


@pytest.mark.parametrize("page", [p for p in PAGES if p != "sql"])
def test_no_raw_names_or_none_on_any_page(page: str, filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app(page)
    rendered(at, page)
    assert shown_tables(at), f"{page} shows a table on the filled snapshot"
    for frame in shown_tables(at):
        raw = [c for c in frame.columns if "_" in c or c != c.strip() or c[:1].islower()]
        assert not raw, f"{page}: raw column names {raw}"
        cells = {str(v) for column in frame.columns for v in frame[column].tolist()}
        assert not cells & {"None", "nan", "NaN", "NaT", "null"}, f"{page}: {cells & {'None', 'nan', 'NaN', 'NaT'}}"
    texts = [*metrics(at).values(), *(c.value for c in at.caption), *(m.value for m in at.markdown)]
    assert not [t for t in texts if "None" in t.split()], f"{page}: 'None' in {texts}"


def test_latest_changes_are_the_feed_head_as_sentences(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("landscape")
    # The market's moves only: a source's health events belong to the Sources page.
    expected = view(filled_snapshot, "SELECT kind, entity FROM v_changes WHERE kind NOT LIKE 'source_%' "
                    "ORDER BY observed_at DESC, event_key LIMIT 10")
    assert expected, "the fixtures produce change events (a price cut, a new model, a new leader)"
    table = frame_with(at, "What changed")
    assert len(table) == len(expected)
    said = list(table["What changed"])
    cut = next(i for i, (kind, _) in enumerate(expected) if kind == "price_cut")
    # The recorded catalogues: DeepSeek V3 0324 cut from $0.20/$0.77 to $0.18/$0.72 per 1M on OpenRouter.
    assert said[cut] == ("OpenRouter cut the price of deepseek/deepseek-chat-v3-0324 by 10.0 %: "
                         "$0.20 in / $0.77 out → $0.18 in / $0.72 out per 1M tokens")


def test_prices_page_shows_a_models_history_from_the_link(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("prices", query={"model": DEEPSEEK})
    rendered(at, "prices")
    assert chooser(at, "model").value == DEEPSEEK
    table = frame_with(at, "Input $/1M tokens")
    openrouter = table[table["Source"] == "openrouter"]
    expected = view(filled_snapshot, "SELECT input_per_mtok, output_per_mtok FROM v_price_history "
                    "WHERE model = ? AND source = 'openrouter' ORDER BY provider, tier, valid_from", [DEEPSEEK])
    shown = list(zip(openrouter["Input $/1M tokens"], openrouter["Output $/1M tokens"], strict=True))
    assert shown == [(f"${i:,.2f}", f"${o:,.2f}") for i, o in expected]
    # The recorded catalogues: $0.20/$0.77 in May 2026, cut to $0.18/$0.72 in July.
    assert ("$0.18", "$0.72") in shown and ("$0.20", "$0.77") in shown


def test_changes_link_to_the_entity_page(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("changes")
    rendered(at, "changes")
    feed = frame_with(at, "Details")
    cuts = feed[feed["What happened"] == "Price cut"]
    models = view(filled_snapshot, "SELECT after ->> 'model' FROM v_changes WHERE kind = 'price_cut'")
    assert sorted(cuts["Details"]) == sorted(f"prices?model={m.replace('/', '%2F')}" for (m,) in models)


def test_changes_filter_by_kind_persists_across_pages(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("changes")
    at.multiselect(key="change_kinds").set_value(["price_cut"]).run()
    assert set(frame_with(at, "Details")["What happened"]) == {"Price cut"}
    at.switch_page("screens/sources.py").run()
    at.switch_page("screens/changes.py").run()
    assert at.multiselect(key="change_kinds").value == ["price_cut"]
    assert set(frame_with(at, "Details")["What happened"]) == {"Price cut"}


def test_model_choice_persists_across_pages(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("prices")
    models = chooser(at, "model").options
    chosen = models[-1]
    chooser(at, "model").set_value(chosen).run()
    at.switch_page("screens/landscape.py").run()
    at.switch_page("screens/prices.py").run()
    assert chooser(at, "model").value == chosen


def test_sources_health_matches_collection_runs(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("sources")
    table = frame_with(at, "Failures in a row").set_index("Source")
    for source in ("openrouter", "lmarena"):
        last_ok = view(filled_snapshot, "SELECT max(finished_at) FROM collection_run WHERE source = ? "
                       "AND status IN ('ok', 'unchanged')", [source])[0][0]
        assert table.loc[source, "Last success"] == format.when(last_ok)
        assert table.loc[source, "Failures in a row"] == "0"
    current = view(filled_snapshot, "SELECT count(*) FROM price WHERE source = 'openrouter' AND valid_to IS NULL")
    models = view(filled_snapshot, "SELECT count(*) FROM source_model WHERE source = 'openrouter' AND valid_to IS NULL")
    assert table.loc["openrouter", "Rows"] == f"{current[0][0] + models[0][0]:,}"
    # Held-back rows and retirements are said in full under the table, not squeezed into it.
    assert "Held back" not in table.columns and "Retired" not in table.columns
    assert not (table["Stale"] == "yes").any() and not [w for w in at.warning if " stale, " in w.value]


def test_stale_sources_are_one_notice_naming_each() -> None:
    health = pl.DataFrame({"source": ["lmarena", "aider", "openrouter"], "stale": [True, False, True],
                           "newest_data": [date(2025, 8, 4), date(2025, 8, 23), date(2026, 7, 17)]})
    notice = stale_notice(health)
    assert notice is not None and notice.startswith("2 sources are stale")
    assert re.findall(r"\*\*(\w+)\*\* \(([\d-]+)\)", notice) == [("lmarena", "2025-08-04"),
                                                                     ("openrouter", "2026-07-17")]
    assert stale_notice(health.filter(pl.col("source") == "aider")) is None


def test_headline_open_share_matches_top_models(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("landscape")
    share_shown = next(v for label, v in metrics(at).items() if label.startswith("Open share of the top"))
    if not relation_exists(filled_snapshot, "v_main_board_top"):
        assert share_shown == "—"
        return
    top = view(filled_snapshot, "SELECT openness FROM v_main_board_top")
    assert len(top) == 10
    share = sum(o.startswith("open-") for (o,) in top) / len(top)
    assert share_shown == f"{share * 100:.1f} %"


def test_biggest_cuts_equal_the_view(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("prices")
    expected = view(filled_snapshot, "SELECT model, tier, before_blended, after_blended, change_pct FROM v_price_moves "
                    "WHERE change_pct < 0 ORDER BY change_pct, model LIMIT 20")
    assert ("deepseek-chat", "standard") in [e[:2] for e in expected], "DeepSeek's own list cuts deepseek-chat"
    assert all(not m.startswith(("openrouter", "deepseek/")) for m, *_ in expected), "a reseller's move is no cut"
    table = frame_with(at, "Change")
    shown = list(zip(table["Model"], table["Tier"], table["Before ($/1M, blended)"], table["After ($/1M, blended)"],
                     table["Change"], strict=True))
    assert shown == [(m, t, format.usd(b), format.usd(a), f"{c:+,.1f} %") for m, t, b, a, c in expected]


def test_biggest_cuts_never_show_a_rise(filled_snapshot: Path, use_snapshot, tmp_path: Path) -> None:
    """Fewer than 20 cuts: the heading says cuts, so the rest of the 20 rows are not filled with price rises."""
    snapshot = tmp_path / "gapwatch.duckdb"
    shutil.copyfile(filled_snapshot, snapshot)
    with duckdb.connect(str(snapshot)) as con:
        con.execute("INSERT INTO price_moves (provider, model, source, tier, from_date, to_date, before_blended, "
                    "after_blended, change_pct) VALUES ('Anthropic', 'claude-rise', 'models_dev', 'standard', "
                    "DATE '2026-01-01', DATE '2026-02-01', 1.0, 3.0, 200.0)")
        [(cuts,)] = con.execute("SELECT count(*) FROM v_price_moves WHERE change_pct < 0").fetchall()
    assert 0 < cuts < 20
    use_snapshot(snapshot)
    table = frame_with(open_app("prices"), "Change")
    assert "claude-rise" not in list(table["Model"])
    assert len(table) == cuts and all(c.startswith("-") for c in table["Change"])


def keyed(at: AppTest, prefix: str):
    """The number input whose key starts with `prefix` (price inputs are keyed by the chosen model)."""
    (found,) = [n for n in at.number_input if n.key.startswith(prefix)]
    return found


def test_cost_calculator_reproduces_the_seeds_figures(filled_snapshot: Path, use_snapshot) -> None:
    """50M tokens/day: a closed API ~$1,875/month, a hosted open model $1,200–1,600, self-hosting $4,000–8,000."""
    use_snapshot(filled_snapshot)
    at = open_app("cost")
    rendered(at, "cost")
    at.number_input(key="tco_daily_mtok").set_value(50.0)
    at.slider(key="tco_input_share").set_value(0.75)
    # The seed's example prices: $1.25 per 1M blended on the closed API (at 3:1 input:output), $0.80–1.07 hosted,
    # two GPUs at $2.74–5.48 an hour for one replica, no separate operations budget.
    at.run()
    keyed(at, "tco_closed_in:").set_value(1.0)
    keyed(at, "tco_closed_out:").set_value(2.0)
    keyed(at, "tco_open_low:").set_value(0.80)
    keyed(at, "tco_open_high:").set_value(1.0667)
    at.number_input(key="tco_gpus").set_value(2)
    at.number_input(key="tco_min_replicas").set_value(1)
    at.number_input(key="tco_gpu_low").set_value(2.74)
    at.number_input(key="tco_gpu_high").set_value(5.48)
    at.number_input(key="tco_tps").set_value(3000.0)
    at.slider(key="tco_util").set_value(0.5)
    at.number_input(key="tco_ops").set_value(0.0)
    at.run()
    rendered(at, "cost")
    shown = metrics(at)
    assert shown["Tokens per month"] == "1.5 B"
    assert shown["Closed API, per month"] == "$1,875"
    assert shown["Hosted open model, per month"] == "$1,200 – $1,600"
    assert shown["Self-hosted open weights, per month"] == "$4,000 – $8,001"
    costs = frame_with(at, "Self-hosting wins from (per month)").set_index("Option")
    # One replica at $4,000 beats $1.25 per 1M from 3.2 B tokens a month; its capacity is 3.9 B.
    assert costs.loc["Closed API", "Self-hosting wins from (per month)"] == "3.2 B tokens"
    assert costs.loc["Closed API", "Self-hosting wins from (per day)"] == "106.7 M tokens"
    factors = frame_with(at, "Leans towards")
    assert list(factors["Factor"]) == ["data sensitivity", "volume", "team", "performance need", "vendor risk"]


def test_cost_calculator_says_never_when_self_hosting_cannot_win(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("cost")
    keyed(at, "tco_closed_in:").set_value(0.0001)
    keyed(at, "tco_closed_out:").set_value(0.0001)
    at.run()
    costs = frame_with(at, "Self-hosting wins from (per month)").set_index("Option")
    assert costs.loc["Closed API", "Self-hosting wins from (per month)"].startswith("never")


def test_licence_text_diff_is_the_views(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    ((licence, diff),) = view(filled_snapshot, "SELECT license_id, diff FROM v_license_diffs")
    at = open_app("licences", query={"licence": licence})
    rendered(at, "licences")
    assert chooser(at, "licence").value == licence
    assert diff in verbatims(at)
    assert "+3. Disclaimer of Warranty." in diff  # the recorded second version adds this clause


def test_licence_change_event_links_to_its_diff(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("changes")
    feed = frame_with(at, "Details")
    texts = feed[(feed["What happened"] == "License change") & (feed["Source"] == "license_texts")]
    licences = view(filled_snapshot, "SELECT license_id FROM v_license_diffs")
    assert list(texts["Details"]) == [f"licences?licence={lid}" for (lid,) in licences]


def test_history_loading_notice_while_a_build_runs(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    write_progress(filled_snapshot, 3, 10, "recorded collections")
    try:
        at = open_app("landscape")
        assert any("History loading (3 of 10 recorded collections)" in w.value for w in at.warning)
    finally:
        clear_progress(filled_snapshot)
    at = open_app("landscape")
    assert not [w.value for w in at.warning if "History loading" in w.value]


def test_sources_page_lists_every_declared_source_from_the_snapshot(empty_snapshot: Path, use_snapshot) -> None:
    """The app reads the registry's declarations from the snapshot's `source_info`, never from collectors/."""
    use_snapshot(empty_snapshot)
    at = open_app("sources")
    assert list(frame_with(at, "Failures in a row")["Source"]) == [s.id for s in SOURCES]


def test_a_long_price_history_waits_in_a_fold_unless_a_link_came_for_it(
        filled_snapshot: Path, use_snapshot, monkeypatch: pytest.MonkeyPatch) -> None:
    use_snapshot(filled_snapshot)
    monkeypatch.setattr(ui, "STATIC_ROWS", 1)  # every model's history counts as long here
    at = open_app("prices")
    rendered(at, "prices")
    model = chooser(at, "model").value
    assert not [f for f in shown_tables(at) if "Input $/1M tokens" in f.columns]  # folded: not built
    fold = [e for e in at.expander if e.label.startswith(f"Every listed price of {model}")]
    assert len(fold) == 1, [e.label for e in at.expander]
    at.session_state["price_rows"] = True  # the reader opens the fold
    at.run()
    expected = view(filled_snapshot, "SELECT count(*) FROM v_price_history WHERE model = ?", [model])[0][0]
    assert len(frame_with(at, "Input $/1M tokens")) == expected
    linked = open_app("prices", query={"model": DEEPSEEK})  # from a price cut's link: the rows at once
    rendered(linked, "prices")
    assert len(frame_with(linked, "Input $/1M tokens")) > 1
