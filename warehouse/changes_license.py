"""`license_change` on a canonical model: its licence id or openness class, as identity resolution decided.

The `model` table (identity, migration 004) holds the current verdict only, so the detector remembers the
last verdict it saw per model in `change_model_state`. A model seen for the first time is recorded silently.
"""

from __future__ import annotations

from warehouse.changes import ChangeEvent, Context, evidence, relation_exists


def canonical_license_moves(ctx: Context) -> list[ChangeEvent]:
    if ctx.outcome.status != "ok" or not relation_exists(ctx.con, "model"):
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
