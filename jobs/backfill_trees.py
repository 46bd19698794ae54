"""Sources whose history is a tree of files rather than one document, and how a tree becomes that document.

models.dev publishes `api.json`, built from a repository of TOML files (`providers/`, `models/`). Its git
history and `git archive` tarballs are that history, so a backfill rebuilds the `api.json` each tree
version would have produced and ingests it as the source's document. The rebuilt JSON is serialised with
sorted keys, so the same tree always gives the same bytes (and the same sha256: re-runs stay idempotent).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from collectors.pricing import models_dev
from collectors.pricing.models_dev_tree import read_tarball, tree_to_api


@dataclass(frozen=True)
class TreeFormat:
    suffix: str  # only files with this suffix are read from a tree
    to_document: Callable[[Mapping[str, bytes]], bytes]
    from_tarball: Callable[[Path], Mapping[str, bytes]]


def _models_dev_api(files: Mapping[str, bytes]) -> bytes:
    return json.dumps(tree_to_api(files), sort_keys=True).encode()


TREE_FORMATS: dict[str, TreeFormat] = {
    models_dev.SOURCE.id: TreeFormat(".toml", _models_dev_api, read_tarball),
}

TARBALL_SUFFIXES = (".tar.gz", ".tgz")
