"""Row types yielded by parsers and written by ingest. Validation lives here so every source gets it.

A row that breaks its contract raises `RowError`; parsers let it propagate for document-level problems
or catch it to skip one bad entry (and say so in `ParseResult.skipped`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# The dearest real list price seen is o1-pro at $600/M output; 10x headroom, anything above is a unit mix-up.
MAX_PRICE_PER_MTOK = 6_000.0


class RowError(ValueError):
    """A parsed value is impossible (negative price, NaN score, ...).

    `row_type` and `key` name the fact the entry would have been, as far as known (a row type raising it fills
    them in): ingest keeps that fact's previous interval instead of reading the entry's absence as a removal.
    """

    def __init__(self, message: str, row_type: type | None = None, key: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.row_type = row_type
        self.key = key or {}


def _identify(exc: RowError, row_type: type, **key: Any) -> None:
    """Name the fact a RowError concerns (the non-empty parts of its key), unless it already does. Called from an
    `except` clause, not a context manager: a row type validates every parsed row, and a `with` per row cost
    more than its checks (~1.5 µs of 2.6)."""
    if exc.row_type is None:
        exc.row_type, exc.key = row_type, {k: v for k, v in key.items() if v not in (None, "")}


def _check_price(name: str, value: float | None) -> None:
    if value is None:
        return
    if not math.isfinite(value) or value < 0:
        raise RowError(f"{name}={value!r}: a price must be a finite, non-negative number")
    if value > MAX_PRICE_PER_MTOK:
        raise RowError(f"{name}={value} USD/1M tokens is absurd (> {MAX_PRICE_PER_MTOK}); unit mix-up?")


@dataclass(frozen=True, slots=True)
class PriceRow:
    """A price as one source lists it, in USD per 1M tokens."""

    provider: str
    model: str
    input_per_mtok: float | None
    output_per_mtok: float | None
    tier: str = "standard"
    cache_read_per_mtok: float | None = None
    cache_write_per_mtok: float | None = None
    currency: str = "USD"
    # `text` (a token model), `image`, `audio`, `video`, `embedding`, or None when the source does not say
    # (collectors/pricing/modality.py): per-token comparisons keep text models only.
    modality: str | None = None

    def __post_init__(self) -> None:
        try:
            if not self.provider or not self.model:
                raise RowError(f"price row needs provider and model, got {self.provider!r}/{self.model!r}")
            if self.input_per_mtok is None and self.output_per_mtok is None:
                raise RowError(f"{self.provider}/{self.model}: neither input nor output price")
            for name in ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_per_mtok"):
                _check_price(name, getattr(self, name))
        except RowError as exc:
            _identify(exc, PriceRow, provider=self.provider, model=self.model, tier=self.tier)
            raise


@dataclass(frozen=True, slots=True)
class ModelRow:
    """A model as one source lists it (catalogue facts, not prices or scores)."""

    model: str
    name: str | None = None
    organization: str | None = None
    hugging_face_id: str | None = None
    context_length: int | None = None
    released: date | None = None
    open_weights: bool | None = None
    license: str | None = None

    def __post_init__(self) -> None:
        try:
            if not self.model:
                raise RowError("model row without a model id")
            if self.context_length is not None and self.context_length < 0:
                raise RowError(f"{self.model}: negative context length {self.context_length}")
        except RowError as exc:
            _identify(exc, ModelRow, model=self.model)
            raise


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One model's standing on one board/category, as published."""

    board: str
    category: str
    model: str
    score: float
    score_unit: str = "elo"
    rank: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    votes: int | None = None
    publish_date: date | None = None
    organization: str | None = None
    license: str | None = None

    def __post_init__(self) -> None:
        try:
            if not self.board or not self.category or not self.model:
                raise RowError(f"score row needs board, category and model: {self.board}/{self.category}/"
                               f"{self.model}")
            if not math.isfinite(self.score):
                raise RowError(f"{self.board}/{self.model}: score {self.score!r} is not a number")
            if self.votes is not None and self.votes < 0:
                raise RowError(f"{self.board}/{self.model}: negative vote count {self.votes}")
        except RowError as exc:
            _identify(exc, ScoreRow, board=self.board, category=self.category, model=self.model)
            raise


@dataclass(frozen=True, slots=True)
class LicenseRow:
    """One licence of the SPDX list."""

    license_id: str
    name: str
    osi_approved: bool | None = None
    deprecated: bool | None = None

    def __post_init__(self) -> None:
        if not self.license_id or not self.name:
            raise RowError(f"licence row needs an id and a name, got {self.license_id!r}/{self.name!r}",
                           LicenseRow, {"license_id": self.license_id} if self.license_id else {})


@dataclass(frozen=True, slots=True)
class LicenseTextRow:
    """The text of one licence document, whitespace-normalised so page churn is not a new version."""

    license_id: str
    text_sha256: str
    text: str

    def __post_init__(self) -> None:
        if not self.license_id or not self.text.strip():
            raise RowError(f"licence text row needs an id and a non-empty text ({self.license_id!r})",
                           LicenseTextRow, {"license_id": self.license_id} if self.license_id else {})


@dataclass(frozen=True, slots=True)
class HubModelRow:
    """A Hugging Face model repository's licence facts (`/api/models/{repo}`)."""

    repo: str
    license: str | None = None
    license_name: str | None = None
    license_link: str | None = None
    gated: str | None = None
    base_model: str | None = None
    pipeline_tag: str | None = None
    renamed_to: str | None = None  # the Hub redirects a renamed repo; the id it answers with

    def __post_init__(self) -> None:
        if not self.repo or "/" not in self.repo:
            raise RowError(f"hub model row needs an `owner/name` repo id, got {self.repo!r}", HubModelRow,
                           {"repo": self.repo} if self.repo else {})


Row = PriceRow | ModelRow | ScoreRow | LicenseRow | LicenseTextRow | HubModelRow


@dataclass(frozen=True)
class Held:
    """An entry that failed validation. Its fact (`row_type` with the `key` fields known; an empty key: any fact of
    the document) keeps its previous interval, as a price jump does: a bad value never ends history."""

    row_type: type | None
    key: dict[str, Any]
    reason: str


@dataclass
class ParseResult:
    """What a parser found: rows, the entries it skipped with the reason (never silently dropped), and among
    those the entries that failed validation (`held`)."""

    rows: list[Row] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)

    def hold(self, reason: str, row_type: type | None = None, **key: Any) -> None:
        """Skip an entry that failed validation, naming the fact it concerns as far as known."""
        self.skipped.append(reason)
        self.held.append(Held(row_type, {k: v for k, v in key.items() if v not in (None, "")}, reason))

    def hold_error(self, exc: RowError, reason: str, row_type: type | None = None, **key: Any) -> None:
        """`hold` for a RowError: the fact the row type named, else the one the parser names."""
        if exc.row_type is not None:
            row_type, key = exc.row_type, exc.key
        self.hold(reason, row_type, **key)
