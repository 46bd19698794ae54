"""One model, many names: normalise each source's model name to a canonical key and resolve it to a model.

A name's key is computed once (pure Python, `normalise`), stored in `model_name_key`, and only new names are
normalised on each ingest. Which keys are models, and which model every name maps to, is then set-based SQL
over the whole (small) name table, so a name seen by one source becomes matched as soon as a second source
or a catalogue names the same model.

Normalisation never crosses sizes or versions: `70b` ≠ `8b`, `3.1` ≠ `3.3`, `gpt-4o` ≠ `gpt-4o-mini`, and a
dated snapshot (`claude-3-5-sonnet-20241022`) is its own model, distinct from the undated family name
(`claude-3.5-sonnet`), which is kept as its own entry. What it removes: case and separators, provider,
reseller and regional prefixes (`openai/`, `azure/`, `bedrock/us.anthropic.`), routing suffixes (`:free`,
`-v1:0`), `-latest`, quantisation tags (`fp8`, `bf16`), and the `instruct`/`it`/`chat`/`hf` marker right after
a size (price and leaderboard sources list the instruct model under either name).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from warehouse import license_diff, openness

# Bump when `normalise` changes: stored keys of every name are then recomputed on the next refresh.
NORMALISER_VERSION = "2"

# Path segments that name where a model is served, not who made it.
RESELLERS = frozenset({
    "azure", "azure_ai", "bedrock", "bedrock_converse", "vertex_ai", "vertex_ai_beta", "groq", "together_ai",
    "together", "fireworks_ai", "fireworks", "deepinfra", "openrouter", "anyscale", "perplexity", "replicate",
    "cloudflare", "databricks", "sagemaker", "watsonx", "ollama", "ollama_chat", "nscale", "sambanova",
    "cerebras", "novita", "hyperbolic", "lambda_ai", "nebius", "featherless_ai", "friendliai", "github",
    "gradient_ai", "heroku", "oci", "snowflake", "vercel_ai_gateway", "accounts", "models", "huggingface",
})
_REGION = re.compile(r"^(?:us|eu|apac|ap|global|regional|us-gov|jp|au|ca|in)\.")
# Bedrock's `<vendor>.<model>`: a leading word and a dot before a letter (`gpt-3.5` has a digit before it).
_DOTTED_VENDOR = re.compile(r"^[a-z][a-z0-9-]*[a-z]\.(?=[a-z])")
# OpenRouter's routing variants of one model; other colons (`ft:gpt-4o:org`) are part of the name.
_ROUTE_SUFFIX = re.compile(r":(?:free|beta|thinking|extended|nitro|floor|online|exacto|standard)$")
# Bedrock's API version: `:0` always; `-v1`, or `-vN` right after a date (`claude-3-5-sonnet-20241022-v2:0`).
# Another `-vN:0` is the model's own version (`nvidia.nemotron-nano-9b-v2:0`).
_BEDROCK_SUFFIX = re.compile(r"(?:(?<=\d{8})-v\d+|-v?1)?(?::\d+)+$")
# Reasoning-effort settings of one model (Aider and others): `o3 (high)`, `gpt-5 (medium)`, `(no think)`.
# Aider's edit formats (`(diff)`, `(whole)`) are settings of a run too; thinking budgets (`(32k thinking)`) are not.
_EFFORT = re.compile(
    r"\s*\((?:high|medium|low|minimal|default|default think|no think(?:ing)?|diff|whole|diff-fenced|udiff"
    r"|editor-diff|editor-whole)\)\s*$"
)
_DATE_ISO = re.compile(r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
_MONTH_YEAR = re.compile(r"(?<!\d)(0[1-9]|1[0-2])-(20\d\d)(?!\d)")  # Cohere's `(08-2024)`
_FIREWORKS_VERSION = re.compile(r"(?<=\d)p(?=\d)")          # Fireworks: `llama-v3p1`, `qwen2p5-1p5b`
_TOKEN = re.compile(r"20\d\d-\d\d-\d\d|\d+\.\d+[bm](?![a-z])|[a-z]+|\d+")
_IS_DATE = re.compile(r"^20\d\d-\d\d-\d\d$")
_UNITS = frozenset({"b", "m", "k", "e"})
_SIZE = re.compile(r"^(?:\d+(?:\.\d+)?[bmke]|\d+x\d+b|a\d+b)$")
_CHAT_MARKERS = frozenset({"instruct", "it", "chat"})
_QUANT = re.compile(r"(?<![a-z0-9])(?:bf16|fp8|fp16|fp4|int4|int8|awq|gptq|gguf|mlx)(?![a-z0-9])")
_DEPLOYMENT = frozenset({"versatile", "instant"})


@dataclass(frozen=True, slots=True)
class NameKey:
    """What normalisation makes of one source name."""

    key: str          # canonical slug, e.g. `gpt-4o-2024-08-06`; equal keys are the same model
    family: str       # key without its version, e.g. `gpt-4o`
    version: str | None  # the date or snapshot number (`2024-08-06`, `0613`, `2407`), if any
    org_hint: str | None  # the maker's namespace in the name (`openai` in `openai/gpt-4o`), if any
    method: str       # exact | normalised | rule
    confidence: float


def _strip_prefixes(name: str) -> tuple[str, str | None]:
    """`bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0` → (`claude-3-5-sonnet-20240620-v1:0`, `anthropic`)."""
    segments = [s for s in name.split("/") if s]
    org = None
    for seg in segments[:-1]:
        if seg not in RESELLERS:
            org = seg
    last = segments[-1] if segments else name
    last = _REGION.sub("", last)
    for _ in range(2):  # `regional.anthropic.claude-...`
        vendor = _DOTTED_VENDOR.match(last)
        if vendor is None:
            break
        org = org or vendor.group(0)[:-1]
        rest = last[vendor.end():]
        if not re.search(r"[a-z]{3}", rest.split("-", 1)[0]):  # `deepseek.r1-v1:0`: the vendor is the name
            return f"{vendor.group(0)[:-1]}-{rest}", org
        last = rest
    return last, org


def _tokens(text: str) -> list[str]:
    """Split at separators and letter/digit boundaries, keeping dates and sizes whole (`2024-08-06`, `70b`)."""
    return _merge_units(_TOKEN.findall(text))


def _merge_units(tokens: list[str]) -> list[str]:
    """`70`,`b` → `70b`; `8`,`x`,`7`,`b` → `8x7b`; `a`,`22`,`b` → `a22b`: sizes are one token for the rules."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok, rest = tokens[i], tokens[i + 1:]
        if tok.isdigit() and len(rest) >= 3 and rest[0] == "x" and rest[1].isdigit() and rest[2] == "b":
            out.append(f"{tok}x{rest[1]}b")
            i += 4
        elif tok == "a" and len(rest) >= 2 and rest[0].isdigit() and rest[1] == "b":
            out.append(f"a{rest[0]}b")
            i += 3
        elif tok.isdigit() and rest and rest[0] in _UNITS:
            out.append(tok + rest[0])
            i += 2
        else:
            out.append(tok)
            i += 1
    return out


