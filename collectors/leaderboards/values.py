"""Value helpers shared by the leaderboard parsers: CSV decoding with clear errors, ints, dates, slugs."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from collectors.parsing import decode_text, to_float
from gapwatch.rows import Row, ScoreRow
from gapwatch.source import ParseError

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def read_csv(body: bytes, what: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV document; an HTML error page or an empty body is a ParseError."""
    if body.lstrip()[:1] == b"<":
        raise ParseError(f"{what}: expected CSV but got HTML (error page or layout change?)")
    text = decode_text(body, None, what)
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in reader.fieldnames or []]
    if not fields:
        raise ParseError(f"{what}: empty document, no CSV header")
    reader.fieldnames = fields
    return fields, list(reader)


def to_int(value: Any) -> int | None:
    number = to_float(value)
    return None if number is None else int(number)


def to_date(value: Any) -> date | None:
    """ISO dates as strings, dates or datetimes; anything else (``Unknown``, empty) is None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def slug(text: str) -> str:
    """`MATH Lvl 5` → `math_lvl_5`: category names as stable, lower-case identifiers."""
    return _NOT_SLUG.sub("_", text.lower()).strip("_")


def with_ranks(rows: list[Row]) -> list[Row]:
    """Rank score rows within (board, category), best first, ties sharing the better rank, like a leaderboard.

    For sources that publish scores without ranks; a row that already has a rank keeps it.
    """
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in rows:
        if isinstance(row, ScoreRow):
            scores[(row.board, row.category)].append(row.score)
    first: dict[tuple[str, str], dict[float, int]] = {}
    for key, values in scores.items():
        first[key] = {}
        for position, score in enumerate(sorted(values, reverse=True), start=1):
            first[key].setdefault(score, position)
    return [
        replace(r, rank=first[(r.board, r.category)][r.score]) if isinstance(r, ScoreRow) and r.rank is None else r
        for r in rows
    ]
