"""Small helpers shared by parsers: decoding with clear errors, numbers in the units sources use."""

from __future__ import annotations

import json
import math
from typing import Any

from collectors.source import ParseError

PER_MTOK = 1_000_000


def load_json(body: bytes, what: str) -> Any:
    """Parse JSON, turning HTML error pages and truncation into a ParseError that says which."""
    head = body.lstrip()[:64].lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        raise ParseError(f"{what}: expected JSON but got HTML/XML (layout change, login wall or error page?)")
    try:
        return json.loads(body)
    except UnicodeDecodeError as exc:
        raise ParseError(f"{what}: not UTF-8 text ({exc})") from exc
    except json.JSONDecodeError as exc:
        # An error within the last bytes (unterminated string, missing value) means the body was cut short.
        hint = "truncated" if exc.pos >= len(body.rstrip()) - 64 else "malformed"
        raise ParseError(f"{what}: {hint} JSON at byte {exc.pos} of {len(body)} ({exc.msg})") from exc


def to_float(value: Any) -> float | None:
    """Numbers arrive as floats, ints or strings ("0.000003", "1,287"); empty means unknown."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = str(value).strip().replace(",", "")
    if not text or text.lower() in {"nan", "none", "null", "-", "--", "n/a"}:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def per_token_to_per_mtok(value: Any) -> float | None:
    price = to_float(value)
    # Round away float noise from the ×1e6 so 2.5e-06 reads 2.5, not 2.4999999999999996.
    return None if price is None else round(price * PER_MTOK, 9)