def _short_number(tok: str) -> bool:
    return tok.isdigit() and len(tok) <= 2 and (tok == "0" or not tok.startswith("0"))


def _render(tokens: list[str]) -> str:
    """Join tokens into a readable slug: `4 o` → `4o`, `3 5` → `3.5`, `v 0 2` → `v0.2`, `o 1` → `o1`."""
    out = ""
    prev = ""
    for tok in tokens:
        if not out:
            glue = ""
        elif _short_number(tok) and _short_number(prev):
            glue = "."  # a version like 3.5 or 2.0
        elif tok.isalpha() and len(tok) == 1 and prev.isdigit() and tok != "x":
            glue = ""   # a suffix glued to its number: 4o
        elif tok.isdigit() and len(tok) <= 2 and prev.isalpha() and len(prev) == 1:
            glue = ""   # o1, v3, k2, r1
        else:
            glue = "-"
        out += glue + tok
        prev = tok
    return out


def normalise(name: str) -> NameKey:
    """The canonical key of one source name. Pure; the same name always gives the same key."""
    raw = name.strip()
    text = raw.lower().lstrip("~")
    text, org = _strip_prefixes(text)
    rule = False
    if _BEDROCK_SUFFIX.search(text):
        text = _BEDROCK_SUFFIX.sub("", text)
    if _EFFORT.search(text):
        text = _EFFORT.sub("", text)
        rule = True
    if _ROUTE_SUFFIX.search(text):
        text = _ROUTE_SUFFIX.sub("", text)
        rule = True
    text = text.replace("@", "-").replace("+", " plus ")  # `Command R+` is not `Command R`
    if text.startswith("nova-") and text.endswith("-v1"):  # Bedrock's `amazon.nova-pro-v1:0` = `nova-pro`
        text = text[:-3]
    if _QUANT.search(text):  # the same weights served at another precision
        text = _QUANT.sub(" ", text)
        rule = True
    text = _MONTH_YEAR.sub(lambda m: f" {m.group(2)}-{m.group(1)} ", text)
    text = _DATE_ISO.sub(lambda m: f" {m.group(1)}-{m.group(2)}-{m.group(3)} ", text)
    if _FIREWORKS_VERSION.search(text):
        text = _FIREWORKS_VERSION.sub(".", text)
        if text.startswith("llama-v"):
            text = "llama-" + text[len("llama-v"):]
    tokens = _tokens(text)
    kept: list[str] = []
    for i, tok in enumerate(tokens):
        prev = kept[-1] if kept else ""
        last = i == len(tokens) - 1
        if tok == "latest":
            rule = True
            continue
        if tok == "meta" and i + 1 < len(tokens) and tokens[i + 1] == "llama":
            rule = True
            continue
        if tok in _CHAT_MARKERS and _SIZE.match(prev):
            rule = True
            continue
        if tok == "turbo" and i > 0 and tokens[i - 1] == "instruct" and _SIZE.match(prev):
            continue  # Together's `-Instruct-Turbo` is its serving of the instruct model
        if last and tok in _DEPLOYMENT and kept:
            rule = True
            continue
        if tok == "hf":
            rule = True
            continue
        kept.append(tok)
    if not kept:
        kept = _tokens(raw.lower()) or [raw.lower()]
    key = _render(kept)
    version = None
    family_tokens = kept
    # A trailing date or snapshot number (`0613`, `2407`, `001`) is the version; the rest is the family.
    if len(kept) > 1 and (_IS_DATE.match(kept[-1]) or (kept[-1].isdigit() and len(kept[-1]) in (3, 4))):
        version = kept[-1]
        family_tokens = kept[:-1]
    family = _render(family_tokens) if family_tokens else key
    if key == raw:
        method, confidence = "exact", 1.0
    elif rule:
        method, confidence = "rule", 0.85
    else:
        method, confidence = "normalised", 0.95
    return NameKey(key=key, family=family, version=version, org_hint=org, method=method, confidence=confidence)


