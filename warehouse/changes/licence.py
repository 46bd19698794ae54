"""`license_change` beyond a source's own labels: a canonical model's licence id or openness class, and a
new version of a licence text.

The `model` table (identity, migration 004) holds the current verdict only, so the detector remembers the
last verdict it saw per model in `change_model_state`; a model seen for the first time is recorded silently.
Licence texts are history facts (`license_text`), so a new version arrives in the ingest diff with both texts.
"""

from __future__ import annotations

import difflib

from warehouse.changes.events import ChangeEvent, Context, evidence
from warehouse.changes.facts import previous_evidence

# A licence diff in an alert or feed entry stays readable; the full one is in `v_license_diffs`.
MAX_DIFF_CHARS = 4000


def canonical_license_moves(ctx: Context) -> list[ChangeEvent]:
    if ctx.outcome.status != "ok" or not ctx.has("model"):
        return []
    current = ctx.con.execute("SELECT model_id, organization, license_id, openness FROM model").fetchall()
    seen = {r[0]: (r[1], r[2]) for r in ctx.con.execute(
        "SELECT model_id, license_id, openness FROM change_model_state").fetchall()}
    out = []
    for model_id, organization, license_id, openness in current:
        previous = seen.get(model_id)
        if previous == (license_id, openness):
            continue
        # Gaining a licence where none was known is resolution filling in, not the licence changing.
        if previous is not None and previous[0] is not None and license_id is not None:
            out.append(ChangeEvent(
                "license_change", model_id, ctx.source,
                {"license_id": previous[0], "openness": previous[1]},
                {"license_id": license_id, "openness": openness, "organization": organization},
                None, evidence(*ctx.documents), ctx.at,
            ))
        ctx.con.execute(
            "INSERT INTO change_model_state VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "license_id = excluded.license_id, openness = excluded.openness, recorded_at = excluded.recorded_at",
            [model_id, license_id, openness, ctx.at],
        )
    return out


def license_text_moves(ctx: Context) -> list[ChangeEvent]:
    out = []
    for change in ctx.outcome.diff.changed:
        if change.table != "license_text":
            continue
        before, after = change.before or {}, change.after or {}
        if before.get("text_sha256") == after.get("text_sha256"):
            continue
        lines = list(difflib.unified_diff((before.get("text") or "").splitlines(),
                                          (after.get("text") or "").splitlines(), lineterm="", n=1))[2:]
        added = sum(1 for line in lines if line.startswith("+"))
        removed = sum(1 for line in lines if line.startswith("-"))
        license_id = change.key["license_id"]
        out.append(ChangeEvent(
            "license_change", license_id, ctx.source,
            {"license_id": license_id, "text_sha256": before.get("text_sha256"), "url": before.get("url")},
            {"license_id": license_id, "text_sha256": after.get("text_sha256"), "url": after.get("url"),
             "lines_added": added, "lines_removed": removed, "diff": "\n".join(lines)[:MAX_DIFF_CHARS]},
            float(added + removed), evidence(change.evidence, previous_evidence(ctx, change)), ctx.at,
        ))
    return out
