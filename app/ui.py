"""Small pieces every page shares: the empty state, readable tables, the history-loading notice, and scraped
text shown strictly as text."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import altair as alt
import polars as pl
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.elements.lib.mutable_expander_container import ExpanderContainer

from app import charts, data, format
from warehouse.progress import read_progress


def no_data(what: str) -> None:
    """The empty state. Our own words only: this goes through Markdown."""
    st.info(f"No data yet: {what}. It appears after a collection publishes a snapshot that contains it "
            "(`gapwatch collect`, or `make demo` for recorded data).")


# How a table is drawn. Streamlit's interactive grid cost a page's first visit in Chromium 1.1 s and `st.table`
# 0.4 s (their scripts load on first use; bench/bench_pages.py), so tables are our own HTML, which costs nothing:
# whole up to STATIC_ROWS rows, in a scrolling box up to HTML_ROWS; a longer one shows its first STATIC_ROWS rows
# and keeps the sortable grid in a fold, built when opened. A date, a time or a number stays on one line (a wide
# table broke "2026-12-06 19:03" over three); names and sentences wrap, so the table still fits the page.
STATIC_ROWS = 25
HTML_ROWS = 500
_ONE_LINE = re.compile(r"[-+−$]?\d[\d\-−:.,/ %]{0,19}")
_TABLE_STYLE = (
    "<style>.gw-table{max-width:100%;overflow:auto;margin-bottom:1rem}"
    ".gw-table.gw-scroll{max-height:30rem}"
    ".gw-table table{border-collapse:collapse;font-size:0.875rem;width:100%}"
    ".gw-table th,.gw-table td{border-bottom:1px solid rgba(49,51,63,0.1);padding:0.25rem 0.5rem;"
    "text-align:left;vertical-align:top}"
    ".gw-table thead th{position:sticky;top:0;background:#fff;font-weight:600;color:rgba(49,51,63,0.7)}"
    ".gw-table tbody th{font-weight:600}.gw-table .gw-nw{white-space:nowrap}</style>"
)


def html_block(markup: str, where: DeltaGenerator | None = None) -> None:
    """Markup we built, with every collected value escaped, drawn as it is (in `where`, a column, if given).
    Inside a `<div>` and on one line (no blank line), Markdown takes it as a raw HTML block and leaves it alone:
    `$`, `*` or `_` in a name are text."""
    (where or st).markdown(f'<div class="gw-block">{markup.replace(chr(10), " ")}</div>', unsafe_allow_html=True)


_METRIC_STYLE = ("<style>.gw-metric .gw-label{font-size:0.875rem;color:rgba(49,51,63,0.7)}"
                 ".gw-metric .gw-label[title]{text-decoration:underline dotted;cursor:help}"
                 ".gw-metric .gw-value{font-size:2.25rem;line-height:1.3;padding-bottom:0.25rem}</style>")


def metric(label: str, value: object, *, help: str | None = None, where: DeltaGenerator | None = None) -> None:
    """A headline figure, label over value, as `st.metric` shows one but drawn as HTML: the metric widget's
    scripts cost a page's first visit ~0.1 s. `help` is the hover text of the label (a dotted underline);
    `where`: a column."""
    hover = f' title="{escape(help)}"' if help else ""
    html_block(f'{_METRIC_STYLE}<div class="gw-metric"><div class="gw-label"{hover}>{escape(label)}</div>'
               f'<div class="gw-value">{escape(str(value))}</div></div>', where)


def chart(drawing: alt.TopLevelMixin) -> None:
    """A chart as a picture drawn on the server (`charts.svg`): no chart scripts in the browser."""
    html_block(f'<div class="gw-chart">{charts.svg(drawing)}</div>')


def table(frame: pl.DataFrame, *, links: dict[str, str] | None = None, key: str | None = None) -> None:
    """A table as a reader reads it (labels, $, %, dates, "—"; `app.format`), drawn as HTML (`html_table`).
    `links` maps a column of relative URLs to the text each link shows. Past HTML_ROWS rows: the first
    STATIC_ROWS, and every row in the interactive grid in a fold (`key` keys it), whose cells are plain text."""
    links = links or {}
    if frame.height <= HTML_ROWS:
        html_block(html_table(frame, links=links))
        return
    html_block(html_table(frame.head(STATIC_ROWS), links=links))
    with (box := folded(f"All {frame.height:,} rows (sortable)", f"{key or 'table'}_all")):
        if box.open:
            config = {format.humanise(c): st.column_config.LinkColumn(format.humanise(c), display_text=text)
                      for c, text in links.items()}
            st.dataframe(format.readable(frame, keep=tuple(links)), hide_index=True, column_config=config,
                         key=key)


def verbatim(text: str, *, diff: bool = False) -> None:
    """Collected text (a licence's diff, a model's evidence) shown as typed, in a monospaced box, every character
    escaped; a diff's added and removed lines tinted. Our HTML, not `st.code`, whose highlighter's scripts cost a
    page's first visit."""
    html_block(verbatim_html(text, diff=diff))


