"""One model, many names: normalise each source's model name to a canonical key (pure Python, no I/O).

Normalisation never crosses sizes or versions: `70b` ≠ `8b`, `3.1` ≠ `3.3`, `gpt-4o` ≠ `gpt-4o-mini`, and a
dated snapshot (`claude-3-5-sonnet-20241022`) is its own model, distinct from the undated family name
(`claude-3.5-sonnet`), which is kept as its own entry. What it removes: case and separators, provider,
reseller and regional prefixes (`openai/`, `azure/`, `bedrock/us.anthropic.`), routing suffixes (`:free`,
`-v1:0`), `-latest`, quantisation tags (`fp8`, `bf16`), and the `instruct`/`it`/`chat`/`hf` marker right after
a size (price and leaderboard sources list the instruct model under either name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
