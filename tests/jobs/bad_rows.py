"""Spoil one entry of a recorded document, whatever its format: one value made bad (`N/A`) or taken out (its
field or cell gone, the entry's other fields still there).

The entry is the leader of a board (the top score of the biggest board/category) for a leaderboard, else the
first price, else the first row: the mutators find that row's value in the document by its name and its value
(prices may be written per token, per 1K or per 1M; scores as fractions or percentages). The unspoilt document
is re-serialised by the same writer, so the two documents differ only by the spoilt entry.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from gapwatch.rows import HubModelRow, LicenseRow, LicenseTextRow, ModelRow, PriceRow, Row, ScoreRow
from gapwatch.source import DocMeta, ParseError, Source

BAD, MISSING = "one bad value", "one missing value"
SCALES = (1.0, 1e-6, 1e-3, 0.01, 100.0)
VALUE_FIELD: dict[type, str] = {ScoreRow: "score", PriceRow: "input_per_mtok", ModelRow: "context_length",
                                LicenseRow: "name", LicenseTextRow: "text", HubModelRow: "license"}
_T = datetime(2025, 6, 1, 12)  # parsers read no clock; any time will do
PREFERENCE = (ScoreRow, PriceRow, LicenseRow, HubModelRow, ModelRow, LicenseTextRow)


@dataclass(frozen=True)
class Case:
    """A snapshot of `source` from its fixtures (one file per URL it parses from) and the entry to spoil, in the
    document `path` (fetched from `url`) with `rows`."""

    source: Source
    snapshot: dict[str, Path]
    path: Path
    url: str
    rows: list[Row]
    target: Row

    def value(self) -> Any:
        row = self.target
        if isinstance(row, PriceRow) and row.input_per_mtok is None:
            return row.output_per_mtok
        return getattr(row, VALUE_FIELD[type(row)])

    def name(self) -> str:
        return name_of(self.target)

    def entries(self) -> int:
        """How many entries the spoilt document lists: with siblings, one bad entry must not cost the others."""
        return len(set(map(name_of, self.rows)))


def name_of(row: Row) -> str:
    for field in ("model", "license_id", "repo"):
        if hasattr(row, field):
            return str(getattr(row, field))
    raise AssertionError(f"{type(row).__name__}: no name field")


def parse(source: Source, body: bytes, url: str) -> list[Row] | None:
    try:
        return source.parse(body, DocMeta(source.id, url, _T)).rows
    except (ParseError, ValueError, KeyError, TypeError):
        return None


def case_for(source: Source, folder: Path) -> Case:
    """Per URL of `source`, the fixture with the most rows as fetched from it; the biggest is spoilt."""
    best: dict[str, tuple[Path, list[Row]]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        body = path.read_bytes()
        own = f"{source.base_url.rstrip('/')}/{path.relative_to(folder).as_posix()}"
        named = [u for u in source.urls() if unquote(u).endswith(path.relative_to(folder).as_posix())]
        for url in named or [*source.urls(), own]:
            rows = parse(source, body, url)
            if rows:
                if url not in best or len(rows) > len(best[url][1]):
                    best[url] = (path, rows)
                break
    assert best, f"{source.id}: no fixture under {folder} parses"
    url, (path, rows) = max(best.items(), key=lambda item: len(item[1][1]))
    return Case(source, {u: p for u, (p, _) in best.items()}, path, url, rows, _target(rows))


def _target(rows: list[Row]) -> Row:
    kind = next(t for t in PREFERENCE if any(isinstance(r, t) for r in rows))
    of_kind = [r for r in rows if isinstance(r, kind)]
    if kind is ScoreRow:
        boards: dict[tuple, list[ScoreRow]] = {}
        for r in of_kind:
            boards.setdefault((r.board, r.category), []).append(r)
        return max(max(boards.values(), key=len), key=lambda r: r.score)
    return next((r for r in of_kind if VALUE_FIELD[kind] and getattr(r, VALUE_FIELD[kind]) is not None), of_kind[0])


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().lstrip("$").replace(",", ""))
        except ValueError:
            return None
    return None


def matches(found: Any, wanted: Any) -> bool:
    if isinstance(wanted, str):
        return found == wanted
    x, w = _number(found), _number(wanted)
    if x is None or w is None or not math.isfinite(x):
        return False
    return any(math.isclose(x, w * s, rel_tol=1e-6, abs_tol=1e-12) for s in SCALES)


def _names(name: str) -> set[str]:
    name = name.lower()
    return {name, name.rsplit("/", 1)[-1]}


def _named(text: Any, names: set[str]) -> bool:
    return isinstance(text, str) and any(n in text.lower() for n in names)


# -- trees (JSON, YAML) -------------------------------------------------------------------------------------

def _leaves(node: Any, ancestors: list[Any]) -> list[tuple[Any, Any, list[Any]]]:
    """(container, key, ancestors) of every scalar leaf."""
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        if isinstance(child, dict | list):
            out += _leaves(child, [*ancestors, (node, key)])
        else:
            out.append((node, key, [*ancestors, (node, key)]))
    return out


def _spoil_tree(tree: Any, case: Case, how: str) -> bool:
    names, wanted = _names(case.name()), case.value()
    best, best_depth = None, -1
    for container, key, chain in _leaves(tree, []):
        if not matches(container[key], wanted):
            continue
        # How close to the value the entry's name is: a key or a sibling string of an enclosing dict.
        depth = -1
        for level, (node, node_key) in enumerate(chain):
            if isinstance(node, dict) and (_named(node_key, names) and level < len(chain) - 1
                                           or any(_named(v, names) for v in node.values())):
                depth = level
        if depth > best_depth or best is None:
            best, best_depth = (container, key), depth
    if best is None:  # a computed value (an average of the entry's cells): spoil the entry's first number instead
        best = _first_number(tree, names)
    if best is None:
        return False
    container, key = best
    if how == BAD:
        container[key] = "N/A" if not isinstance(wanted, str) else 0  # text spoilt by the wrong type
    elif isinstance(container, dict):
        del container[key]
    else:
        container[key] = None
    return True


def _first_number(tree: Any, names: set[str]) -> tuple[Any, Any] | None:
    for container, key, chain in _leaves(tree, []):
        if _number(container[key]) is not None and any(
                isinstance(node, dict) and any(_named(v, names) for v in node.values()) for node, _ in chain):
            return container, key
    return None


# -- tables (CSV, Parquet, a zip of CSVs) ---------------------------------------------------------------------

def _spoil_records(header: list[str], records: list[list[Any]], case: Case, how: str) -> bool:
    names, wanted = _names(case.name()), case.value()
    hits = [(i, j) for i, rec in enumerate(records) for j, cell in enumerate(rec) if matches(cell, wanted)]
    named = [(i, j) for i, j in hits if any(_named(c, names) for c in records[i])]
    if not (named or hits):  # a computed value (an average of the entry's cells): spoil its first number
        named = [(i, j) for i, rec in enumerate(records) if any(_named(c, names) for c in rec)
                 for j, cell in enumerate(rec) if _number(cell) is not None][:1]
    if not (named or hits):
        return False
    i, j = (named or hits)[0]
    records[i][j] = "N/A" if how == BAD else ("" if isinstance(records[i][j], str) else None)
    return True


def _csv(body: bytes, case: Case, how: str | None) -> bytes | None:
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    if how is not None and not _spoil_records(rows[0], rows[1:], case, how):
        return None
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def _parquet(body: bytes, case: Case, how: str | None) -> bytes | None:
    table = pq.read_table(io.BytesIO(body))
    header = table.column_names
    records = [[rec[c] for c in header] for rec in table.to_pylist()]
    schema = table.schema
    if how is not None:
        if not _spoil_records(header, records, case, how):
            return None
        if how == BAD:  # "N/A" in a numeric column: the column becomes text, as a careless export would write it
            j = next(j for j, _ in enumerate(header) if any(r[j] == "N/A" for r in records))
            schema = schema.set(j, pa.field(header[j], pa.string()))
            for r in records:
                r[j] = None if r[j] is None else str(r[j])
    out = io.BytesIO()
    pq.write_table(pa.Table.from_pylist([dict(zip(header, r, strict=True)) for r in records], schema=schema), out)
    return out.getvalue()


def _zip(body: bytes, case: Case, how: str | None) -> bytes | None:
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        members = [(i, z.read(i)) for i in z.infolist() if not i.is_dir()]
    done, out = how is None, io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info, data in members:
            if info.filename.endswith(".csv"):
                spoilt = _csv(data, case, None if done else how)
                if spoilt is None:
                    spoilt = _csv(data, case, None)
                else:
                    done = True
                data = spoilt
            z.writestr(info, data)
    return out.getvalue() if done else None


# -- markup and text --------------------------------------------------------------------------------------

_ROW = re.compile(r"<tr\b.*?</tr>", re.S | re.I)
_NUMBER = re.compile(r"(?<![\w.])\$?\d[\d,]*(?:\.\d+)?(?![\w])")


def _html(body: bytes, case: Case, how: str | None) -> bytes | None:
    if how is None:
        return body
    text, names, wanted = body.decode(), _names(case.name()), case.value()
    for pass_named in (True, False):
        for row in _ROW.finditer(text):
            if pass_named and not _named(re.sub(r"<[^>]+>", " ", row.group()), names):
                continue
            for number in _NUMBER.finditer(row.group()):
                if matches(number.group(), wanted):
                    start, end = row.start() + number.start(), row.start() + number.end()
                    return (text[:start] + ("N/A" if how == BAD else "") + text[end:]).encode()
    return None


def _text(body: bytes, case: Case, how: str | None) -> bytes | None:
    if how is None:
        return body
    return b"N/A\n" if how == BAD else b""


def _json(body: bytes, case: Case, how: str | None) -> bytes | None:
    tree = json.loads(body)
    if how is not None and not _spoil_tree(tree, case, how):
        return None
    return json.dumps(tree, indent=1).encode()


def _yaml(body: bytes, case: Case, how: str | None) -> bytes | None:
    tree = yaml.safe_load(body)
    if how is not None and not _spoil_tree(tree, case, how):
        return None
    return yaml.safe_dump(tree, sort_keys=False, allow_unicode=True).encode()


Writer = Callable[[bytes, Case, str | None], bytes | None]


def writer_for(case: Case) -> Writer:
    body = case.path.read_bytes()
    if body.startswith(b"PAR1"):
        return _parquet
    if body.startswith(b"PK"):
        return _zip
    suffix = case.path.suffix.lower()
    if suffix in (".yml", ".yaml"):
        return _yaml
    if suffix in (".html", ".htm") or b"<table" in body[:200_000].lower():
        return _html
    if suffix == ".csv":
        return _csv
    try:
        json.loads(body)
        return _json
    except ValueError:
        return _text


def documents(case: Case, how: str) -> tuple[bytes, bytes]:
    """The document as recorded (re-serialised) and with its target entry spoilt `how`."""
    write, body = writer_for(case), case.path.read_bytes()
    plain, spoilt = write(body, case, None), write(body, case, how)
    assert plain is not None
    assert spoilt is not None, (f"{case.source.id}: could not find {case.name()}'s value {case.value()!r} in "
                                f"{case.path.name}; teach tests/jobs/bad_rows.py this format")
    return plain, spoilt

