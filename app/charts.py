"""Altair charts for the pages. Each takes a frame from `app.data` and draws it with units on every axis, years on
time axes and complete legends; step lines run to the as-of date so the current state is not a sliver.

`svg` draws a chart on the server (vl-convert, the Vega project's converter: the same Vega-Lite spec, the same
look), so the browser receives a picture, not Vega's scripts: a page's first visit in Chromium cost 0.8 s more
per page that drew a chart with Vega (bench/bench_pages.py). Each mark's tooltip becomes its SVG `<title>`,
which the browser shows on hover."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import lru_cache

import altair as alt
import polars as pl
import vl_convert

OPEN_COLOUR, CLOSED_COLOUR = "#2a9d8f", "#e76f51"
TIME_AXIS = alt.Axis(format="%b %Y", labelAngle=0, title=None, tickCount="month")
LEGEND = alt.Legend(orient="bottom", labelLimit=0, columns=2, title=None)
OPENNESS_ORDER = ["open-source", "open-weights-permissive", "open-weights-restricted", "open-weights-noncommercial",
                  "closed", "unknown"]
OPENNESS_COLOURS = ["#1b7f72", "#2a9d8f", "#8ab17d", "#e9c46a", "#e76f51", "#bbbbbb"]


def unit_of(board: str | None) -> str:
    """What a board's scores are: Elo points for arenas, % solved for benchmarks."""
    return "Elo" if board and "arena" in board.lower() else "% solved"


def extend_to(frame: pl.DataFrame, date_col: str, as_of: date | None, by: list[str] | None = None) -> pl.DataFrame:
    """Repeat each series' last row at `as_of`, so a step line runs up to the day the data is as of."""
    if as_of is None or frame.is_empty():
        return frame
    last = (frame.group_by(by, maintain_order=True).tail(1) if by else frame.tail(1))
    dtype = frame.schema[date_col]
    stamp = pl.lit(as_of).cast(dtype)
    last = last.filter(pl.col(date_col) < stamp).with_columns(stamp.alias(date_col)).select(frame.columns)
    return pl.concat([frame, last]).sort([*(by or []), date_col])


def extend_each(frame: pl.DataFrame, date_col: str, ends: dict[tuple, date | datetime | None],
                by: list[str]) -> pl.DataFrame:
    """Repeat each series' last row at its own end date (`ends`, keyed by the `by` values), never later: a step
    line runs to the day its data are of."""
    if frame.is_empty() or not ends:
        return frame
    dtype = frame.schema[date_col]
    keyed = pl.DataFrame([(*k, v.date() if isinstance(v, datetime) else v) for k, v in ends.items()
                          if v is not None], schema=[*((b, frame.schema[b]) for b in by), ("_end", pl.Date)],
                         orient="row")
    last = frame.group_by(by, maintain_order=True).tail(1).join(keyed, on=by)
    last = (last.with_columns(pl.col("_end").cast(dtype).alias("_end"))
            .filter(pl.col(date_col) < pl.col("_end"))
            .with_columns(pl.col("_end").alias(date_col)).select(frame.columns))
    return pl.concat([frame, last]).sort([*by, date_col])


