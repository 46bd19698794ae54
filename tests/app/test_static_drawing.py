"""Tables as our own HTML and charts as SVG drawn on the server (app/ui.py, app/charts.py): every collected value
reaches the reader as text, never as markup, and a chart's points keep their tooltips as hover titles."""

from __future__ import annotations

from datetime import date

import polars as pl
from bs4 import BeautifulSoup

from app import charts, ui

HOSTILE = '<img src=x onerror="alert(1)"> $x$ *bold* [a](b) & co'


def test_html_table_cells_are_text_and_links_go_only_to_our_pages() -> None:
    frame = pl.DataFrame({"model": [HOSTILE, "llama-3.1-8b", "m3", "m4"],
                          "open": ["prices?model=a%2Fb", "javascript:alert(1)", "https://example.com/x", None],
                          "score": [1.5, None, 2.0, 3.0]})
    markup = ui.html_table(frame, links={"open": "open page"})
    soup = BeautifulSoup(markup, "html.parser")
    assert not soup.find_all("img")
    cells = [[td for td in tr.find_all("td")] for tr in soup.select("tbody tr")]
    assert cells[0][0].get_text() == HOSTILE  # read literally
    assert [a["href"] for a in soup.find_all("a")] == ["prices?model=a%2Fb"]
    assert [c[1].get_text() for c in cells] == ["open page", "javascript:alert(1)", "https://example.com/x", ""]
    assert cells[1][2].get_text() == "—"
    assert [th.get_text() for th in soup.select("thead th")] == ["Model", "Details", "Score"]


def test_verbatim_text_is_shown_as_typed_line_by_line() -> None:
    text = f"--- a\n+++ b\n-old {HOSTILE}\n\n+new   spaced\n"
    soup = BeautifulSoup(ui.verbatim_html(text, diff=True), "html.parser")
    lines = soup.select("div.gw-verbatim > div")
    assert [d.get_text().replace("\xa0", "") for d in lines] == text.splitlines()
    assert not soup.find_all("img") and "\n" not in ui.verbatim_html(text)
    assert [bool(d.get("style")) for d in lines] == [False, False, True, False, True]  # only changed lines tinted


def test_text_table_reads_by_its_first_column_and_a_long_table_scrolls() -> None:
    soup = BeautifulSoup(ui.html_table(pl.DataFrame({"capability": ["coding"], "gap": [3.0]}), row_header=True),
                         "html.parser")
    assert [c.name for c in soup.select("tbody tr")[0].children] == ["th", "td"]
    # A date and time, a price, a share stay on one line; a name and a sentence wrap.
    cells = {"last run": "2026-12-06 19:03", "price": "$1,875", "share": "5.5 %", "model": "gpt-5.2-codex",
             "held back": "1 row held back: " + "x " * 40}
    row = BeautifulSoup(ui.html_table(pl.DataFrame({k: [v] for k, v in cells.items()})), "html.parser")
    assert [cell.get("class") for cell in row.select("tbody td")] == [["gw-nw"]] * 3 + [None, None]
    long = pl.DataFrame({"model": [f"m{i}" for i in range(ui.STATIC_ROWS + 1)]})
    assert 'class="gw-table gw-scroll"' in ui.html_table(long)
    assert 'class="gw-table"' in ui.html_table(long.head(ui.STATIC_ROWS))


def frontier(names: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"model": names, "side": ["open", "closed"][: len(names)],
                         "blended_price": [0.3, 3.0][: len(names)], "quality_score": [1250.0, 1310.0][: len(names)],
                         "on_frontier": [True, True][: len(names)]})


def test_a_charts_points_carry_their_tooltip_as_hover_title() -> None:
    drawn = charts.svg(charts.price_frontier(frontier([HOSTILE, "gpt-4o"]), "arena-text"))
    assert "\n" not in drawn  # one line: a blank line would end Markdown's HTML block
    soup = BeautifulSoup(drawn, "html.parser")
    titles = [t.get_text() for t in soup.find_all("title")]
    assert f"model: {HOSTILE}; open or closed: open; $ / 1M: $0.30; Elo: 1,250" in titles
    assert "model: gpt-4o; open or closed: closed; $ / 1M: $3.00; Elo: 1,310" in titles
    assert not soup.find_all("img") and "onerror" not in {a for tag in soup.find_all(True) for a in tag.attrs}
    svg = soup.find("svg")
    assert svg["width"] == "100%" and svg["style"].startswith("max-width:")  # scales down with the column


def test_a_whole_series_line_gets_no_title_of_its_first_point() -> None:
    series = pl.DataFrame({"date": [date(2025, 1, 5), date(2025, 6, 1)], "best_open_score": [1200.0, 1250.0],
                           "best_closed_score": [1300.0, 1290.0], "best_open_model": ["o1", "o2"],
                           "best_closed_model": ["c1", "c2"], "gap_abs": [100.0, 40.0]})
    soup = BeautifulSoup(charts.svg(charts.gap_over_time(series, "arena", date(2025, 7, 1))), "html.parser")
    lines = soup.select('path[aria-roledescription="line mark"], path[aria-roledescription="area mark"]')
    assert lines and not [p for p in lines if p.find("title")]


def test_the_frontiers_quality_is_in_its_boards_unit() -> None:
    """A benchmark's % solved is not Elo: the axis and the hover title say what the reference board scores."""
    soup = BeautifulSoup(charts.svg(charts.price_frontier(frontier(["glm-5.2"]), "livebench-2026-01-08")),
                         "html.parser")
    assert "quality (% solved, livebench-2026-01-08)" in soup.get_text()
    assert [t.get_text() for t in soup.find_all("title")][-1].endswith("% solved: 1,250.0")
    assert "Elo" not in soup.get_text()


def test_a_stacked_area_over_five_years_stays_one_path_per_class() -> None:
    """Hover text is never a field of an area: Vega-Lite splits a stacked area by it, one series per week (an
    8.7 MB drawing of 801 rows before)."""
    weeks = pl.date_range(date(2021, 1, 3), date(2025, 12, 28), "1w", eager=True)
    frame = pl.DataFrame({"date": weeks.to_list() * 3, "openness": ["closed"] * len(weeks) + ["open-source"]
                          * len(weeks) + ["unknown"] * len(weeks), "models": [5, 3, 2] * len(weeks)})
    drawn = charts.svg(charts.openness_stack(frame, 10))
    areas = BeautifulSoup(drawn, "html.parser").select('path[aria-roledescription="area mark"]')
    assert len(areas) == 3 and len(drawn) < 200_000, (len(areas), len(drawn))


def test_sessions_draw_charts_at_once() -> None:
    """Each visitor's page runs in a thread of its own: drawings made at once are each their own chart's."""
    from concurrent.futures import ThreadPoolExecutor

    def draw(i: int) -> bool:
        return all(f"model-{i}-{j}" in charts.svg(charts.price_frontier(frontier([f"model-{i}-{j}"]), "arena"))
                   for j in range(3))

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(draw, range(4)))
