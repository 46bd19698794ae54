"""The capability map: data (a TOML file the user may edit) that puts each board/category on six capabilities.

`load_map` reads and checks the file; `store_map` replaces the `capability_map` table with it; `ingest_hook`
does both inside every ingest transaction, so the published snapshot always carries the map its scores were
judged with, and an edited map takes effect at the next ingest. Matching happens in SQL
(`v_capability_resolution`, migration 003), so the views stay correct whatever the map says.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from itertools import product
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from gapwatch.vocabulary import CAPABILITIES

NOT_A_CAPABILITY = "none"
# How much older than the freshest qualifying board a preferred board's newest data may be and still head a
# capability (the capability map's `[headline] lag_days`); an older one is passed over for the fresher one.
HEADLINE_LAG_DAYS = 60
# A capability of the user's own (`support-tickets`): a plain name, never one of the six.
OWN_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
log = logging.getLogger(__name__)


class CapabilityMapError(ValueError):
    """The capability map file cannot be used as it is (syntax, unknown capability, bad weight)."""


@dataclass(frozen=True, slots=True)
class MapEntry:
    board: str
    category: str
    capability: str
    weight: float = 1.0
    note: str | None = None


def default_path() -> Path:
    return Path(str(resources.files("warehouse") / "capability_map.toml"))


def _patterns(value: Any, what: str, where: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise CapabilityMapError(f"{where}: `{what}` must be a non-empty string or list of strings, got {value!r}")
    return [i.strip().lower() for i in items]


def _entries(raw: dict[str, Any], where: str, own: frozenset[str] = frozenset()) -> list[MapEntry]:
    unknown = set(raw) - {"board", "category", "capability", "weight", "note"}
    if unknown:
        raise CapabilityMapError(f"{where}: unknown keys {sorted(unknown)}")
    capability = raw.get("capability")
    if capability not in (*CAPABILITIES, *own, NOT_A_CAPABILITY):
        raise CapabilityMapError(f"{where}: capability {capability!r} is not one of "
                                 f"{', '.join((*CAPABILITIES, *sorted(own)))} (or {NOT_A_CAPABILITY!r}); "
                                 "a capability of your own is declared in the map's [capabilities] table")
    weight = raw.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 1:
        raise CapabilityMapError(f"{where}: weight {weight!r} must be a number in (0, 1]")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise CapabilityMapError(f"{where}: note must be text")
    boards = _patterns(raw.get("board"), "board", where)
    categories = _patterns(raw.get("category"), "category", where)
    return [MapEntry(b, c, capability, float(weight), note) for b, c in product(boards, categories)]


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CapabilityMapError(f"capability map {path} does not exist; fix GAPWATCH_CAPABILITY_MAP_PATH") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CapabilityMapError(f"capability map {path}: not valid TOML ({exc})") from exc
    extra = set(doc) - {"map", "headline", "capabilities"}
    if extra or not isinstance(doc.get("map"), list):
        raise CapabilityMapError(f"capability map {path}: expected [[map]] entries and a [headline] table "
                                 f"(found {sorted(doc)})")
    return doc


def _own(doc: dict[str, Any], path: Path) -> frozenset[str]:
    """The capabilities of the user's own the map declares (`[capabilities]`: name = "what it measures")."""
    raw = doc.get("capabilities", {})
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise CapabilityMapError(f"capability map {path}: [capabilities] must be a table of name = \"description\"")
    for name in raw:
        if name in (*CAPABILITIES, NOT_A_CAPABILITY) or not OWN_NAME.fullmatch(name):
            raise CapabilityMapError(f"capability map {path}, [capabilities]: {name!r} must be a new name of "
                                     "lower-case letters, digits, '-' or '_' (not one of the six)")
    return frozenset(raw)


def own_capabilities(path: Path | None = None) -> frozenset[str]:
    """The capabilities of the user's own declared in the map at `path` (none in the packaged map)."""
    path = path or default_path()
    return _own(_read(path), path)


def load_map(path: Path | None = None) -> list[MapEntry]:
    """Every (board, category) pattern of the map at `path` (default: the packaged map), checked."""
    path = path or default_path()
    doc = _read(path)
    own = _own(doc, path)
    entries: list[MapEntry] = []
    for number, raw in enumerate(doc["map"], start=1):
        entries += _entries(raw, f"capability map {path}, entry {number}", own)
    return entries


