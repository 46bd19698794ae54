"""Source-health events: a source failing N collections in a row, or its documents quarantined.

Both fire on the transition only (the Nth failure; the first rejection after an accepted document), so a
source that stays broken for a week raises one event, not one per scheduled run.
"""

from __future__ import annotations

from warehouse import runs
from warehouse.changes.events import REPLAY_TRIGGERS, ChangeEvent, Context, evidence

_MAX_ERROR = 500


def _failure_streak(ctx: Context) -> tuple[int, object]:
    """Consecutive `failed` live runs up to this one, and when the source last succeeded."""
    statuses = runs.recent_statuses(ctx.con, ctx.source, REPLAY_TRIGGERS, ctx.settings.failure_streak_alert + 1)
    streak = 0
    for status in statuses:
        if status != "failed":
            break
        streak += 1
    last_ok = runs.last_observed(ctx.con, ctx.source)
    return streak, last_ok


def _already_quarantined(ctx: Context) -> bool:
    return runs.previous_judged_status(ctx.con, ctx.source, ctx.at, ctx.outcome.run_id) == "rejected"


def source_health(ctx: Context) -> list[ChangeEvent]:
    error = (ctx.outcome.error or "")[:_MAX_ERROR]
    if ctx.outcome.status == "failed":
        streak, last_ok = _failure_streak(ctx)
        if streak != ctx.settings.failure_streak_alert:
            return []
        return [ChangeEvent("source_failing", ctx.source, ctx.source, {"last_success": last_ok},
                            {"failures": streak, "error": error}, float(streak), (), ctx.at)]
    if ctx.outcome.status == "rejected" and not _already_quarantined(ctx):
        after = {"error": error, "documents": list(ctx.documents), "rows": ctx.outcome.rows}
        return [ChangeEvent("source_quarantined", ctx.source, ctx.source, None, after, None,
                            evidence(*ctx.documents), ctx.at)]
    return []