def gap_over_time(frame: pl.DataFrame, board: str, as_of: date | None,
                  months_behind: float | None = None) -> alt.LayerChart:
    """Epoch-style: best open and best closed as step lines to the as-of date, the gap between them shaded."""
    unit = unit_of(board)
    frame = extend_to(frame, "date", as_of)
    long = frame.unpivot(
        index=["date"], on=["best_open_score", "best_closed_score"], variable_name="side", value_name="score"
    ).with_columns(pl.col("side").replace({"best_open_score": "Best open model", "best_closed_score":
                                           "Best closed model"}))
    models = frame.unpivot(index=["date"], on=["best_open_model", "best_closed_model"], variable_name="side",
                           value_name="model").with_columns(
        pl.col("side").replace({"best_open_model": "Best open model", "best_closed_model": "Best closed model"}))
    long = long.join(models, on=["date", "side"], how="left")
    gap = alt.Chart(frame).mark_area(opacity=0.18, color="#777777", interpolate="step-after").encode(
        x=alt.X("date:T", axis=TIME_AXIS),
        y=alt.Y("best_open_score:Q", title=f"score ({unit})", scale=alt.Scale(zero=False)),
        y2="best_closed_score:Q",
        tooltip=[alt.Tooltip("date:T", title="date"), alt.Tooltip("gap_abs:Q", title=f"gap ({unit})", format=",.1f")],
    )
    lines = alt.Chart(long).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
        x=alt.X("date:T", axis=TIME_AXIS),
        y=alt.Y("score:Q", title=f"score ({unit})", scale=alt.Scale(zero=False)),
        color=alt.Color("side:N", legend=LEGEND, scale=alt.Scale(domain=["Best open model", "Best closed model"],
                                                                  range=[OPEN_COLOUR, CLOSED_COLOUR])),
        tooltip=[alt.Tooltip("date:T", title="date"), alt.Tooltip("side:N", title=" "),
                 alt.Tooltip("model:N", title="model"), alt.Tooltip("score:Q", title=unit, format=",.1f")],
    )
    layers = [gap, lines]
    if months_behind is not None and not frame.is_empty():
        note = pl.DataFrame({"date": [frame["date"].min()], "y": [frame["best_closed_score"].max()],
                             "text": [f"open models trail by {months_behind:,.1f} months (median)"]})
        layers.append(alt.Chart(note).mark_text(align="left", baseline="top", dx=4, fontSize=13,
                                                color="#333333").encode(x="date:T", y="y:Q", text="text:N"))
    return alt.layer(*layers).properties(height=360)


def gap_small_multiples(frame: pl.DataFrame) -> alt.FacetChart:
    """The gap over time per capability (Landscape): one small step chart each, the zero line drawn."""
    name = pl.col("capability").str.replace_all("_", " ")
    frame = frame.with_columns(
        (name.str.slice(0, 1).str.to_uppercase() + name.str.slice(1) + " — " + pl.col("board")).alias("panel"))
    line = alt.Chart().mark_line(interpolate="step-after", color="#264653").encode(
        x=alt.X("date:T", axis=alt.Axis(format="%b %Y", labelAngle=0, title=None, tickCount=4)),
        y=alt.Y("gap_abs:Q", title="gap (closed − open)"),
        tooltip=[alt.Tooltip("date:T", title="date"), alt.Tooltip("gap_abs:Q", title="gap", format=",.1f")],
    )
    zero = alt.Chart().mark_rule(color="#999999", strokeDash=[3, 3]).encode(y=alt.datum(0))
    return alt.layer(line, zero, data=frame).properties(width=220, height=120).facet(
        facet=alt.Facet("panel:N", title=None, header=alt.Header(labelFontSize=12, labelLimit=0)), columns=3,
    ).resolve_scale(y="independent", x="independent")


INDEX_POINTS = 120  # per line: past this the index is drawn on a coarser grid (`coarsen_index`)