# -- the manual overrides file ------------------------------------------------------------------------
@dataclass(frozen=True)
class Overrides:
    aliases: list[tuple[str | None, str, str, str | None]]  # (source or None = any, name, model_id, note)
    models: list[dict]
    licenses: list[tuple[str, str, str | None, str | None]]  # (term, openness, license_id, note)
    digest: str


def default_aliases_path() -> Path:
    return Path(str(resources.files("warehouse") / "aliases.toml"))


def load_overrides(path: Path | None) -> Overrides:
    """Read the user-editable aliases file; a mistake in it is an error naming the file and the entry."""
    path = path or default_aliases_path()
    if not path.exists():
        return Overrides([], [], [], "absent")
    return _parse_overrides(path, path.read_bytes())


@lru_cache(maxsize=4)
def _parse_overrides(path: Path, body: bytes) -> Overrides:
    # Cached on the bytes: the hook reads the file on every ingest, and an edited file is the exception.
    try:
        doc = tomllib.loads(body.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid TOML ({exc}); fix the file or point GAPWATCH_ALIASES_PATH elsewhere") \
            from exc
    aliases, models, licences = [], [], []
    for i, entry in enumerate(doc.get("alias", [])):
        if not entry.get("name") or not entry.get("model"):
            raise ValueError(f"{path}: [[alias]] #{i + 1} needs `name` and `model` (got {entry})")
        aliases.append((entry.get("source"), str(entry["name"]), str(entry["model"]), entry.get("note")))
    for i, entry in enumerate(doc.get("model", [])):
        if not entry.get("id"):
            raise ValueError(f"{path}: [[model]] #{i + 1} needs an `id` (got {entry})")
        if entry.get("openness") and entry["openness"] not in openness.CLASSES:
            raise ValueError(f"{path}: [[model]] {entry['id']}: openness {entry['openness']!r} is not one of "
                             f"{', '.join(openness.CLASSES)}")
        models.append(entry)
    for i, entry in enumerate(doc.get("license", [])):
        if not entry.get("term") or entry.get("openness") not in openness.CLASSES:
            raise ValueError(f"{path}: [[license]] #{i + 1} needs `term` and an `openness` among "
                             f"{', '.join(openness.CLASSES)} (got {entry})")
        licences.append((str(entry["term"]), entry["openness"], entry.get("license_id"), entry.get("note")))
    return Overrides(aliases, models, licences, hashlib.sha256(body).hexdigest())


# -- refresh ------------------------------------------------------------------------------------------
_NEW_NAMES = """
SELECT DISTINCT n.source, n.model FROM (
    SELECT source, model FROM price
    UNION ALL SELECT source, model FROM leaderboard_score
    UNION ALL SELECT source, model FROM source_model
    UNION ALL SELECT '@hugging_face', hugging_face_id FROM source_model WHERE hugging_face_id IS NOT NULL
) AS n
ANTI JOIN model_name_key AS k ON k.source = n.source AND k.source_model = n.model
"""

_SQL = resources.files("warehouse") / "identity_refresh.sql"


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
    con.execute("DELETE FROM manual_model")
    if overrides.aliases:
        con.executemany("INSERT INTO manual_alias VALUES (?, ?, ?, ?)", overrides.aliases)
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


def _key_new_names(con: duckdb.DuckDBPyConnection, candidates: set[tuple[str, str]] | None) -> tuple[int, bool]:
    """Key names never seen before; return how many, and whether any of them may match a model."""
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
    })
    con.register("_new_name_keys", batch)
    try:
        con.execute("INSERT INTO model_name_key SELECT * FROM _new_name_keys")
        may_match = con.execute(_MAY_MATCH).fetchall()[0][0]
    finally:
        con.unregister("_new_name_keys")
    return len(names), bool(may_match)


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
    overrides_changed = _load_overrides(con, overrides, state.get("aliases_digest"))
    new, may_match = _key_new_names(con, None if rekey else candidates)
    # Licence terms come from names' evidence: with no new name, no evidence change and the same overrides
    # there is no term to classify (the common case: a price list that only moved prices).
    terms = (openness.refresh_license_terms(con, overrides.licenses, reclassify=overrides_changed)
             if new or overrides_changed or rekey or evidence_changed else 0)
    if may_match or terms or overrides_changed or rekey or evidence_changed:
        for statement in _statements():
            con.execute(statement)
    return new


