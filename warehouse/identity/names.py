"""One model, many names: normalise each source's model name to a canonical key (pure Python, no I/O).

Normalisation never crosses checkpoints: sizes (`70b` ≠ `8b`), versions (`3.1` ≠ `3.3`), tiers (`gpt-4o` ≠
`gpt-4o-mini`, `flash` ≠ `flash-lite`), base ≠ instruct (`instruct`, `it`, `chat` right after a size are one
marker, `instruct`, and are kept), and dated snapshots (`claude-3-5-sonnet-20241022`) stay apart. The undated
name (`claude-3.5-sonnet`) keeps its own key; the refresh resolves it to the snapshot in force at each time.
What it removes: case and separators, provider, reseller and regional prefixes (`openai/`, `azure/`,
`bedrock/us.anthropic.`), API-version and routing suffixes (`-v1:0`, `:free`), `-latest`, and variants of one
checkpoint, which it records in `variant`: quantisation and serving (`fp8`, `-Turbo`, `-tput`, `-maas`,
`-versatile`, a context-length suffix such as Groq's `-8192`) and reasoning effort or mode (`-high`, `(high)`,
`-thinking-64k`, `(Reasoner)`, `-high-effort`). A serving suffix on a sized name without a marker means the
instruct model (`groq/llama3-70b-8192` = Llama 3 70B Instruct): hosts serve chat models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Bump when `normalise` changes: stored keys of every name are then recomputed on the next refresh.
NORMALISER_VERSION = "6"

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
_DOTTED_VENDOR = re.compile(r"^(?:[a-z][a-z0-9-]*[a-z]|ai21)\.(?=[a-z])")  # AI21's `ai21.jamba-…` too
# OpenRouter's routing variants of one model; other colons (`ft:gpt-4o:org`) are part of the name.
_ROUTE_SUFFIX = re.compile(r":(?:free|beta|thinking|extended|nitro|floor|online|exacto|standard)$")
# A reasoning effort after a colon (models.dev's `anthropic/claude-opus-4.6:thinking:low`).
_ROUTE_EFFORT = re.compile(r":(?P<v>x?high|medium|low|minimal|max)$")
# SAP AI Core's `<vendor>--<model>` (`anthropic--claude-4-opus`).
_DOUBLE_DASH_VENDOR = re.compile(r"^[a-z][a-z0-9]*--(?=[a-z])")
# A maker's or host's name glued before a model brand with a dash: Databricks' `databricks-claude-opus-4-5`,
# models.dev's `anthropic-claude-opus-4`, `groq-llama-4-maverick-…`, Cohere For AI's `c4ai-aya-expanse-32b`. Not before
# `command`: Cohere's weights repo `c4ai-command-r-plus` (the 04-2024 model) is not the API's undated `command-r-plus`.
_GLUED_PREFIX = re.compile(
    r"^(?:databricks|anthropic|openai|google|amazon|nvidia|groq|cerebras|c4ai|xai|snowflake)-"
    r"(?=(?:claude|gpt|o\d|gemini|gemma|llama|mistral|mixtral|qwen|deepseek|grok|aya|phi|glm|kimi)(?:[-.\d]|$))")
# Bedrock's API version: `:0` always; `-v1`, or `-vN` right after a date (`claude-3-5-sonnet-20241022-v2:0`).
# Another `-vN:0` is the model's own version (`nvidia.nemotron-nano-9b-v2:0`).
_BEDROCK_SUFFIX = re.compile(r"(?:(?<=\d{8})-v\d+|-v?1)?(?::\d+)+$")
# Reasoning-effort and mode settings of one model, in parentheses (Aider, Arena): `o3 (high)`, `(no think)`,
# `(32k thinking)`, `(thinking-32k)`, `(Reasoner)`/`(Chat)` (DeepSeek's two modes). Aider's edit formats
# (`(diff)`, `(whole)`) are settings of a run too.
_EFFORT = re.compile(
    r"\s*\((?P<v>high|medium|low|minimal|xhigh|default|default think|no think(?:ing)?|\d+k think(?:ing)?(?: tokens)?"
    r"|thinking[- ]\d+k|reasoner|chat|diff|whole|diff-fenced|udiff|editor-diff|editor-whole)\)\s*$"
)
# The same settings as a suffix: `o3-mini-high`, `o3-2025-04-16-medium`, `-thinking-64k`, `-highthinking`,
# `-thinking-auto-high-effort`, `-no-thinking`, `-nothink`, `-non-reasoning`. A bare `-thinking` or `-reasoning`
# is left alone here: it names a separate checkpoint as often as a mode (`kimi-k2-thinking`, `Phi-4-reasoning`);
# the refresh decides from the whole name table (`identity_refresh.sql`).
_EFFORT_SUFFIX = re.compile(
    r"-(?P<v>(?:thinking-(?:auto-)?)?(?:x?high|medium|low|minimal)(?:-effort)?|(?:x?high|low|medium)thinking"
    r"|thinking-\d+k|no-?think(?:ing)?|non-reasoning)$"
)
# Serving variants of one checkpoint: quantisation, and hosts' serving names (Together `-Turbo`/`-tput`/`-Lite`
# after Instruct, Vertex `-maas`, Groq `-versatile`/`-instant`/`-specdec`, Cloudflare `-fast`).
_QUANT = re.compile(r"(?<![a-z0-9])(bf16|fp8|fp16|fp4|int4|int8|awq|gptq|gguf|mlx|nvfp4|q[2-8]_(?:k_[sml]|k|[01]))"
                   r"(?![a-z0-9])")
# Ollama's `name:tag` (`qwen2.5:32b-instruct-q8_0`, `gemma2:27b-instruct`): the tag names size and variant.
_OLLAMA_TAG = re.compile(r":(?=\d+(?:\.\d+)?[bm](?:-|$))")
# Aider's notes on a run, not a model: `(deprecated)`, `(original)`, `(prev)`.
_RUN_NOTE = re.compile(r"\s*\((?:deprecated|original|prev)\)\s*$")
# Groq's `-instant` only after a size (`llama-3.1-8b-instant`): `claude-instant` is a model of its own.
_SERVING_SUFFIX = re.compile(r"-(tput|maas|versatile|specdec)$|(?<=\db)-(instant)$|(?<=fp8|awq)-(fast)$")
# Groq's early names end in the context length: `llama3-70b-8192`, `mixtral-8x7b-32768`.
_CONTEXT_SUFFIX = re.compile(r"(?<=\d[bB])-(4096|8192|16384|32768|131072)$")
# Arena's codenames with the real name in brackets: `chocolate (Early Grok-3)` (a lower-case codename).
_CODENAME = re.compile(r"^[a-z][a-z0-9-]* \((.+)\)$")
# A month name with a two-digit year: Arena's `Phi-3-Mini-4k-Instruct-June-24` = `…-june-2024`.
_MONTH_NAME_YY = re.compile(r"(?<![a-z])(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
                            r"|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)[- ](\d\d)$")
# Google's preview snapshots by month and day: `gemini-2.5-pro-preview-06-05` = LiveBench's `gemini-2.5-pro-06-05`.
_PREVIEW_DAY = re.compile(r"[- ]preview[- ]((?:0[1-9]|1[0-2])[- ](?:0[1-9]|[12]\d|3[01]))$")
_DATE_ISO = re.compile(r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
_MONTH_YEAR = re.compile(r"(?<!\d)(0[1-9]|1[0-2])-(20\d\d)(?!\d)")  # Cohere's `(08-2024)`
_MONTH_YY = re.compile(r"\((0[1-9]|1[0-2])-(2[3-9])\)")            # Aider's `Command R+ (08-24)`
_FIREWORKS_VERSION = re.compile(r"(?<=\d)p(?=\d)")          # Fireworks: `llama-v3p1`, `qwen2p5-1p5b`
_VERTEX_VERSION = re.compile(r"-v\d+(?=@)")                  # Vertex: `claude-3-5-sonnet-v2@20241022`
_BEDROCK_V0 = re.compile(r"-v0:(\d+)$")                      # Bedrock: `mistral-7b-instruct-v0:2` = v0.2
_TOKEN = re.compile(r"20\d\d-\d\d-\d\d|20\d\d-(?:0[1-9]|1[0-2])(?![-\d])|\d+\.\d+[bm](?![a-z])|[a-z]+|\d+")
# A release date, or Cohere's release month (`2024-08`), as the last token is a snapshot version.
_IS_DATE = re.compile(r"^20\d\d-\d\d(?:-\d\d)?$")
_UNITS = frozenset({"b", "m", "k", "e"})
_SIZE = re.compile(r"^(?:\d+(?:\.\d+)?[bmke]|\d+x\d+b|a\d+b)$")
_CHAT_MARKERS = frozenset({"instruct", "it", "chat"})
# Claude from version 4 on is `claude-<tier>-<version>`; some sources keep the old order (`claude-4-sonnet`).
_CLAUDE_TIERS = frozenset({"opus", "sonnet", "haiku"})


@dataclass(frozen=True, slots=True)
class NameKey:
    """What normalisation makes of one source name."""

    key: str          # canonical slug, e.g. `gpt-4o-2024-08-06`; equal keys are the same model
    family: str       # key without its version, e.g. `gpt-4o`
    version: str | None  # the date or snapshot number (`2024-08-06`, `0613`, `2407`), if any
    org_hint: str | None  # the maker's namespace in the name (`openai` in `openai/gpt-4o`), if any
    method: str       # exact | normalised | rule
    confidence: float
    variant: str | None = None  # the serving or reasoning variant the name selects (`fp8`, `high`, `reasoner`)


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
    for prefix in (_DOUBLE_DASH_VENDOR, _GLUED_PREFIX):
        if (found := prefix.match(last)) is not None:
            org = org or found.group(0).strip("-")
            last = last[found.end():]
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


def _claude_order(tokens: list[str]) -> list[str]:
    """Anthropic's order: `claude-<version>-<tier>` up to 3.x, `claude-<tier>-<version>` from 4 on. Either
    spelling of either era (`claude-4-sonnet`, the price page's `Claude Sonnet 3.7`) becomes the maker's, and the
    `-0` alias of a whole version (`claude-opus-4-0`, `claude-4.0-opus`) is that version (`claude-opus-4`)."""
    if len(tokens) < 3 or tokens[0] != "claude":
        return tokens
    if tokens[1] in _CLAUDE_TIERS:
        tier, start = tokens[1], 2
    elif tokens[1].isdigit():
        tier, start = None, 1
    else:
        return tokens
    end = start
    while end < len(tokens) and _short_number(tokens[end]) and end < start + 2:
        end += 1
    version = tokens[start:end]
    if not version:
        return tokens
    rest = tokens[end:]
    if tier is None:
        if not rest or rest[0] not in _CLAUDE_TIERS:
            return tokens
        tier, rest = rest[0], rest[1:]
    if int(version[0]) >= 4 and version[1:] == ["0"]:
        version = version[:1]
    if int(version[0]) >= 4:
        return ["claude", tier, *version, *rest]
    return ["claude", *version, tier, *rest]


def _whole_version(tokens: list[str]) -> list[str]:
    """`gemini-3.0-pro-preview` = `gemini-3-pro-preview`: Google names its majors from 3 on without `.0`."""
    if len(tokens) >= 3 and tokens[0] == "gemini" and tokens[1].isdigit() and int(tokens[1]) >= 3 and tokens[2] == "0":
        return [tokens[0], tokens[1], *tokens[3:]]
    return tokens


def _vendor_spellings(text: str) -> tuple[str, bool]:
    """Vendor-specific spellings of a model name; True when the host's name implies the instruct model."""
    implied = False
    text = _VERTEX_VERSION.sub("", text)
    text = _BEDROCK_V0.sub(lambda m: f"-v0.{m.group(1)}", text)
    if text.startswith(("open-mistral-", "open-mixtral-", "open-codestral-")):  # Mistral API's open models
        text, implied = text[len("open-"):], True
    if text.startswith("qwen-qwq"):                                           # Groq/Fireworks `qwen-qwq-32b`
        text = text[len("qwen-"):]
    text = re.sub(r"^amazon[- ](?=nova)", "", text)                            # `Amazon Nova Pro 1.0`
    if text.startswith("nova"):                                               # first Nova generation: v1 / 1.0
        text = re.sub(r"[- ]v?1(?:\.0)?$", "", text)
    return text, implied


@lru_cache(maxsize=1 << 16)
def normalise(name: str) -> NameKey:
    """The canonical key of one source name. Pure; the same name always gives the same key (so it is cached: a
    whole collection normalises the names it parsed in its fetch threads, off the writer's, with `warm`)."""
    raw = name.strip()
    text = raw.lower().lstrip("~")
    text, org = _strip_prefixes(text)
    rule = False
    variants: list[str] = []
    dotted = org is not None and "." in raw.split("/")[-1]
    if _BEDROCK_SUFFIX.search(text) and not _BEDROCK_V0.search(text):
        text = _BEDROCK_SUFFIX.sub("", text)
    elif dotted and re.search(r"-v1$", text):  # Bedrock's older `meta.llama2-70b-chat-v1`
        text = text[:-3]
    text = _OLLAMA_TAG.sub("-", _RUN_NOTE.sub("", text))
    while (found := _EFFORT.search(text)) is not None:
        variants.append(found.group("v").replace(" ", "-"))
        text = text[:found.start()]
        rule = True
    while (found := _ROUTE_SUFFIX.search(text) or _ROUTE_EFFORT.search(text)) is not None:
        if "v" in found.re.groupindex:
            variants.append(found.group("v"))
        text = text[:found.start()]
        rule = True
    if re.search(r"[-_ ]latest$", text):  # `grok-4-1-fast-non-reasoning-latest`: the pointer, then the settings
        text = text[: -len("latest") - 1]
        rule = True
    if (codename := _CODENAME.match(text)) is not None and raw[:1].islower():
        text, rule = codename.group(1), True  # Arena's `chocolate (Early Grok-3)`: the real name is in brackets
    text = _MONTH_YY.sub(lambda m: f" 20{m.group(2)}-{m.group(1)} ", text)
    text = _MONTH_NAME_YY.sub(lambda m: f"{m.group(1)}-20{m.group(2)}", text)
    text = _PREVIEW_DAY.sub(lambda m: "-" + m.group(1).replace(" ", "-"), text)
    text, implied = _vendor_spellings(text)
    text = text.replace("@", "-").replace("+", " plus ")  # `Command R+` is not `Command R`
    served = False
    for pattern in (_CONTEXT_SUFFIX, _SERVING_SUFFIX):
        while (found := pattern.search(text)) is not None:
            variants.append(found.group(found.lastindex or 1))
            text = text[:found.start()]
            # Vertex's `-maas` names the maker's model as published (`gpt-oss-120b-maas` has no instruct twin)
            served = served or variants[-1] != "maas"
            rule = True
    for found in _QUANT.finditer(text):  # the same weights served at another precision
        variants.append(found.group(1))
        served = rule = True
    text = _QUANT.sub(" ", text).strip(" -_")
    text = re.sub(r"[-_ ]+$", "", text)
    # Stacked settings (`-thinking-64k-high-effort`, `-06-05-highthinking`): strip every one, last first.
    # A stem without a version digit names a tier, not a setting: `mistral-medium`, `sonar-medium`.
    while (found := _EFFORT_SUFFIX.search(text)) is not None and re.search(r"\d", text[:found.start()]):
        variants.append(found.group("v"))
        text = text[:found.start()]
        rule = True
    text = _MONTH_YEAR.sub(lambda m: f" {m.group(2)}-{m.group(1)} ", text)
    text = _DATE_ISO.sub(lambda m: f" {m.group(1)}-{m.group(2)}-{m.group(3)} ", text)
    if _FIREWORKS_VERSION.search(text):
        text = _FIREWORKS_VERSION.sub(".", text)
        if text.startswith("llama-v"):
            text = "llama-" + text[len("llama-v"):]
    tokens = _whole_version(_claude_order(_tokens(text)))
    kept: list[str] = []
    for i, tok in enumerate(tokens):
        prev = kept[-1] if kept else ""
        if tok == "latest":
            rule = True
            continue
        if tok == "meta" and i + 1 < len(tokens) and tokens[i + 1] == "llama":
            rule = True
            continue
        if tok in _CHAT_MARKERS and _SIZE.match(prev):
            kept.append("instruct")  # `-it`, `-chat`, `-Instruct`: one marker; base models have none
            continue
        if tok in {"turbo", "lite"} and prev == "instruct":
            variants.append(tok)  # Together's `-Instruct-Turbo` / `-Instruct-Lite`: its serving of the model
            rule = True
            continue
        if tok == "base" and _IS_DATE.match(prev):
            variants.append(tok)  # LiveBench's `claude-4-sonnet-20250514-base`: thinking off
            rule = True
            continue
        if tok == "hf":
            rule = True
            continue
        if (tok == "instruct" and i == len(tokens) - 2 and tokens[-1].isdigit() and len(tokens[-1]) == 4
                and not _SIZE.match(prev)):
            rule = True  # `Mistral-Large-Instruct-2411` = `mistral-large-2411`: the snapshot is the instruct model
            continue
        kept.append(tok)
    if not kept:
        kept = _tokens(raw.lower()) or [raw.lower()]
    if (implied or served) and _SIZE.match(kept[-1]) and "instruct" not in kept:
        kept.append("instruct")  # a host's serving name of a sized model is its instruct model
    key = _render(kept)
    version = None
    family_tokens = kept
    # A trailing date or snapshot number (`0613`, `2407`, `001`) is the version; so is a `v0.1` after the
    # instruct marker or a size (`mixtral-8x7b-instruct-v0.1`). The rest is the family.
    if len(kept) > 1 and (_IS_DATE.match(kept[-1]) or (kept[-1].isdigit() and len(kept[-1]) in (3, 4))):
        version = kept[-1]
        family_tokens = kept[:-1]
    elif len(kept) > 3 and kept[-3] == "v" and kept[-2].isdigit() and kept[-1].isdigit() and (
            kept[-4] == "instruct" or _SIZE.match(kept[-4])):
        version = _render(kept[-3:])
        family_tokens = kept[:-3]
    family = _render(family_tokens) if family_tokens else key
    if key == raw:
        method, confidence = "exact", 1.0
    elif rule:
        method, confidence = "rule", 0.85
    else:
        method, confidence = "normalised", 0.95
    return NameKey(key=key, family=family, version=version, org_hint=org, method=method, confidence=confidence,
                   variant="+".join(dict.fromkeys(reversed(variants))) or None)


def warm(names: Iterable[str]) -> None:
    """Normalise `names` now, into `normalise`'s cache (called from threads that have spare time)."""
    for name in names:
        normalise(name)