def coarsen_index(frame: pl.DataFrame, step_days: int, limit: int = INDEX_POINTS) -> tuple[pl.DataFrame, int]:
    """The index on every k-th date of its grid (the newest always kept) when a line would have more than `limit`
    points, and the step in days that makes: five years on a weekly grid are 260 points a line, each a mark the
    browser draws, on a chart some 900 pixels wide. The values at the dates kept are the index's own."""
    dates = frame["date"].unique().sort(descending=True)
    k = -(-dates.len() // limit)
    if k <= 1:
        return frame, step_days
    return frame.filter(pl.col("date").is_in(dates.gather_every(k).implode())), step_days * k


def price_index(frame: pl.DataFrame, step_days: int) -> alt.Chart:
    """The open and closed index on a log scale (a $0.30 line and a $30 one both readable); a day without enough
    models on a side (no row) breaks that side's line instead of joining across it."""
    gap = pl.col("date").diff().over("openness_group") > pl.duration(days=step_days)
    segmented = frame.sort("openness_group", "date").with_columns(
        segment=gap.fill_null(False).cum_sum().over("openness_group"))
    return alt.Chart(segmented).mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("date:T", axis=TIME_AXIS),
        y=alt.Y("index_value:Q", title="$ / 1M tokens (log scale)",
                scale=alt.Scale(type="log")),
        color=alt.Color("openness_group:N", legend=LEGEND,
                        scale=alt.Scale(domain=["open", "closed"], range=[OPEN_COLOUR, CLOSED_COLOUR])),
        detail="segment:N",
        tooltip=[alt.Tooltip("date:T", title="date"), alt.Tooltip("openness_group:N", title="models"),
                 alt.Tooltip("index_value:Q", title="$ / 1M", format="$,.2f"),
                 alt.Tooltip("models:Q", title="models priced")],
    )


# Points a scatter draws one by one before the models behind the frontier are thinned (`thin_cloud`): every point is
# an SVG element the browser lays out and hit-tests; past a few hundred the chart is slow and no easier to read.
CLOUD_POINTS = 300
CLOUD_CELLS = 24  # per axis: the grid the thinned cloud keeps one model per cell of


def thin_cloud(frame: pl.DataFrame, limit: int = CLOUD_POINTS) -> pl.DataFrame:
    """The frontier's models as they are, and of the models behind it, when there are more than `limit`, the
    best-scoring one per cell of a price (log) × quality grid and side: the cloud keeps its shape and extent, each
    point drawn is a real model, and the frontier itself is never thinned."""
    behind = frame.filter(~pl.col("on_frontier"))
    if behind.height <= limit:
        return frame
    price, quality = pl.col("blended_price").log10(), pl.col("quality_score")

    def cell(col: pl.Expr) -> pl.Expr:
        low, high = col.min(), col.max()
        return ((col - low) / (high - low) * CLOUD_CELLS).floor().fill_nan(0).cast(pl.Int32)

    kept = (behind.filter(pl.col("blended_price") > 0)
            .with_columns(cell(price).alias("_px"), cell(quality).alias("_qy"))
            .sort(["quality_score", "blended_price"], descending=[True, False])
            .unique(["_px", "_qy", "side"], keep="first", maintain_order=True)
            .drop("_px", "_qy"))
    return pl.concat([frame.filter(pl.col("on_frontier")), kept]).sort("blended_price", "model")


def price_frontier(frame: pl.DataFrame, board: str | None = None) -> alt.LayerChart:
    """Quality against blended price (log scale), open and closed models told apart; the frontier points (filled)
    joined by a line. Quality is a score on `board` (the reference board, `v_main_board_top`): Elo on an arena,
    % solved on a benchmark."""
    unit = unit_of(board)
    where = f", {board}" if board else ", main general board"
    shown = frame.with_columns(
        frontier=pl.when(pl.col("on_frontier")).then(pl.lit("on the frontier")).otherwise(pl.lit("behind it")))
    sides = [s for s in ("open", "closed", "unknown") if s in set(shown["side"])]
    colours = {"open": OPEN_COLOUR, "closed": CLOSED_COLOUR, "unknown": "#999999"}
    points = alt.Chart(shown).mark_point(size=70, filled=True).encode(
        x=alt.X("blended_price:Q", title="blended $ / 1M tokens (log scale)", scale=alt.Scale(type="log")),
        y=alt.Y("quality_score:Q", title=f"quality ({unit}{where})", scale=alt.Scale(zero=False)),
        color=alt.Color("side:N", legend=LEGEND, sort=sides,
                        scale=alt.Scale(domain=sides, range=[colours[s] for s in sides])),
        shape=alt.Shape("frontier:N", legend=LEGEND, sort=["on the frontier", "behind it"],
                        scale=alt.Scale(domain=["on the frontier", "behind it"], range=["circle", "triangle"])),
        tooltip=[alt.Tooltip("model:N"), alt.Tooltip("side:N", title="open or closed"),
                 alt.Tooltip("blended_price:Q", title="$ / 1M", format="$,.2f"),
                 alt.Tooltip("quality_score:Q", title=unit, format=",.0f" if unit == "Elo" else ",.1f")],
    )
    line = alt.Chart(shown.filter(pl.col("on_frontier"))).mark_line(color="#264653").encode(
        x="blended_price:Q", y="quality_score:Q", order="blended_price:Q"
    )
    return alt.layer(line, points)


