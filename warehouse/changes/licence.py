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


# Every model whose verdict differs from the last one recorded (or that has none recorded yet). SPDX ids are
# case-insensitive: the Hub's `cc-by-nc-4.0` becoming SPDX's `CC-BY-NC-4.0` once the list is in is no change.
_MOVED = """
SELECT m.model_id, m.organization, m.license_id, m.openness, s.model_id IS NOT NULL AS seen, s.license_id,
       s.openness
FROM model m LEFT JOIN change_model_state s USING (model_id)
WHERE s.model_id IS NULL OR lower(s.license_id) IS DISTINCT FROM lower(m.license_id)
   OR s.openness IS DISTINCT FROM m.openness
ORDER BY m.model_id
"""

# The same models' verdicts recorded in one statement, whatever their number (a bulk identity change may
# move thousands at once).
_RECORD = """
INSERT INTO change_model_state
SELECT m.model_id, m.license_id, m.openness, ?::TIMESTAMP
FROM model m LEFT JOIN change_model_state s USING (model_id)
WHERE s.model_id IS NULL OR s.license_id IS DISTINCT FROM m.license_id OR s.openness IS DISTINCT FROM m.openness
ON CONFLICT DO UPDATE SET license_id = excluded.license_id, openness = excluded.openness,
    recorded_at = excluded.recorded_at
"""


def canonical_license_moves(ctx: Context) -> list[ChangeEvent]:
    if ctx.outcome.status != "ok" or not ctx.has("model"):
        return []
    moved = ctx.con.execute(_MOVED).fetchall()
    if not moved:
        return []
    out = []
    for model_id, organization, license_id, openness, seen, before_license, before_openness in moved:
        # Gaining a licence where none was known is resolution filling in, not the licence changing.
        if seen and before_license is not None and license_id is not None:
            # A verdict of every source together: keyed without the source that happened to be ingested last.
            out.append(ChangeEvent(
                "license_change", model_id, None,
                {"license_id": before_license, "openness": before_openness},
                {"license_id": license_id, "openness": openness, "organization": organization},
                None, evidence(*ctx.documents), ctx.at,
            ))
    ctx.con.execute(_RECORD, [ctx.at])  # a case-only move too, silently: the state keeps the spelling in force
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
