"""How open is a model? Classify every licence string the sources use, then let evidence vote by precedence.

Each distinct licence term seen anywhere (Arena's `license` column, a hub licence id such as `llama3.1`,
Epoch's accessibility label, the Open LLM Leaderboard's hub licence) is classified once into `license_term`.
OSI approval comes from the SPDX list when it has been collected, else from the built-in list below (the
OSI-approved licences that model repositories actually use). The model-level vote is SQL
(`identity_refresh.sql`): manual > Hugging Face hub licence > leaderboard licence columns > Epoch accessibility >
models.dev `open_weights` / OpenRouter `hugging_face_id` flags; within one rank the most restrictive class wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from gapwatch.vocabulary import CLASSES

# Bump when `classify` changes: every stored licence term is then classified again on the next refresh.
CLASSIFIER_VERSION = "2"

# OSI-approved licences seen on model repositories (lower-case → SPDX id); the SPDX list, once collected, wins.
BUILTIN_OSI = {
    lid.lower(): lid
    for lid in (
        "Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "0BSD", "ISC", "Zlib", "GPL-2.0", "GPL-3.0",
        "LGPL-2.1", "LGPL-3.0", "AGPL-3.0", "MPL-2.0", "EPL-1.0", "EPL-2.0", "Artistic-2.0", "AFL-3.0",
        "ECL-2.0", "OSL-3.0", "MS-PL", "NCSA", "Unlicense", "BSL-1.0", "UPL-1.0", "PostgreSQL", "EUPL-1.1",
        "EUPL-1.2", "LPPL-1.3c", "OFL-1.1",
    )
}

# Free-text spellings of SPDX ids: "Apache 2.0", "apache license 2.0", "MIT License".
_SPDX_SPELLINGS = {
    r"apache(?: license)?(?:[ -]?(?:v(?:ersion)? ?)?2(?:\.0)?)?(?: license)?": "Apache-2.0",
    r"mit(?: license)?": "MIT",
    r"bsd[ -]?3[ -]?clause": "BSD-3-Clause",
    r"bsd[ -]?2[ -]?clause": "BSD-2-Clause",
    r"gpl[ -]?v?3(?:\.0)?|gnu general public license v?3(?:\.0)?": "GPL-3.0",
    r"agpl[ -]?v?3(?:\.0)?|gnu affero general public license v?3(?:\.0)?": "AGPL-3.0",
}


# What a term is (`license_term.kind`): identity weighs an access category below a licence, and lists a term that
# states no licence as nothing to classify. A manual entry is a licence.
LICENCE, ACCESSIBILITY, NONE = "licence", "accessibility", "none"


@dataclass(frozen=True, slots=True)
class Classification:
    openness: str
    license_id: str | None
    rule: str  # which rule decided, shown as evidence
    kind: str = LICENCE


def _llama_id(term: str) -> str:
    found = re.search(r"llama[\s_-]*(\d(?:[.-]\d)?)", term)
    return "llama" + found.group(1).replace("-", ".") if found else "llama"


# Epoch's accessibility categories (its other categories reach identity as an open_weights flag, not a term).
_ACCESSIBILITY: tuple[tuple[str, str, str], ...] = (
    (r"^open weights \(unrestricted\)$", "open-weights-permissive", "Epoch: open weights, unrestricted"),
    (r"^open weights \(restricted use\)$", "open-weights-restricted", "Epoch: open weights, restricted use"),
    (r"^open weights \(non-?commercial\)$", "open-weights-noncommercial", "Epoch: open weights, non-commercial"),
)

# Ordered: the first matching rule decides. Patterns match the lower-cased term; the id is fixed or derived.
_RULES: tuple[tuple[str, str, str | Callable[[str], str] | None, str], ...] = (
    (r"^(?:proprietary|propretary|closed|api access|hosted access.*|unreleased|api)$", "closed", None,
     "proprietary / API-only label"),
    (r"cc[ -]by[ -]nc|non-?commercial|\bnc\b", "open-weights-noncommercial", None, "non-commercial licence"),
    (r"^mrl$|mistral research|research[ -]licen|research[ -]use|research[ -]only|research purposes only"
     r"|^h-research$|^intel-research$|^apple-amlr$|deepfloyd|exaone|^opt-", "open-weights-noncommercial", None,
     "research-only licence"),
    (r"modified[ -]mit", "open-weights-permissive", "modified-mit", "MIT with an attribution condition (Kimi)"),
    (r"llama", "open-weights-restricted", _llama_id, "Llama community licence: 700M MAU cap, acceptable use policy"),
    (r"gemma", "open-weights-restricted", "gemma", "Gemma terms: prohibited-use policy, remote restriction right"),
    (r"qwen|qianwen|tongyi", "open-weights-restricted", "qwen", "Qwen licence: 100M MAU cap"),
    (r"^yi\b", "open-weights-restricted", "yi", "Yi licence: commercial use needs registration"),
    (r"jamba", "open-weights-restricted", "jamba-open", "Jamba open model licence: revenue cap"),
    (r"dbrx", "open-weights-restricted", "dbrx", "Databricks open model licence: 700M MAU cap"),
    (r"falcon", "open-weights-restricted", "falcon-tii", "TII Falcon licence: hosting-use restrictions"),
    (r"grok|xai community", "open-weights-restricted", "grok2-community", "Grok community licence: revenue cap"),
    (r"cogvlm|glm-4|chatglm|codegeex", "open-weights-restricted", "glm", "GLM/CogVLM licence: registration required"),
    (r"baichuan", "open-weights-restricted", "baichuan", "Baichuan community licence: commercial use on request"),
    (r"hunyuan", "open-weights-restricted", "hunyuan", "Tencent Hunyuan licence: territory and 100M MAU limits"),
    (r"stability ai community", "open-weights-restricted", "stability-community", "Stability AI community "
     "licence: commercial use only under a revenue cap"),
    (r"lfm open", "open-weights-restricted", "lfm-open", "LFM open licence: commercial use under a revenue cap"),
    (r"deepseek", "open-weights-permissive", "deepseek", "DeepSeek model licence: commercial use, use-based limits"),
    (r"rail", "open-weights-permissive", "openrail", "OpenRAIL family: use-based restrictions only"),
    (r"impact", "open-weights-permissive", "ai2-impact-lr", "AI2 ImpACT low-risk: use-based limits"),
    (r"nvidia", "open-weights-permissive", "nvidia-open-model", "NVIDIA open model licence: commercial use"),
    (r"openmdw", "open-weights-permissive", "openmdw", "OpenMDW: permissive, not OSI-reviewed"),
    (r"^cc[ -]?by|^cc0|creative commons|^apple-ascl$|apple sample code|^odc-by$", "open-weights-permissive", None,
     "permissive content licence, not an OSI software licence"),
    (r"^(?:bsd|gpl|lgpl)$", "open-source", None, "OSI-approved licence family (Hub id)"),
    (r"^(?:gfdl|odbl|pddl|lgpl-lr)$", "open-weights-permissive", None, "open content/data licence, not OSI software"),
    (r"^open$", "open-weights-restricted", None, "listed as open, terms unstated (assume restrictions)"),
)


_ID_LIKE = re.compile(r"^[a-z][a-z0-9.+-]*\d[a-z0-9.+-]*$")


def _spdx_id(term: str, known: dict[str, tuple[str, bool]]) -> str | None:
    if term in known:
        return known[term][0]
    if term in BUILTIN_OSI:
        return BUILTIN_OSI[term]
    for pattern, spdx in _SPDX_SPELLINGS.items():
        if re.fullmatch(pattern, term):
            return spdx
    return None


def classify(term: str, spdx: dict[str, tuple[str, bool]] | None = None) -> Classification:
    """Classify one licence term. `spdx` maps lower-case SPDX ids to (id, OSI-approved)."""
    known = spdx or {}
    text = " ".join(term.strip().lower().split())
    parts = [p for p in re.split(r" and |\s*\+\s*", text) if p]
    if len(parts) > 1:  # "Apache-2.0 and CC-BY-NC-4.0": the weights are bound by the most restrictive part
        found = [classify(p, spdx) for p in parts]
        if all(f.openness != "unknown" for f in found):
            worst = max(found, key=lambda f: CLASSES.index(f.openness))
            return Classification(worst.openness, worst.license_id, f"combined licences; strictest: {worst.rule}",
                                  worst.kind)
    if not text or text in {"-", "other", "unknown", "none", "n/a"}:
        return Classification("unknown", None, "no licence stated", NONE)
    for pattern, cls, why in _ACCESSIBILITY:
        if re.search(pattern, text):
            return Classification(cls, None, why, ACCESSIBILITY)
    spdx_id = _spdx_id(text, known)
    if spdx_id is not None:
        low = spdx_id.lower()
        osi = known[low][1] if low in known else low in BUILTIN_OSI
        if osi:
            return Classification("open-source", spdx_id, "OSI-approved licence" + (" (SPDX list)" if known else ""))
    for pattern, cls, lic, why in _RULES:
        if re.search(pattern, text):
            license_id = lic(text) if callable(lic) else lic
            # An id-like term (a Hub licence id such as `cc-by-nc-4.0`) names its licence even without SPDX.
            return Classification(cls, license_id or spdx_id or (text if _ID_LIKE.match(text) else None), why)
    if spdx_id is not None:
        return Classification("open-weights-permissive", spdx_id, "SPDX licence, not OSI-approved")
    return Classification("unknown", None, "unrecognised licence text; classify it in the aliases file")


def _spdx_table(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, bool]]:
    # The `license` table is the licence list (SPDX): its current rows say which ids are OSI-approved.
    rows = con.execute("SELECT license_id, osi_approved FROM license WHERE valid_to IS NULL").fetchall()
    return {lid.lower(): (lid, bool(osi)) for lid, osi in rows}


_TERMS = """
SELECT DISTINCT t.term FROM (
    SELECT license AS term FROM leaderboard_score WHERE license IS NOT NULL
    UNION ALL SELECT license FROM source_model WHERE license IS NOT NULL
    UNION ALL SELECT license FROM hub_model WHERE license IS NOT NULL
    UNION ALL SELECT license_name FROM hub_model WHERE license_name IS NOT NULL
) AS t
ANTI JOIN license_term AS c ON c.term = t.term
"""


def forget_license_terms(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM license_term")


def refresh_license_terms(
    con: duckdb.DuckDBPyConnection, overrides: list[tuple[str, str, str | None, str | None]], *, reclassify: bool
) -> int:
    """Classify licence terms not classified yet (all of them when `reclassify`); manual entries win."""
    if reclassify:
        forget_license_terms(con)
    manual = {term: (cls, lid, note) for term, cls, lid, note in overrides}
    terms = {row[0] for row in con.execute(_TERMS).fetchall()}
    if manual:
        classified = {row[0] for row in con.execute("SELECT term FROM license_term").fetchall()}
        terms |= set(manual) - classified
    if not terms:
        return 0
    spdx = _spdx_table(con)
    rows = []
    for term in sorted(terms):
        if term in manual:
            cls, lid, note = manual[term]
            rows.append((term, cls, lid, f"manual: {note}" if note else "manual", LICENCE))
        else:
            c = classify(term, spdx)
            rows.append((term, c.openness, c.license_id, c.rule, c.kind))
    # One set-based insert: executemany costs a statement per row.
    columns = ("term", "openness", "license_id", "rule", "kind")
    con.register("_license_terms", pa.table({c: pa.array([r[i] for r in rows], pa.string())
                                             for i, c in enumerate(columns)}))
    try:
        con.execute("INSERT INTO license_term BY NAME SELECT * FROM _license_terms")
    finally:
        con.unregister("_license_terms")
    return len(rows)