def price_history(frame: pl.DataFrame, as_of: date | None) -> alt.Chart:
    """One step line per provider, source and direction (input, output), in $ per 1M tokens, to the as-of day."""
    listed = frame.with_columns(
        (pl.col("provider") + " via " + pl.col("source")
         + pl.when(pl.col("tier") != "standard").then(" (" + pl.col("tier") + ")").otherwise(pl.lit(""))
         ).alias("listing")
    )
    long = listed.unpivot(
        index=["listing", "valid_from"], on=["input_per_mtok", "output_per_mtok"], variable_name="direction",
        value_name="usd_per_mtok",
    ).drop_nulls("usd_per_mtok").with_columns(
        pl.col("direction").replace({"input_per_mtok": "input", "output_per_mtok": "output"}))
    long = extend_to(long, "valid_from", as_of, by=["listing", "direction"])
    return alt.Chart(long).mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("valid_from:T", axis=TIME_AXIS),
        y=alt.Y("usd_per_mtok:Q", title="$ / 1M tokens"),
        color=alt.Color("listing:N", legend=LEGEND, title=None),
        strokeDash=alt.StrokeDash("direction:N", legend=alt.Legend(orient="bottom", title=None)),
        tooltip=[alt.Tooltip("listing:N"), alt.Tooltip("direction:N"), alt.Tooltip("valid_from:T", title="from"),
                 alt.Tooltip("usd_per_mtok:Q", title="$ / 1M", format="$,.3f")],
    ).properties(height=340)


def openness_stack(frame: pl.DataFrame, top_n: int) -> alt.Chart:
    present = [o for o in OPENNESS_ORDER if o in set(frame["openness"])]
    colours = [OPENNESS_COLOURS[OPENNESS_ORDER.index(o)] for o in present]
    return alt.Chart(frame).mark_area(interpolate="step-after").encode(
        x=alt.X("date:T", axis=TIME_AXIS),
        y=alt.Y("models:Q", title=f"models in the top {top_n}", stack="zero", scale=alt.Scale(domain=[0, top_n])),
        color=alt.Color("openness:N", legend=LEGEND, sort=present, scale=alt.Scale(domain=present, range=colours)),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("date:T", title="date"), alt.Tooltip("openness:N"), alt.Tooltip("models:Q")],
    ).transform_calculate(rank=f"indexof({present!r}, datum.openness)").properties(height=300)


def monthly_cost(frame: pl.DataFrame) -> alt.LayerChart:
    """Each option's monthly cost as a range bar from low to high (a dot where they are equal)."""
    base = alt.Chart(frame).encode(y=alt.Y("option:N", sort=None, title=None, axis=alt.Axis(labelLimit=0)))
    bar = base.mark_bar(height=18, opacity=0.85).encode(
        x=alt.X("low:Q", title="$ per month", axis=alt.Axis(format="$,.0f")), x2="high:Q",
        color=alt.Color("option:N", legend=None),
        tooltip=[alt.Tooltip("option:N"), alt.Tooltip("low:Q", format="$,.0f"), alt.Tooltip("high:Q", format="$,.0f")],
    )
    ends = base.mark_tick(thickness=2, size=22, color="#333333").encode(x="low:Q")
    tops = base.mark_tick(thickness=2, size=22, color="#333333").encode(x="high:Q")
    label = base.mark_text(align="left", dx=6).encode(x="high:Q", text="label:N")
    return alt.layer(bar, ends, tops, label).properties(height=60 * max(frame.height, 1))


