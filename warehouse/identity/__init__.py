"""Identity: one canonical model per name the sources use, and how open each model is.

`names` normalises a source's name to a key (pure), `overrides` reads the user's aliases file, `refresh` resolves
names to models with `identity_refresh.sql`, `openness` classifies licence terms, `license_diff` compares licence
texts, and `hook` runs the refresh after each ingest.
"""

from __future__ import annotations

from warehouse.identity.hook import hook, names_added, touches_identity
from warehouse.identity.names import NameKey, normalise
from warehouse.identity.overrides import Overrides, default_aliases_path, load_overrides
from warehouse.identity.refresh import refresh_identity

__all__ = [
    "NameKey", "Overrides", "default_aliases_path", "hook", "load_overrides", "names_added", "normalise",
    "refresh_identity", "touches_identity",
]
