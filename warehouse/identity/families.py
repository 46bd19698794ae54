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
class Families:
    table: pa.Table  # maker, pattern, exclude, url, date: one row per family
    digest: str


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
    rows: list[tuple[str, str, str | None, str, date]] = []
    for i, entry in enumerate(doc.get("family", [])):
        where = f"{path}: [[family]] #{i + 1} ({entry.get('maker', '?')})"
        missing = [k for k in ("maker", "pattern", "url", "date") if not entry.get(k)]
        if missing:
            raise ValueError(f"{where} needs {', '.join(missing)}")
        if not str(entry["url"]).startswith("https://"):
            raise ValueError(f"{where}: url must be the maker's https page, got {entry['url']!r}")
        if not isinstance(entry["date"], date):
            raise ValueError(f"{where}: date must be a TOML date (YYYY-MM-DD), got {entry['date']!r}")
        for field in ("pattern", "exclude"):
            if entry.get(field):
                try:
                    re.compile(entry[field])
                except re.error as exc:
                    raise ValueError(f"{where}: {field} is not a regular expression ({exc})") from exc
        rows.append((str(entry["maker"]), str(entry["pattern"]), entry.get("exclude"), str(entry["url"]),
                     entry["date"]))
    table = pa.table({
        "maker": pa.array([r[0] for r in rows], pa.string()),
        "pattern": pa.array([r[1] for r in rows], pa.string()),
        "exclude": pa.array([r[2] for r in rows], pa.string()),
        "url": pa.array([r[3] for r in rows], pa.string()),
        "stated": pa.array([r[4] for r in rows], pa.date32()),
    })
    return Families(table, hashlib.sha256(body).hexdigest())
