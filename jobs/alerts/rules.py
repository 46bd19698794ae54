"""Alert rules and channels from a TOML file, with channel secrets taken from the environment only.

The rules file says which events go where; it holds no secret. A channel URL either names its secrets as
`${VAR}` (read from the environment, then from `alert_secrets_file`) or is replaced as a whole by the setting
`alert_urls` (env `GAPWATCH_ALERT_URLS__<CHANNEL>`). Resolved URLs live in `Channel.url` only: everything
shown or stored uses `Channel.label` and `Channel.scrub()`.
"""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gapwatch.settings import Settings
from gapwatch.vocabulary import is_open
from warehouse.changes import KINDS

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_URL_PARTS = re.compile(r"[/:@?&=#,]+")
# URL pieces shorter than this (ports, "api", "v1") are not worth hiding and would garble error texts.
_MIN_SECRET_LEN = 6


class AlertConfigError(ValueError):
    """The rules file or a channel's URL cannot be used; the message never contains a secret."""


class Rule(BaseModel):
    """Which events go to which channels. Empty filters match everything."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    channels: tuple[str, ...] = Field(min_length=1)
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()  # glob patterns, e.g. "lmarena-text/overall", "*/coding", "openrouter/*"
    organizations: tuple[str, ...] = ()
    open_only: bool = False
    min_magnitude: float | None = None
    digest: Literal["hourly", "daily", "weekly"] | None = None

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, kinds: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown event kinds {unknown}; known: {list(KINDS)}")
        return kinds

    def matches(self, kind: str, source: str | None, magnitude: float | None, facts: dict[str, Any],
                entity: str = "") -> bool:
        """`facts` is the event's `after` (or `before` when nothing is after), where organisation/openness live."""
        if self.kinds and kind not in self.kinds:
            return False
        if self.sources and source not in self.sources:
            return False
        if self.entities and not any(fnmatch.fnmatchcase(entity, pattern) for pattern in self.entities):
            return False
        if self.min_magnitude is not None and (magnitude is None or abs(magnitude) < self.min_magnitude):
            return False
        if self.organizations:
            orgs = {str(facts.get(k) or "").casefold() for k in ("organization", "open_organization",
                                                                  "closed_organization")}
            if not orgs & {o.casefold() for o in self.organizations}:
                return False
        if self.open_only:
            openness = str(facts.get("openness") or "")
            if not (is_open(openness) or facts.get("open_weights") is True or "open_model" in facts):
                return False
        return True


class AlertConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channels: dict[str, str] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    def check_channels(self, available: set[str]) -> None:
        for rule in self.rules:
            missing = sorted(set(rule.channels) - available)
            if missing:
                raise AlertConfigError(f"rule {rule.name!r} sends to undefined channels {missing}")


def load_config(path: Path) -> AlertConfig:
    """The rules file, or an empty configuration when it does not exist (alerts are opt-in)."""
    if not path.exists():
        return AlertConfig()
    try:
        return AlertConfig.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise AlertConfigError(f"{path}: not valid TOML ({exc})") from None
    except ValidationError as exc:
        raise AlertConfigError(f"{path}: {exc}") from None


@dataclass(frozen=True)
class Channel:
    name: str
    url: str = ""
    secrets: tuple[str, ...] = ()
    problem: str | None = None

    @property
    def label(self) -> str:
        """Safe to print: the channel name and the URL scheme only."""
        scheme = self.url.split("://", 1)[0] if "://" in self.url else "?"
        return f"{self.name} ({scheme}://…)"

    def scrub(self, text: str) -> str:
        """Remove every secret (and every longer piece of the URL) from an error text before it is kept."""
        pieces = {p for p in _URL_PARTS.split(self.url.split("://", 1)[-1]) if len(p) >= _MIN_SECRET_LEN}
        pieces |= {p for p in (self.url, *self.secrets) if p}  # a declared secret is hidden whatever its length
        for piece in sorted(pieces, key=len, reverse=True):
            text = text.replace(piece, "***")
        return text


def _secrets_file(path: Path | None) -> dict[str, str]:
    if path is None or not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#"):
            out[name.strip()] = value.strip().strip("'\"")
    return out


def resolve_channels(config: AlertConfig, settings: Settings) -> dict[str, Channel]:
    """Every channel with its secrets filled in; a channel missing a secret carries `problem` instead."""
    overrides = {k.casefold(): v.get_secret_value() for k, v in settings.alert_urls.items()}
    stored = _secrets_file(settings.alert_secrets_file)
    names = {n.casefold(): n for n in config.channels}
    for key in overrides:
        names.setdefault(key, key)
    out = {}
    for key, name in names.items():
        if key in overrides:
            out[name] = Channel(name, overrides[key], secrets=(overrides[key],))
            continue
        template, used, missing = config.channels[name], [], []

        def fill(match: re.Match[str], used: list[str] = used, missing: list[str] = missing) -> str:
            value = os.environ.get(match.group(1), stored.get(match.group(1)))
            if value is None:
                missing.append(match.group(1))
                return ""
            used.append(value)
            return value

        url = _VAR.sub(fill, template)
        problem = f"channel {name!r}: {', '.join('${' + m + '}' for m in missing)} not set" if missing else None
        out[name] = Channel(name, url if not missing else "", tuple(used), problem)
    config.check_channels(set(out))
    return out
