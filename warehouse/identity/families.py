"""The curated list of model families whose maker publishes no weights (`closed_families.toml`).

It is the weakest openness evidence (rank 6): a frontier model that no collected file gives a licence for is
closed by its maker's own statement, and any licence or weights evidence about the model overrides it.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyarrow as pa


@dataclass(frozen=True)
class Family:
    maker: str
    pattern: re.Pattern[str]
    exclude: re.Pattern[str] | None
    url: str
    stated: date


@dataclass(frozen=True)
class Families:
    entries: tuple[Family, ...]
    digest: str

    def matching(self, keys: list[str]) -> pa.Table:
        """(key, maker, url, stated) for every key a family matches (the first in file order). Matched in Python:
        DuckDB compiles a regular expression per row when the pattern is a column (a second per refresh)."""
        rows = [(key, f) for key in keys
                for f in [next((f for f in self.entries if _matches(f, key)), None)] if f is not None]
        return pa.table({"key": pa.array([k for k, _ in rows], pa.string()),
                         "maker": pa.array([f.maker for _, f in rows], pa.string()),
                         "url": pa.array([f.url for _, f in rows], pa.string()),
                         "stated": pa.array([f.stated for _, f in rows], pa.date32())})


def _matches(family: Family, key: str) -> bool:
    return family.pattern.search(key) is not None and not (family.exclude and family.exclude.search(key))


def default_families_path() -> Path:
    return Path(str(resources.files("warehouse.identity") / "closed_families.toml"))


def load_families(path: Path | None = None) -> Families:
    """Read the family list; a mistake in it is an error naming the file and the entry."""
    path = path or default_families_path()
    return _parse(path, path.read_bytes())


@lru_cache(maxsize=4)
def _parse(path: Path, body: bytes) -> Families:
    try:
        doc = tomllib.loads(body.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid TOML ({exc}); fix the file") from exc
    entries: list[Family] = []
    for i, entry in enumerate(doc.get("family", [])):
        where = f"{path}: [[family]] #{i + 1} ({entry.get('maker', '?')})"
        missing = [k for k in ("maker", "pattern", "url", "date") if not entry.get(k)]
        if missing:
            raise ValueError(f"{where} needs {', '.join(missing)}")
        if not str(entry["url"]).startswith("https://"):
            raise ValueError(f"{where}: url must be the maker's https page, got {entry['url']!r}")
        if not isinstance(entry["date"], date):
            raise ValueError(f"{where}: date must be a TOML date (YYYY-MM-DD), got {entry['date']!r}")
        compiled: dict[str, re.Pattern[str] | None] = {}
        for field in ("pattern", "exclude"):
            try:
                compiled[field] = re.compile(entry[field]) if entry.get(field) else None
            except re.error as exc:
                raise ValueError(f"{where}: {field} is not a regular expression ({exc})") from exc
        entries.append(Family(str(entry["maker"]), compiled["pattern"], compiled["exclude"], str(entry["url"]),
                              entry["date"]))
    return Families(tuple(entries), hashlib.sha256(body).hexdigest())
