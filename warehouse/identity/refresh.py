"""Resolve every name to a model: key new names, load the overrides, then the set-based SQL.

A name's key is computed once (`names.normalise`), stored in `model_name_key`, and only new names are
normalised on each ingest. Which keys are models, and which model every name maps to, is then set-based SQL
over the whole (small) name table (`identity_refresh.sql`), so a name seen by one source becomes matched as
soon as a second source or a catalogue names the same model.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.identity import openness
from warehouse.identity.families import Families, load_families
from warehouse.identity.names import NORMALISER_VERSION, normalise
from warehouse.identity.overrides import Overrides, load_overrides

_NEW_NAMES = """
SELECT DISTINCT n.source, n.model FROM (
    SELECT source, model FROM price
    UNION ALL SELECT source, model FROM leaderboard_score
    UNION ALL SELECT source, model FROM source_model
    UNION ALL SELECT '@hugging_face', hugging_face_id FROM source_model WHERE hugging_face_id IS NOT NULL
) AS n
ANTI JOIN model_name_key AS k ON k.source = n.source AND k.source_model = n.model
"""

_SQL = resources.files("warehouse.identity") / "identity_refresh.sql"


@lru_cache(maxsize=1)
def _statements() -> tuple[str, ...]:
    # One statement per call: DuckDB runs a multi-statement string several times slower (measured 0.3 s vs
    # 0.07 s for this script over 5,000 names).
    return tuple(s for s in _SQL.read_text(encoding="utf-8").split(";\n") if s.strip())


def _set_state(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO identity_state VALUES (?, ?)", [name, value])


def _load_overrides(con: duckdb.DuckDBPyConnection, overrides: Overrides, loaded_digest: str | None) -> bool:
    """Replace the manual tables when the file changed (its digest differs from `loaded_digest`); True if it did."""
    if loaded_digest == overrides.digest:
        return False
    con.execute("DELETE FROM manual_alias")
    con.execute("DELETE FROM manual_key_alias")
    con.execute("DELETE FROM manual_model")
    if overrides.aliases:
        con.executemany("INSERT INTO manual_alias VALUES (?, ?, ?, ?)", overrides.aliases)
    if overrides.key_aliases:
        con.executemany("INSERT INTO manual_key_alias VALUES (?, ?, ?, ?)", overrides.key_aliases)
    for m in overrides.models:
        con.execute(
            "INSERT INTO manual_model VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [m["id"], m.get("organization"), m.get("family"), m.get("version"), m.get("release_date"),
             m.get("openness"), m.get("license_id"), m.get("note")],
        )
    _set_state(con, "aliases_digest", overrides.digest)
    return True


# A new name can change aliases, evidence or models only when its key can be a model: another source, a catalogue
# name or the aliases file already names that key, or the file aliases the name itself (a Hugging Face repo name
# comes from a catalogue). Otherwise (a reseller's variant only one source lists) it is keyed and stays unmatched,
# and the matching script would rewrite nothing.
_MAY_MATCH = """
SELECT EXISTS (
    SELECT 1 FROM _new_name_keys n
    WHERE n.source = '@hugging_face'
       OR EXISTS (SELECT 1 FROM model_name_key k WHERE k.key = n.key AND k.source <> n.source)
       OR EXISTS (SELECT 1 FROM model_name_key k JOIN source_model c ON c.source = k.source
                  AND c.model = k.source_model WHERE k.key = n.key)
       OR EXISTS (SELECT 1 FROM manual_model m WHERE m.model_id = n.key)
       OR EXISTS (SELECT 1 FROM manual_alias a WHERE a.name = n.source_model
                  AND (a.source IS NULL OR a.source = n.source))
       OR EXISTS (SELECT 1 FROM manual_key_alias a WHERE a.key = n.key)
       OR EXISTS (SELECT 1 FROM model_name_key k WHERE k.family = n.key AND k.version IS NOT NULL)
       OR (n.version IS NULL AND EXISTS (SELECT 1 FROM model_name_key k WHERE k.key = n.family || '-instruct'))
       OR EXISTS (SELECT 1 FROM model_name_key k WHERE k.key = n.key || '-instruct')
)
"""


def _unkeyed(con: duckdb.DuckDBPyConnection, candidates: set[tuple[str, str]] | None) -> list[tuple[str, str]]:
    """Names not keyed yet: among `candidates` (what an ingest added), or in every fact table when None."""
    if candidates is None:
        return con.execute(_NEW_NAMES).fetchall()
    if not candidates:
        return []
    # The ingest's own names, not a scan of all history: that scan grows with every backfilled year.
    con.register("_candidate_names", pa.table({"source": [s for s, _ in candidates],
                                               "model": [m for _, m in candidates]}))
    try:
        return con.execute("SELECT n.source, n.model FROM _candidate_names n ANTI JOIN model_name_key k "
                           "ON k.source = n.source AND k.source_model = n.model ORDER BY 1, 2").fetchall()
    finally:
        con.unregister("_candidate_names")


def identity_keys(con: duckdb.DuckDBPyConnection) -> frozenset[tuple[str, str]]:
    """Every (source, name) already keyed: the names a refresh will not normalise again."""
    return frozenset(con.execute("SELECT source, source_model FROM model_name_key").fetchall())


def _key_new_names(con: duckdb.DuckDBPyConnection, candidates: set[tuple[str, str]] | None,
                   families: Families) -> tuple[int, bool]:
    """Key names never seen before; return how many, and whether any of them may match a model or gets evidence
    of its own from the closed-family list (a name only one source lists is still closed by its maker's family)."""
    names = _unkeyed(con, candidates)
    if not names:
        return 0, False
    keys = [normalise(name) for _, name in names]
    # One bulk insert through Arrow: executemany costs a statement per row (a minute for 5,000 names).
    batch = pa.table({
        "source": [s for s, _ in names],
        "source_model": [n for _, n in names],
        "key": [k.key for k in keys],
        "family": [k.family for k in keys],
        "version": pa.array([k.version for k in keys], pa.string()),
        "org_hint": pa.array([k.org_hint for k in keys], pa.string()),
        "method": [k.method for k in keys],
        "confidence": [k.confidence for k in keys],
        "variant": pa.array([k.variant for k in keys], pa.string()),
    })
    con.register("_new_name_keys", batch)
    try:
        con.execute("INSERT INTO model_name_key SELECT * FROM _new_name_keys")
        may_match = con.execute(_MAY_MATCH).fetchall()[0][0]
    finally:
        con.unregister("_new_name_keys")
    return len(names), bool(may_match) or families.matching([k.key for k in keys]).num_rows > 0


def refresh_identity(
    con: duckdb.DuckDBPyConnection, aliases_path: Path | None = None, *, evidence_changed: bool = True,
    candidates: set[tuple[str, str]] | None = None,
) -> int:
    """Bring `model`, `model_alias` and openness up to date with every name in the fact tables.

    Runs inside the caller's transaction. Only names never seen before are normalised; the matching and
    openness steps are set-based SQL, skipped when nothing they read changed (no new name that may match a
    model, no new licence term or override, and `evidence_changed` False). `candidates`: the (source, name)
    pairs that can be new (`names_added` of an ingest's diff); None looks for new names in every fact table.
    Returns the number of newly keyed names.
    """
    state = dict(con.execute("SELECT name, value FROM identity_state").fetchall())
    rekey = state.get("normaliser_version") != NORMALISER_VERSION
    if rekey:
        con.execute("DELETE FROM model_name_key")
        _set_state(con, "normaliser_version", NORMALISER_VERSION)
    overrides = load_overrides(aliases_path)
    # What decides besides the evidence: the aliases file, the licence rules and the closed-family list; when
    # any changed, every licence term is classified again and every decision is made again.
    rules_changed = _load_overrides(con, overrides, state.get("aliases_digest"))
    families = load_families()
    for name, value in (("classifier_version", openness.CLASSIFIER_VERSION), ("families_digest", families.digest)):
        if state.get(name) != value:
            _set_state(con, name, value)
            rules_changed = True
    new, may_match = _key_new_names(con, None if rekey else candidates, families)
    # Licence terms come from names' evidence: with no new name, no evidence change and the same overrides
    # there is no term to classify (the common case: a price list that only moved prices).
    terms = (openness.refresh_license_terms(con, overrides.licenses, reclassify=rules_changed)
             if new or rules_changed or rekey or evidence_changed else 0)
    if may_match or terms or rules_changed or rekey or evidence_changed:
        con.register("_display_names", _display_names(con))
        con.register("_closed_family_keys", families.matching([k for (k,) in con.execute(_KEYS).fetchall()]))
        try:
            for statement in _statements():
                con.execute(statement)
        finally:
            con.unregister("_display_names")
            con.unregister("_closed_family_keys")
    return new


# Every key a model or a name can have: what the closed-family patterns are matched against.
_KEYS = "SELECT key FROM model_name_key UNION SELECT model_id FROM manual_model"

# A leaderboard's catalogue rows that give a display name beside the model's API name (Arena's scatterplot).
_DISPLAY = """
SELECT DISTINCT s.model, s.name FROM source_model s JOIN source_info i ON i.source = s.source
WHERE i.kind = 'leaderboard' AND s.name IS NOT NULL AND s.name <> s.model
"""


def _display_names(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """(display_key, api_key) of every leaderboard's display name (a few hundred: keyed on each refresh, cached)."""
    pairs = [(normalise(name).key, normalise(model).key) for model, name in con.execute(_DISPLAY).fetchall()]
    return pa.table({"display_key": pa.array([d for d, _ in pairs], pa.string()),
                     "api_key": pa.array([a for _, a in pairs], pa.string())})
