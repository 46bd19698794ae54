"""Small helpers shared by parsers: decoding with clear errors, numbers in the units sources use."""

from __future__ import annotations

import codecs
import json
import math
import re
from typing import Any

from gapwatch.rows import RowError
from gapwatch.source import ParseError

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


_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def charset_of(body: bytes, content_type: str | None) -> tuple[str, str]:
    """The document's character set and where it was found: its byte-order mark, then the Content-Type header,
    then a `<meta charset>` or XML declaration in its first 2 KiB (the HTML standard's order), else UTF-8."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, "byte-order mark"
    declared = _HEADER_CHARSET.search(content_type or "")
    if declared:
        return declared.group(1), "Content-Type header"
    head = body[:2048]
    sniffed = _META_CHARSET.search(head) or _XML_ENCODING.search(head.lstrip())
    if sniffed:
        return sniffed.group(1).decode("ascii"), "the document's own declaration"
    return "utf-8", "default"


def decode_text(body: bytes, content_type: str | None, what: str) -> str:
    """`body` as text in its declared or sniffed character set; undecodable bytes raise ParseError (the document is
    rejected) instead of becoming U+FFFD, which would turn every name containing them into a new fact."""
    charset, found = charset_of(body, content_type)
    try:
        return body.decode(charset)
    except LookupError:
        raise ParseError(f"{what}: unknown character set {charset!r} (from {found})") from None
    except UnicodeDecodeError as exc:
        raise ParseError(f"{what}: not valid {charset} text (charset from {found}) at byte {exc.start}: "
                         f"{body[max(0, exc.start - 20):exc.start + 20]!r}; a mislabelled or corrupted "
                         "document") from None


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


def price_number(value: Any) -> float | None:
    """A price field of a JSON API: a number or a numeric string; absent or empty means unknown. Anything else
    ("$3", "N/A", "free") is an error, never None: None would erase the price in force."""
    if value is None or value == "":
        return None
    number = to_float(value)
    if number is None:
        raise RowError(f"price {value!r} is not a number")
    return number


def per_token_to_per_mtok(value: Any) -> float | None:
    price = price_number(value)
    # Round away float noise from the ×1e6 so 2.5e-06 reads 2.5, not 2.4999999999999996.
    return None if price is None else round(price * PER_MTOK, 9)