# What identity reads besides names: catalogue facts, hub facts, the SPDX list, and a leaderboard's licence
# and organisation columns. A price change or a new score of a known name changes none of it.
_EVIDENCE_TABLES = frozenset({"source_model", "hub_model", "license"})
_EVIDENCE_FIELDS = ("license", "organization")


def touches_identity(diff: Any) -> bool:
    """Whether an ingest's diff changed anything identity or openness is computed from."""
    if diff is None:
        return True
    for change in (*diff.added, *diff.changed, *diff.removed):
        if change.table in _EVIDENCE_TABLES:
            return True
        if change.table == "leaderboard_score" and change.before is None:
            return True
        if change.table == "leaderboard_score" and change.after is not None and any(
            change.before.get(f) != change.after.get(f) for f in _EVIDENCE_FIELDS
        ):
            return True
    return False


# The fact tables whose rows name a model (in their `model` key field).
_NAMED = frozenset({"price", "leaderboard_score", "source_model"})


def names_added(source: str, diff: Any) -> set[tuple[str, str]] | None:
    """The (source, name) pairs an ingest's diff may have brought (None: unknown, look everywhere).

    A name is new only with a new fact: a changed fact keeps its key. A catalogue entry also names its
    Hugging Face repo, which a changed entry can point elsewhere.
    """
    if diff is None:
        return None
    out: set[tuple[str, str]] = set()
    for change in (*diff.added, *diff.changed):
        if change.table not in _NAMED:
            continue
        out.add((source, change.key["model"]))
        repo = (change.after or {}).get("hugging_face_id") if change.table == "source_model" else None
        if repo:
            out.add(("@hugging_face", repo))
    return out


class _Source(Protocol):
    id: str


class _Outcome(Protocol):
    status: str


def hook(aliases_path: Path | None) -> Callable[[duckdb.DuckDBPyConnection, _Source, _Outcome], None]:
    """The ingest hook (first in jobs/wiring.py): refresh identity after every ingest that changed data."""

    def identity_hook(con: duckdb.DuckDBPyConnection, source: _Source, outcome: _Outcome) -> None:
        if outcome.status != "ok":
            return
        reclassify = source.id == "spdx"
        if reclassify:  # OSI approvals may have changed: classify every licence term again
            openness.forget_license_terms(con)
        diff = getattr(outcome, "diff", None)
        refresh_identity(con, aliases_path, evidence_changed=reclassify or touches_identity(diff),
                         candidates=names_added(source.id, diff))
        if source.id == "license_texts":
            license_diff.refresh_license_diffs(con)

    return identity_hook