def verbatim_html(text: str, *, diff: bool = False) -> str:
    lines = []
    for line in text.splitlines() or [""]:
        tint = ""
        if diff and line[:1] in ("+", "-") and not line.startswith(("+++", "---")):
            tint = ' style="background:#e6ffed"' if line[0] == "+" else ' style="background:#ffeef0"'
        lines.append(f"<div{tint}>{escape(line) or '&nbsp;'}</div>")  # a line each: no blank line ends the block
    return (f'<div class="gw-verbatim" style="font-family:monospace;font-size:0.85rem;white-space:pre-wrap;'
            f'background:#f8f9fb;padding:0.75rem;border-radius:0.5rem;max-height:32rem;overflow:auto">'
            f'{"".join(lines)}</div>')


def text_table(frame: pl.DataFrame) -> None:
    """A short table whose cells are sentences or names, read by its first column (the row header)."""
    html_block(html_table(frame, row_header=True))


def html_table(frame: pl.DataFrame, *, links: dict[str, str] | None = None, row_header: bool = False) -> str:
    """The table as HTML, every cell escaped; a `links` column's cells as links (relative URLs only: our pages)."""
    links = links or {}
    shown = format.readable(frame, keep=tuple(links))
    heads = "".join(f"<th>{escape(c)}</th>" for c in shown.columns)
    labels = {format.humanise(c): text for c, text in links.items()}
    rows = []
    for values in shown.iter_rows():
        cells = []
        for i, (column, value) in enumerate(zip(shown.columns, values, strict=True)):
            plain = format.MISSING if value is None else str(value)
            text = _link(value, labels[column]) if column in labels else escape(plain)
            tag = "th" if row_header and i == 0 else "td"
            one_line = ' class="gw-nw"' if _ONE_LINE.fullmatch(plain) else ""
            cells.append(f"<{tag}{one_line}>{text}</{tag}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    scroll = " gw-scroll" if frame.height > STATIC_ROWS else ""
    return (f'{_TABLE_STYLE}<div class="gw-table{scroll}"><table><thead><tr>{heads}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


_PAGE_URL = re.compile(r"[a-z_]+(\?\S*)?")  # a page of this app, addressed relatively (`app.links`)


def _link(url: object, text: str) -> str:
    if not isinstance(url, str) or not _PAGE_URL.fullmatch(url):
        return "" if url is None else escape(str(url))  # shown as text, never followed
    return f'<a href="{escape(url)}" target="_self">{escape(text)}</a>'


def folded(label: str, key: str, *, expanded: bool = False) -> ExpanderContainer:
    """An expander whose content is built only while it is open (`with (box := folded(...)): if box.open: ...`):
    a long table kept folded costs a page's first render nothing, where a plain expander's content is sent and
    drawn, hidden, on every run. Opening it reruns the page with the content built."""
    return st.expander(label, expanded=expanded, key=key, on_change="rerun")


def table_or_empty(frame: pl.DataFrame | None, what: str, *, key: str | None = None) -> None:
    """The table when the view has rows, else the empty state naming what is missing."""
    if data.present(frame):
        table(frame, key=key)
    else:
        no_data(what)


def snapshot_or_stop() -> data.Snapshot:
    """The current snapshot; when none is published yet, say so and end this page's run."""
    snap = data.snapshot()
    if snap is None:
        no_data("nothing has been published")
        st.stop()
    return snap


def loading_notice(snap: data.Snapshot) -> None:
    """While a history build (the demo) is still running, say how far it is: trends are still filling in."""
    progress = read_progress(Path(snap.path))
    if progress is not None and progress.done < progress.total:
        st.warning(f"History loading ({progress.done:,} of {progress.total:,} {progress.what}): figures and "
                   "trends fill in as it goes; reload the page to see more.")
