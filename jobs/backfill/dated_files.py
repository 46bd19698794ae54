"""Find the dated documents in a directory: when each one was true, from a manifest or from its name.

Precedence, per file:
1. a manifest entry (`--manifest`, CSV with header `file,observed_at[,url]`): exact timestamp, optional URL;
2. the first `YYYY-MM-DD` in the file name (`2024-09-28_0b30e212da.json`, `lmsys_2024-10-16_c05d3e1fbc.csv`,
   `data_2025-06-23_c56491a944.json`): by convention the date a file is named by is when it was published,
   so it beats a data version later in the name (`lmarena_text_2025-08-06_283321b9c6_data2025.07.27.csv`
   was still the live text board on 2025-08-06);
3. the first `YYYY.MM.DD` in the file name (`lmarena_text_data2025.08.04.csv`: only the data version is known);
4. the same two patterns in the enclosing directory names, innermost first (the demo recordings layout
   `openrouter/2026-05-15/api/v1/models`).
A file with none of these is not a dated document: it is reported and left out. A date without a time
means 00:00 UTC; manifest timestamps with an offset are converted to UTC.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DOTTED_DATE = re.compile(r"(?<!\d)(\d{4})\.(\d{2})\.(\d{2})(?!\d)")


class ManifestError(ValueError):
    """The manifest file is unreadable or names a file or time that does not exist."""


@dataclass(frozen=True)
class DatedFile:
    path: Path
    observed_at: datetime
    url: str  # the file's own file:// URL unless the manifest names another


def date_in_name(name: str) -> datetime | None:
    for pattern in (_ISO_DATE, _DOTTED_DATE):
        for found in pattern.finditer(name):
            try:
                return datetime(*map(int, found.groups()))
            except ValueError:  # 2024-13-45 is a number that looks like a date, not a date
                continue
    return None


def date_of(path: Path, root: Path) -> datetime | None:
    """The document date from the file name, else from its directories below `root`, innermost first."""
    for part in (path.name, *(p.name for p in path.relative_to(root).parents if p.name)):
        found = date_in_name(part)
        if found is not None:
            return found
    return None


def parse_timestamp(text: str) -> datetime:
    """An ISO date or timestamp as naive UTC (`2025-06-01`, `2025-06-01T12:00`, `2025-06-01T12:00:00-07:00`)."""
    ts = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return ts.astimezone(UTC).replace(tzinfo=None) if ts.tzinfo else ts


def read_manifest(manifest: Path, root: Path) -> dict[Path, tuple[datetime, str | None]]:
    """`file,observed_at[,url]` rows keyed by resolved path; relative files are relative to `root`."""
    try:
        with manifest.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise ManifestError(f"cannot read manifest {manifest}: {exc}") from exc
    out: dict[Path, tuple[datetime, str | None]] = {}
    for line_no, row in enumerate(rows, start=2):
        if not row.get("file") or not row.get("observed_at"):
            raise ManifestError(f"{manifest}:{line_no}: needs `file` and `observed_at` columns, got {row}")
        path = (root / row["file"].strip()).resolve()
        if not path.is_relative_to(root):
            raise ManifestError(f"{manifest}:{line_no}: {row['file']} is outside {root}; refusing to read it")
        if not path.is_file():
            raise ManifestError(f"{manifest}:{line_no}: {row['file']} is not a file under {root}")
        try:
            at = parse_timestamp(row["observed_at"])
        except ValueError:
            raise ManifestError(f"{manifest}:{line_no}: {row['observed_at']!r} is not an ISO timestamp") from None
        out[path] = (at, (row.get("url") or "").strip() or None)
    return out


def dated_files(root: Path, manifest: Path | None = None) -> tuple[list[DatedFile], list[Path]]:
    """Every dated document under `root` (recursively, hidden files left out) and the undated files."""
    root = root.resolve()
    listed = read_manifest(manifest, root) if manifest else {}
    skip = {manifest.resolve()} if manifest else set()
    found, undated, outside = [], [], []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path in skip or any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if not path.resolve().is_relative_to(root):  # a symlink out of the directory: never read, never stored
            outside.append(path)
            continue
        if path in listed:
            at, url = listed[path]
            found.append(DatedFile(path, at, url or path.as_uri()))
            continue
        at = date_of(path, root)
        if at is None:
            undated.append(path)
        else:
            found.append(DatedFile(path, at, path.as_uri()))
    if outside:
        raise ManifestError(f"{len(outside)} file(s) under {root} are symlinks to files outside it, e.g. "
                            f"{outside[0].relative_to(root)} → {outside[0].resolve()}; refusing them: copy the "
                            "documents into the directory (or remove the links) and run again. Nothing was stored.")
    return found, undated
