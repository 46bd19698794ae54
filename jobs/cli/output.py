"""How CLI commands print rows and times: tables that stay readable in an 80-column terminal, CSV, JSON,
Markdown; times to the second; schedules as a person says them."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

# A table's frame: one character of padding each side of a cell, one rule between columns and at each edge.
_FRAME_PER_COLUMN, _FRAME_EDGE = 3, 1


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


def when(value: datetime | date | None, missing: str = "never") -> str:
    """A time to the second (UTC, as the warehouse stores it), or `missing`."""
    if value is None:
        return missing
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat()


def every(interval: timedelta) -> str:
    """`every 6 h`, `every day`, `every 15 min` rather than `6:00:00`."""
    seconds = int(interval.total_seconds())
    if seconds >= 86_400 and seconds % 86_400 == 0:
        days = seconds // 86_400
        return "every day" if days == 1 else f"every {days} days"
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"every {seconds // 3600} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"every {seconds // 60} min"
    return f"every {seconds} s"


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return when(value)
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.hex()
    return value


def print_rows(names: Sequence[str], rows: Sequence[Sequence[Any]], fmt: Format, console: Console) -> None:
    if fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")  # a Unix pipe's lines, not RFC 4180's CRLF
        writer.writerow(names)
        writer.writerows([[("" if v is None else v) for v in row] for row in rows])
    elif fmt is Format.json:
        records = [{n: _json_value(v) for n, v in zip(names, row, strict=True)} for row in rows]
        sys.stdout.write(json.dumps(records, indent=2, default=str) + "\n")
    elif fmt is Format.markdown:
        def escape(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(escape(n) for n in names) + " |", "|" + "---|" * len(names)]
        lines += ["| " + " | ".join(escape(cell(v)) for v in row) + " |" for row in rows]
        sys.stdout.write("\n".join(lines) + "\n")
    else:
        print_table(console, names, [[cell(v) for v in row] for row in rows])


def _longest_word(text: str) -> int:
    return max(map(len, text.split()), default=0)


def fits(names: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> bool:
    """Whether a table of these cells fits `width` with no word broken: each column as wide as its longest word."""
    widest = [max([_longest_word(n), *(_longest_word(r[i]) for r in rows)]) for i, n in enumerate(names)]
    return sum(widest) + _FRAME_PER_COLUMN * len(names) + _FRAME_EDGE <= width


def print_table(console: Console, names: Sequence[str], rows: Sequence[Sequence[str]], *,
                title: str | None = None) -> None:
    """Rows as a table, its cells wrapped between words, when every column fits its longest word in the console's
    width (a pipe's is 80); else one record at a time, one field per line, so that no name (one to copy into an
    alias or a query) is ever cut or broken inside a word. Cells are text, never rich markup."""
    if names and fits(names, rows, console.width):
        table = Table(*names, title=title)
        for column in table.columns:
            column.overflow = "fold"  # wraps between words; `fits` leaves no word longer than its column
        for row in rows:
            table.add_row(*map(Text, row))
        console.print(table)
        return
    if title:
        console.print(Text(title, style="bold"))
    label = max(map(len, names), default=0)
    for i, row in enumerate(rows, 1):
        console.print(Text(f"-[ row {i} ]-", style="bold"))
        for name, value in zip(names, row, strict=True):
            # Wrapped between words; a word longer than the line stays whole (a terminal shows it wrapped).
            console.print(Text(f"{name.ljust(label)} | {value}"), overflow="ignore", crop=False)
