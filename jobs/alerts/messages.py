"""Stored change events as people read them: a one-line title and a short body per kind."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

EVENT_COLUMNS = ("event_key", "kind", "entity", "source", "before", "after", "magnitude", "evidence",
                 "observed_at", "detected_at", "backfill")


@dataclass(frozen=True)
class StoredEvent:
    event_key: str
    kind: str
    entity: str
    source: str | None
    before: dict[str, Any]
    after: dict[str, Any]
    magnitude: float | None
    evidence: tuple[str, ...]
    observed_at: datetime
    detected_at: datetime
    backfill: bool

    @property
    def facts(self) -> dict[str, Any]:
        """What rule filters look at: the state after the change, or before it for a removal."""
        return self.after or self.before

    @classmethod
    def from_row(cls, row: tuple) -> StoredEvent:
        rec = dict(zip(EVENT_COLUMNS, row, strict=True))
        rec["before"] = json.loads(rec["before"]) if rec["before"] else {}
        rec["after"] = json.loads(rec["after"]) if rec["after"] else {}
        rec["evidence"] = tuple(rec["evidence"] or ())
        return cls(**rec)


def load_events(con: duckdb.DuckDBPyConnection, where: str = "TRUE", params: list | None = None,
                limit: int | None = None) -> list[StoredEvent]:
    sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM v_changes WHERE {where}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [StoredEvent.from_row(r) for r in con.execute(sql, params or []).fetchall()]


def _money(value: Any) -> str:
    return "—" if value is None else f"${value:,.4g}"


def _pct(value: Any) -> str:
    return "" if value is None else f" ({value:+.1f}%)"


def _score(entry: dict[str, Any], model: str = "model", score: str = "score") -> str:
    return f"{entry.get(model)} ({entry.get(score):g})" if entry.get(score) is not None else str(entry.get(model))


_ROLES = {"maker": "the maker's list price", "host": "a host's market price", "reseller": "a reseller's listing",
          "grey_market": "a grey-market listing"}


def _listing(a: dict[str, Any]) -> str:
    """Whose price moved and what the model costs from its maker or hosts (v_model_price), when known."""
    role = a.get("role")
    if role is None:
        return ""
    text = f" This is {_ROLES.get(role, role)}"
    if role not in ("maker", "host") and a.get("model_price_blended") is not None:
        text += (f"; the model's {a.get('model_price_kind')} price at {a.get('model_price_provider')} is "
                 f"{_money(a.get('model_price_blended'))} blended")
    return text + "."


def _previous_leader(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Where the replaced leader stands at the snapshot: its score before it may exceed the new leader's."""
    said = [f"{before['score']:g} before"] if before.get("score") is not None else []
    if "previous_leader_score" in after:  # absent from events recorded before the detector kept it
        now = after["previous_leader_score"]
        said.append("no longer listed" if now is None else f"now {now:g}")
    return f" ({'; '.join(said)})" if said else ""


def title(e: StoredEvent) -> str:
    b, a = e.before, e.after
    match e.kind:
        case "price_cut" | "price_hike":
            word = "Price cut" if e.kind == "price_cut" else "Price hike"
            return f"{word} {e.magnitude:+.1f}%: {e.entity}"
        case "new_model":
            return f"New model on {e.source}: {e.entity}"
        case "model_removed":
            return f"Model removed from {e.source}: {e.entity}"
        case "new_leader":
            shared = f" (tied with {', '.join(a['tied_with'])})" if a.get("tied_with") else ""
            return f"New leader on {e.entity}: {a.get('model')}{shared}"
        case "open_overtakes_closed":
            return f"Open model leads on {e.entity}: {a.get('open_model')} passes {a.get('closed_model')}"
        case "closed_overtakes_open":
            return f"Closed model back ahead on {e.entity}: {a.get('closed_model')} passes {a.get('open_model')}"
        case "gap_threshold":
            past = ", ".join(f"{t:g}" for t in a.get("thresholds") or [])
            return f"Open/closed gap {a.get('direction')} past {past} on {e.entity}"
        case "license_change" if "text_sha256" in a:
            return f"Licence text of {e.entity} changed (+{a.get('lines_added')}/-{a.get('lines_removed')} lines)"
        case "license_change":
            old, new = b.get("license_id", b.get("license")), a.get("license_id", a.get("license"))
            return f"Licence change for {e.entity}: {old} → {new}"
        case "source_failing":
            return f"Source {e.entity} failing: {a.get('failures')} collections in a row"
        case "source_quarantined":
            return f"Source {e.entity} quarantined: its latest document was rejected"
        case "source_stale":
            return f"Source {e.entity} stale: newest data of {a.get('newest_data')}"
    return f"{e.kind}: {e.entity}"


def _detail(e: StoredEvent) -> str:
    b, a = e.before, e.after
    match e.kind:
        case "price_cut" | "price_hike":
            return (f"input {_money(b.get('input_per_mtok'))} → {_money(a.get('input_per_mtok'))}"
                    f"{_pct(a.get('input_change_pct'))}, output {_money(b.get('output_per_mtok'))} → "
                    f"{_money(a.get('output_per_mtok'))}{_pct(a.get('output_change_pct'))} per 1M tokens."
                    + _listing(a))
        case "new_model":
            openness = a.get("openness") or ("open weights" if a.get("open_weights") else "openness unknown")
            return f"{a.get('name') or e.entity} by {a.get('organization') or 'unknown organisation'}, {openness}."
        case "model_removed":
            return f"{b.get('name') or e.entity} is no longer listed."
        case "new_leader":
            return f"{_score(a)} replaces {b.get('model')}{_previous_leader(b, a)}."
        case "open_overtakes_closed" | "closed_overtakes_open":
            return (f"open {_score(a, 'open_model', 'open_score')} vs closed "
                    f"{_score(a, 'closed_model', 'closed_score')}; before: open "
                    f"{_score(b, 'open_model', 'open_score')} vs closed {_score(b, 'closed_model', 'closed_score')}.")
        case "gap_threshold":
            return (f"gap {b.get('gap_abs'):g} → {a.get('gap_abs'):g} (best open {a.get('best_open_model')}, "
                    f"best closed {a.get('best_closed_model')}).")
        case "license_change" if "text_sha256" in a:
            return f"{a.get('url')}\n{a.get('diff')}"
        case "license_change":
            return f"openness {b.get('openness', '?')} → {a.get('openness', '?')}." if "openness" in a else ""
        case "source_failing":
            return f"Last success: {b.get('last_success') or 'never'}. Last error: {a.get('error')}"
        case "source_quarantined":
            return f"History is unchanged. Reason: {a.get('error')}"
        case "source_stale":
            return (f"Its newest data are {e.magnitude:g} days old (it declares {a.get('max_age_days')} days at most): "
                    "the upstream may have stopped publishing.")
    return ""


def body(e: StoredEvent) -> str:
    lines = [_detail(e), f"Observed {e.observed_at:%Y-%m-%d %H:%M} UTC" + (f" by {e.source}." if e.source else ".")]
    if e.evidence:
        lines.append("Evidence (raw document sha256): " + ", ".join(s[:12] for s in e.evidence))
    lines.append(f"Event {e.event_key}")
    return "\n".join(line for line in lines if line)
