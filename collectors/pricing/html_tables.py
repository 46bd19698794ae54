"""Reading price tables out of provider pricing pages (BeautifulSoup, stdlib HTML parser).

Pages differ, but all put prices in `<table>`s near a heading that says what the table is about. `tables()`
expands every table into a rectangular grid of cell texts (rowspan/colspan repeated into each cell they
cover, as a reader sees them) and records the headings above it; `money()` reads "$3 / MTok", "$0.30",
"Free of charge". A page whose expected table is missing raises `ParseError`: a layout change must show up as
a source-health failure, never as an empty price list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from collectors.parsing import decode_text
from gapwatch.source import ParseError

HEADINGS = ("h1", "h2", "h3", "h4")
_MONEY = re.compile(r"\$\s*(\d+(?:[.,]\d+)*)")
_FREE = re.compile(r"\bfree( of charge)?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Table:
    grid: list[list[str]]
    headings: dict[str, str]  # nearest h1..h4 above the table, by level
    before: str  # text of the few elements just before the table (captions, tab labels, notes)
    element: Tag

    @property
    def header(self) -> list[str]:
        return self.grid[0] if self.grid else []

    def context(self) -> str:
        return " ".join([*self.headings.values(), self.before])


def soup(body: bytes, what: str, content_type: str | None = None) -> BeautifulSoup:
    text = decode_text(body, content_type, what)
    head = text.lstrip()[:1]
    if head in ("{", "["):
        raise ParseError(f"{what}: expected an HTML page but got JSON (API response or wrong URL?)")
    if "<" not in text[:4096]:
        raise ParseError(f"{what}: expected an HTML page but got {len(body)} bytes of plain text")
    return BeautifulSoup(text, "html.parser")


def cell_text(cell: Tag) -> str:
    return " ".join(cell.get_text(" ", strip=True).split())


def _span(cell: Tag, name: str) -> int:
    value = str(cell.get(name) or "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def grid(table: Tag) -> list[list[str]]:
    """Rows of cell texts with row- and column-spans expanded."""
    out: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, col) → text carried down by a rowspan
    for r, tr in enumerate(table.find_all("tr")):
        row: list[str] = []
        col = 0
        cells = tr.find_all(["td", "th"], recursive=False)
        queue = list(cells)
        while queue or (r, col) in pending:
            if (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
                continue
            cell = queue.pop(0)
            text = cell_text(cell)
            for c in range(_span(cell, "colspan")):
                row.append(text)
                for down in range(1, _span(cell, "rowspan")):
                    pending[(r + down, col + c)] = text
            col += _span(cell, "colspan")
        out.append(row)
    return [row for row in out if any(row)]


def _before(table: Tag, limit: int = 3) -> str:
    texts: list[str] = []
    for sibling in table.find_all_previous(limit=40):
        if sibling.name == "table" or len(texts) >= limit:
            break
        if sibling.name in ("p", "span", "button", "div", "caption", "li", "strong", "h5", "h6") and \
                sibling.find("table") is None:
            text = cell_text(sibling)
            if text and text not in texts:
                texts.append(text)
    return " | ".join(reversed(texts))


def tables(page: BeautifulSoup) -> list[Table]:
    found = []
    for element in page.find_all("table"):
        headings: dict[str, str] = {}
        for level in HEADINGS:
            heading = element.find_previous(level)
            if heading is not None:
                headings[level] = cell_text(heading)
        found.append(Table(grid(element), headings, _before(element), element))
    return found


def money(text: str) -> float | None:
    """The first dollar amount in a cell; 0.0 for "Free of charge"; None when the cell has no price."""
    found = _MONEY.search(text)
    if found:
        return float(found.group(1).replace(",", ""))
    if _FREE.search(text):
        return 0.0
    return None


def all_money(text: str) -> list[float]:
    return [float(m.replace(",", "")) for m in _MONEY.findall(text)]


def column(header: list[str], *words: str, exclude: tuple[str, ...] = ()) -> int | None:
    """Index of the first header cell containing every word (case-insensitive) and none of `exclude`."""
    for i, name in enumerate(header):
        low = name.lower()
        if all(w in low for w in words) and not any(x in low for x in exclude):
            return i
    return None


def require(found: list, what: str, url: str, expected: str) -> None:
    if not found:
        raise ParseError(f"{what} {url}: {expected} not found — the page layout changed; update the parser")
