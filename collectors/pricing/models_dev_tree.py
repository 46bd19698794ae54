"""Turn a models.dev source tree (the TOML files of the repository) into the shape of its `api.json`.

The site builds `api.json` from `providers/<provider>/provider.toml` and
`providers/<provider>/models/<model-id>.toml` (ids may contain `/`, so files nest). Since 2026 a provider
file may hold only overrides plus `base_model = "<lab>/<model>"`, inheriting every other field from
`models/<lab>/<model>.toml`, minus the dotted paths in `base_model_omit`; this converter resolves that as
the build does. Used to check the parser against dated git snapshots and to backfill from them.
"""

from __future__ import annotations

import copy
import json
import tarfile
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from collectors.tree_links import TreeFiles, follow
from gapwatch.source import ParseError


# The build's inheritance rules, also applied by the parser to entries api.json still leaves unresolved.
def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` wins; nested tables merge key by key (a provider overrides only `[cost]` of its base)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def omit(entry: dict[str, Any], dotted_paths: list[str]) -> dict[str, Any]:
    """Drop `cost.tiers`-style paths a provider entry says it does not take from its base model."""
    for path in dotted_paths:
        *parents, last = path.split(".")
        node: Any = entry
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(last, None)
    return entry


def read_tarball(path: Path) -> TreeFiles:
    """Every `.toml` in a `git archive --prefix=<x>/` tarball, keyed by its path inside the repository; a
    symbolic link reads as the file it points to (counted in `links_followed`)."""
    files: dict[str, bytes] = {}
    links: dict[str, str] = {}

    def inside(name: str) -> str:
        return name.split("/", 1)[1] if "/" in name else name

    with tarfile.open(path, "r:gz") as tar:
        for member in tar.getmembers():
            if member.issym():
                links[inside(member.name)] = member.linkname
            elif member.isfile() and member.name.endswith(".toml"):
                handle = tar.extractfile(member)
                if handle is not None:
                    files[inside(member.name)] = handle.read()
    return follow(files, links, lambda _: None, lambda link: link.endswith(".toml"))


def _jsonable(value: Any) -> Any:
    """TOML dates and times become ISO strings, as in `api.json`."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _load(path: str, raw: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ParseError(f"models.dev tree: {path} is not valid TOML ({exc})") from exc


def tree_to_api(files: Mapping[str, bytes]) -> dict[str, Any]:
    bases = {
        path.removeprefix("models/").removesuffix(".toml"): raw
        for path, raw in files.items() if path.startswith("models/")
    }
    api: dict[str, Any] = {}
    for path in sorted(files):
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "providers" and parts[2] == "provider.toml":
            api[parts[1]] = {"id": parts[1], **_jsonable(_load(path, files[path])), "models": {}}
    for path in sorted(files):
        parts = path.split("/")
        if len(parts) < 4 or parts[0] != "providers" or parts[2] != "models":
            continue
        provider, model_id = parts[1], "/".join(parts[3:]).removesuffix(".toml")
        entry = _load(path, files[path])
        base_ref = entry.pop("base_model", None)
        if base_ref is not None:
            if base_ref not in bases:
                raise ParseError(f"models.dev tree: {path} names base_model {base_ref!r}, not in models/")
            base = omit(_load(f"models/{base_ref}.toml", bases[base_ref]), list(entry.pop("base_model_omit", [])))
            entry = deep_merge(base, entry)
        api.setdefault(provider, {"id": provider, "models": {}})["models"][model_id] = {
            "id": model_id, **_jsonable(entry)
        }
    return api


def api_document(files: Mapping[str, bytes]) -> bytes:
    """The `api.json` a tree version would have produced, serialised with sorted keys: the same tree always
    gives the same bytes (and the same sha256), so a backfill re-run stays idempotent."""
    return json.dumps(tree_to_api(files), sort_keys=True).encode()
