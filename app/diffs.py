"""Text diffs of collected documents (licence terms), for display with `st.code`."""

from __future__ import annotations

import difflib
import json


def pretty(value: str | None) -> str:
    """JSON re-indented so a diff shows one field per line; other text unchanged."""
    if value is None:
        return ""
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if isinstance(parsed, str):
        return parsed
    return json.dumps(parsed, indent=2, sort_keys=True, ensure_ascii=False)


def unified(before: str | None, after: str | None) -> str:
    lines = difflib.unified_diff(
        pretty(before).splitlines(), pretty(after).splitlines(), "before", "after", lineterm=""
    )
    return "\n".join(lines)