def load_headline(path: Path | None = None) -> list[tuple[str, int, str, int]]:
    """The map's [headline] preferences as (capability, position, board pattern, lag days), position 1 =
    preferred; `lag_days` (default HEADLINE_LAG_DAYS) is how much older than the freshest qualifying board a
    preferred board's data may be and still head the capability."""
    path = path or default_path()
    doc = _read(path)
    own = _own(doc, path)
    raw = doc.get("headline", {})
    if not isinstance(raw, dict):
        raise CapabilityMapError(f"capability map {path}: [headline] must be a table of capability = [boards]")
    raw = dict(raw)
    lag = raw.pop("lag_days", HEADLINE_LAG_DAYS)
    if isinstance(lag, bool) or not isinstance(lag, int) or lag < 0:
        raise CapabilityMapError(f"capability map {path}, [headline]: lag_days {lag!r} must be a whole number of "
                                 "days, 0 or more")
    out = []
    for capability, boards in raw.items():
        if capability not in (*CAPABILITIES, *own):
            raise CapabilityMapError(f"capability map {path}, [headline]: {capability!r} is not one of "
                                     f"{', '.join((*CAPABILITIES, *sorted(own)))}")
        out += [(capability, i, b, lag)
                for i, b in enumerate(_patterns(boards, capability, f"{path} [headline]"), 1)]
    return out


def store_headline(con: duckdb.DuckDBPyConnection, preferences: list[tuple[str, int, str, int]]) -> bool:
    """Replace the headline_preference table unless it already holds `preferences`; True when it changed."""
    rows = sorted(preferences)
    held = con.execute("SELECT capability, position, board, lag_days FROM headline_preference").fetchall()
    if sorted(held) == rows:
        return False
    con.execute("DELETE FROM headline_preference")
    if rows:
        con.executemany("INSERT INTO headline_preference (capability, position, board, lag_days) "
                        "VALUES (?, ?, ?, ?)", rows)
    return True


def store_map(con: duckdb.DuckDBPyConnection, entries: list[MapEntry]) -> bool:
    """Replace the capability_map table unless it already holds `entries`; the caller owns the transaction.

    Returns whether the table changed (the hook runs on every ingest, and an unchanged map is the rule).
    """
    rows = sorted((e.board, e.category, e.capability, e.weight, e.note) for e in entries)
    held = con.execute("SELECT board, category, capability, weight, note FROM capability_map").fetchall()
    if sorted(held) == rows:
        return False
    con.execute("DELETE FROM capability_map")
    if rows:
        columns = ("board", "category", "capability", "weight", "note")
        con.register("_capability_map", pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)}))
        con.execute("INSERT INTO capability_map SELECT board, category, capability, weight, note FROM _capability_map")
        con.unregister("_capability_map")
    return True


def refresh(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> bool:
    """Load the map at `path` into its tables; True when they changed."""
    changed = store_map(con, load_map(path))
    return store_headline(con, load_headline(path)) or changed


def ingest_hook(path: Path | None) -> Callable[[duckdb.DuckDBPyConnection, Any, Any], None]:
    """A pipeline ingest hook that reloads the map. A broken map is logged and the previous map kept:
    a typo in a user's file must not stop collection, and the views keep answering with the last good map.

    The file is parsed again only when its bytes changed (the hook runs on every ingest, an edited map is the
    exception); the table is still compared on every call, so a rolled-back ingest that had stored the map
    cannot leave the table stale."""
    parsed: dict[bytes, tuple[list[MapEntry], list[tuple[str, int, str, int]]]] = {}

    def entries() -> tuple[list[MapEntry], list[tuple[str, int, str, int]]]:
        file = path or default_path()
        try:
            body = file.read_bytes()
        except FileNotFoundError:
            return load_map(file), []  # load_map raises the error that says which setting to fix
        if body not in parsed:
            loaded = load_map(file), load_headline(file)
            parsed.clear()
            parsed[body] = loaded
        return parsed[body]

    def reload_capability_map(con: duckdb.DuckDBPyConnection, source: Any, outcome: Any) -> None:
        try:
            found, preferences = entries()
            store_map(con, found)
            store_headline(con, preferences)
        except CapabilityMapError as exc:
            log.error("%s — keeping the previously loaded capability map", exc)

    return reload_capability_map
