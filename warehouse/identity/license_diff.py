"""Readable diffs between successive versions of a licence text (stored one paragraph per line)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

import duckdb


@dataclass(frozen=True)
class TextVersion:
    license_id: str
    sha256: str
    text: str
    valid_from: datetime
    valid_to: datetime | None


_VERSIONS = "SELECT license_id, text_sha256, text, valid_from, valid_to FROM license_text"


def _distinct(rows: list[tuple]) -> list[TextVersion]:
    """One licence's rows, oldest first, as its versions."""
    out: list[TextVersion] = []
    for row in rows:
        version = TextVersion(*row)
        if out and out[-1].sha256 == version.sha256:  # an interval split by a backfill, same text
            continue
        out.append(version)
    return out


def versions(con: duckdb.DuckDBPyConnection, license_id: str) -> list[TextVersion]:
    return _distinct(con.execute(f"{_VERSIONS} WHERE license_id = ? ORDER BY valid_from", [license_id]).fetchall())


def unified(before: TextVersion, after: TextVersion) -> tuple[str, int, int]:
    """The unified diff of two versions, with the count of paragraphs added and removed."""
    lines = list(
        difflib.unified_diff(
            before.text.splitlines(),
            after.text.splitlines(),
            fromfile=f"{before.license_id} {before.valid_from:%Y-%m-%d %H:%M} ({before.sha256[:12]})",
            tofile=f"{after.license_id} {after.valid_from:%Y-%m-%d %H:%M} ({after.sha256[:12]})",
            lineterm="",
        )
    )
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    return "\n".join(lines), added, removed


def license_diff(con: duckdb.DuckDBPyConnection, license_id: str, from_version: int | None = None,
                 to_version: int | None = None) -> str:
    """Diff two versions (1-based, as in v_license_text_versions); default: the last two."""
    found = versions(con, license_id)
    if not found:
        raise KeyError(f"no text stored for licence {license_id!r}; `gapwatch collect license_texts` first, "
                       "or see v_license_text_versions for the ids tracked")
    if len(found) < 2 and from_version is None:
        raise ValueError(f"licence {license_id!r} has a single version so far ({found[0].sha256[:12]}, since "
                         f"{found[0].valid_from:%Y-%m-%d}); nothing to diff")
    to_i = (to_version or len(found)) - 1
    from_i = (from_version - 1) if from_version else to_i - 1
    for i in (from_i, to_i):
        if not 0 <= i < len(found):
            raise ValueError(f"licence {license_id!r} has versions 1..{len(found)}, not {i + 1}")
    return unified(found[from_i], found[to_i])[0]


def refresh_license_diffs(con: duckdb.DuckDBPyConnection) -> int:
    """Keep one stored diff per pair of successive versions (a backfilled version in between replaces the pair
    it splits); return how many diffs were added."""
    # Every licence's versions in one statement (it runs after each collection of the licence texts).
    by_id: dict[str, list[tuple]] = {}
    for row in con.execute(f"{_VERSIONS} ORDER BY license_id, valid_from").fetchall():
        by_id.setdefault(row[0], []).append(row)
    stored = set(con.execute("SELECT license_id, from_sha256, to_sha256 FROM license_text_diff").fetchall())
    wanted: set[tuple[str, str, str]] = set()
    added = 0
    for license_id, rows in by_id.items():
        found = _distinct(rows)
        for before, after in zip(found, found[1:], strict=False):
            pair = (license_id, before.sha256, after.sha256)
            wanted.add(pair)
            if pair in stored:
                continue
            diff, plus, minus = unified(before, after)
            con.execute(
                "INSERT INTO license_text_diff VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [license_id, before.sha256, after.sha256, before.valid_from, after.valid_from, plus, minus, diff],
            )
            added += 1
    for pair in stored - wanted:
        con.execute("DELETE FROM license_text_diff WHERE license_id = ? AND from_sha256 = ? AND to_sha256 = ?",
                    list(pair))
    return added