CHART_WIDTH = 760  # px; the drawing scales down to a narrower column (`svg`), never up
# A mark Vega describes for screen readers (its tooltip's fields, formatted): `<path aria-label="…" …/>`.
_DESCRIBED_MARK = re.compile(r'<path aria-label="([^"]*)"([^>]*?)/>')
_SVG_SIZE = re.compile(r'^<svg ([^>]*?)width="([\d.]+)" height="([\d.]+)"')


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart drawn as one line of SVG markup: as wide as CHART_WIDTH unless it sets its own width (a facet's
    panels do), scaling down with the page; a mark with a tooltip carries it as its hover title."""
    spec = chart.to_dict()
    if "facet" not in spec and spec.get("width") is None:
        spec["width"] = CHART_WIDTH
    _describe_by_tooltip(spec)
    return _svg(json.dumps(spec, separators=(",", ":"), default=str))


def _describe_by_tooltip(node: object) -> None:
    """Every mark with a tooltip described by the tooltip's own fields, titles and formats (Vega describes a mark
    by all its encodings otherwise: x, y, colour, shape and the tooltip again)."""
    if isinstance(node, list):
        for item in node:
            _describe_by_tooltip(item)
        return
    if not isinstance(node, dict):
        return
    encoding = node.get("encoding")
    tooltip = encoding.get("tooltip") if isinstance(encoding, dict) else None
    mark = node.get("mark")
    kind, points = (mark, False) if isinstance(mark, str) else ((mark or {}).get("type"), (mark or {}).get("point"))
    # Not on a path drawn for a whole series (an area, a line without points): its hover would be its first
    # point's, and a description field splits a stacked area into one series per value (an 8.7 MB drawing).
    if mark and tooltip and kind != "area" and (kind != "line" or points):
        items = tooltip if isinstance(tooltip, list) else [tooltip]
        node["transform"] = [*node.get("transform", []), {"calculate": _hover_text(items), "as": "_hover"}]
        encoding["description"] = {"field": "_hover", "type": "nominal"}
    for key in ("layer", "spec", "hconcat", "vconcat", "concat"):
        _describe_by_tooltip(node.get(key))


def _hover_text(items: list[dict]) -> str:
    """A Vega expression: `title: value; …` for the tooltip's fields, each formatted as the tooltip formats it."""
    parts = []
    for item in items:
        ref = f"datum[{json.dumps(item['field'])}]"
        if item.get("type") == "temporal":
            value = f"timeFormat(toDate({ref}), '%-d %b %Y')"
        elif item.get("type") == "quantitative":
            value = f"format({ref}, {json.dumps(item.get('format', ',.4~g'))})"
        else:
            value = f"'' + {ref}"
        title = str(item.get("title", item["field"])).strip()
        parts.append(f"(isValid({ref}) ? {json.dumps(f'{title}: ' if title else '')} + {value} : "
                     f"{json.dumps(f'{title}: —' if title else '—')})")
    return " + '; ' + ".join(parts)


def _titled(mark: re.Match[str]) -> str:
    label, rest = mark.groups()
    if 'aria-roledescription="line mark"' in rest or 'aria-roledescription="area mark"' in rest:
        return mark.group(0)  # one path for a whole series: its label is the first point's, wrong for the rest
    # vl-convert escapes every value it writes into an attribute, so the label is safe as element text too. The
    # title is the mark's accessible name as well: the label is not repeated (a drawing's points are most of it).
    return f'<path{rest}><title>{label}</title></path>'


@lru_cache(maxsize=128)  # a rerun draws the same spec (the page's data are cached): converted once
def _svg(spec: str) -> str:
    drawn = vl_convert.vegalite_to_svg(spec)
    drawn = _DESCRIBED_MARK.sub(_titled, drawn)
    drawn = _SVG_SIZE.sub(r'<svg \1width="100%" style="max-width:\2px;height:auto"', drawn, count=1)
    return drawn.replace("\n", " ")
