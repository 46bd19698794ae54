"""What every evaluation format is read into: one score of one model on one evaluation and metric, and when the
evaluation ran. The three format modules build these; `own_evals` turns them into score rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from gapwatch.source import ParseError

_SLUG = re.compile(r"[^a-z0-9._]+")


@dataclass(frozen=True, slots=True)
class EvalScore:
    evaluation: str  # the evaluation's name as its format gives it (Inspect: the task; lm-eval: the task)
    metric: str
    model: str
    score: float
    lower_is_better: bool = False
    samples: int | None = None


@dataclass(frozen=True, slots=True)
class EvalFile:
    """One evaluation file: its format, when the evaluation ran (naive UTC) and its scores."""

    format: str
    evaluated_at: datetime
    scores: tuple[EvalScore, ...]


def board_name(evaluation: str) -> str:
    """`own-<evaluation>`, lower case, every run of other characters one dash: `own-arc_easy`, `own-ifeval`."""
    slug = _SLUG.sub("-", evaluation.strip().lower()).strip("-")
    if not slug:
        raise ParseError(f"evaluation name {evaluation!r} has no letters or digits to name a board with")
    return f"own-{slug}"


def timestamp(value: object, what: str) -> datetime:
    """A timestamp as the formats write it: Unix seconds (number or text) or ISO 8601 with or without offset."""
    if isinstance(value, bool) or value in (None, ""):
        raise ParseError(f"{what}: no timestamp")
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(float(value), UTC).replace(tzinfo=None)
        text = str(value).strip()
        try:
            return datetime.fromtimestamp(float(text), UTC).replace(tzinfo=None)
        except ValueError:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError) as exc:
        raise ParseError(f"{what}: {value!r} is not a Unix time or an ISO 8601 date ({exc})") from None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
