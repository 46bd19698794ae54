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

# Below this many characters per column a table cuts every cell to a few letters; records then print one field
# per line instead.
MIN_COLUMN_WIDTH = 12


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
        writer = csv.writer(sys.stdout)
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
    elif names and console.width // len(names) < MIN_COLUMN_WIDTH:
        # Too many columns for the terminal: one record at a time, one field per line, values wrapped.
        label = max(len(n) for n in names)
        for i, row in enumerate(rows, 1):
            console.print(f"[bold]-[ row {i} ]-[/bold]", highlight=False)
            for name, value in zip(names, row, strict=True):
                console.print(f"{name.ljust(label)} | {cell(value)}", highlight=False, markup=False)
    else:
        table = Table(*names, show_lines=False)
        for column in table.columns:
            column.overflow = "fold"  # wrap long values instead of cutting them to "…"
        for row in rows:
            table.add_row(*(cell(v) for v in row))
        console.print(table)
