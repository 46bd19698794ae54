"""The manual overrides: the user-editable aliases file (model aliases, models, licence openness)."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

from gapwatch.vocabulary import CLASSES


@dataclass(frozen=True)
class Overrides:
    aliases: list[tuple[str | None, str, str, str | None]]  # (source or None = any, name, model_id, note)
    # (normalised key, model_id, valid_from or None, note): every name with that key, from that time on
    key_aliases: list[tuple[str, str, datetime | None, str | None]]
    models: list[dict]
    licenses: list[tuple[str, str, str | None, str | None]]  # (term, openness, license_id, note)
    digest: str


def default_aliases_path() -> Path:
    return Path(str(resources.files("warehouse.identity") / "aliases.toml"))


def load_overrides(path: Path | None) -> Overrides:
    """Read the user-editable aliases file; a mistake in it is an error naming the file and the entry."""
    path = path or default_aliases_path()
    if not path.exists():
        return Overrides([], [], [], [], "absent")
    return _parse_overrides(path, path.read_bytes())


@lru_cache(maxsize=4)
def _parse_overrides(path: Path, body: bytes) -> Overrides:
    # Cached on the bytes: the hook reads the file on every ingest, and an edited file is the exception.
    try:
        doc = tomllib.loads(body.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid TOML ({exc}); fix the file or point GAPWATCH_ALIASES_PATH elsewhere") \
            from exc
    aliases, key_aliases, models, licences = [], [], [], []
    for i, entry in enumerate(doc.get("alias", [])):
        if not entry.get("model") or bool(entry.get("name")) == bool(entry.get("key")):
            raise ValueError(f"{path}: [[alias]] #{i + 1} needs `model` and one of `name` or `key` (got {entry})")
        if entry.get("key"):
            since = entry.get("valid_from")
            if since is not None and not isinstance(since, date):
                raise ValueError(f"{path}: [[alias]] #{i + 1}: valid_from must be a TOML date (got {since!r})")
            if isinstance(since, date) and not isinstance(since, datetime):
                since = datetime(since.year, since.month, since.day)
            key_aliases.append((str(entry["key"]), str(entry["model"]), since, entry.get("note")))
            continue
        aliases.append((entry.get("source"), str(entry["name"]), str(entry["model"]), entry.get("note")))
    for i, entry in enumerate(doc.get("model", [])):
        if not entry.get("id"):
            raise ValueError(f"{path}: [[model]] #{i + 1} needs an `id` (got {entry})")
        if entry.get("openness") and entry["openness"] not in CLASSES:
            raise ValueError(f"{path}: [[model]] {entry['id']}: openness {entry['openness']!r} is not one of "
                             f"{', '.join(CLASSES)}")
        models.append(entry)
    for i, entry in enumerate(doc.get("license", [])):
        if not entry.get("term") or entry.get("openness") not in CLASSES:
            raise ValueError(f"{path}: [[license]] #{i + 1} needs `term` and an `openness` among "
                             f"{', '.join(CLASSES)} (got {entry})")
        licences.append((str(entry["term"]), entry["openness"], entry.get("license_id"), entry.get("note")))
    return Overrides(aliases, key_aliases, models, licences, hashlib.sha256(body).hexdigest())
