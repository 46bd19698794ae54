"""LiveBench: the per-release result tables of the livebench.ai site (repo LiveBench/livebench.github.io).

Format: `public/table_YYYY_MM_DD.csv`, one row per model, one column per task (`zebra_puzzle`,
`code_generation`, `AMPS_Hard`, ...), scores in percent. The site groups tasks into categories with
`public/categories_YYYY_MM_DD.json` (`{"Reasoning": ["theory_of_mind", ...], "IF": [...]}`), averages
each category over its tasks and shows the mean of the category averages as the global average.

A parser sees one document at a time, so the task → category grouping cannot come from the JSON file;
`TASK_CATEGORIES` is the union of every release's categories JSON (read from the site repo, 2024-06-24
to 2026-01-08). Rows, per release (a release's models are scored on that release's questions, so two
releases are two boards):
- board `livebench-YYYY-MM-DD`: one row per model and category (`reasoning`, `coding`, `agentic_coding`,
  `mathematics`, `data_analysis`, `language`, `instruction_following`) plus `global_average`, computed like the
  site does;
- board `livebench-tasks-YYYY-MM-DD`: the per-task scores as published (category = task name).
A task missing from `TASK_CATEGORIES` still yields its task row, is left out of the averages and is reported
in `skipped` so the table gets extended, never silently dropped.

Which release is current is stated only in the site's code: `src/App.js` holds
`useState('2026-01-08')`. Each collection reads it first (`Source.discover`) and fetches that release's
table, which upstream updates in place as models are added; a new release simply becomes a new board and the
older ones keep their history. If App.js stops naming one date that way, the collection fails with a clear
error rather than guess a file name.

`src/Table/modelLinks.js` (`"model-key": {url, organization, displayName, version?, reasoner?,
openweight?}`) is LiveBench's own identity list: each entry becomes a catalogue row (name = displayName,
organization, and `open_weights` = true where LiveBench marks the model `openweight`; its absence is left
unknown here, and identity reads it as weak evidence, "not open weights per LiveBench": docs/identity.md). A
`url` on the Hugging Face Hub that names the model itself (`https://huggingface.co/Qwen/QwQ-32B-Preview` for
`qwq-32b-preview`) is its `hugging_face_id`, so the hub's licence of the repo reaches it; a link to another repo
(the base model's) is not.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from statistics import fmean

from collectors.leaderboards.values import read_csv, with_ranks
from collectors.parsing import to_float
from gapwatch.rows import ModelRow, ParseResult, RowError, ScoreRow
from gapwatch.source import Discovery, DocMeta, ParseError, Schedule, Source

SITE = "/LiveBench/livebench.github.io/main"
APP_JS, MODEL_LINKS = f"{SITE}/src/App.js", f"{SITE}/src/Table/modelLinks.js"
_CATEGORY_TASKS: dict[str, tuple[str, ...]] = {
    "reasoning": ("web_of_lies_v2", "web_of_lies_v3", "house_traversal", "zebra_puzzle", "spatial",
                  "theory_of_mind", "logic_with_navigation"),
    "coding": ("LCB_generation", "completion", "code_generation", "code_completion"),
    "agentic_coding": ("javascript", "typescript", "python"),
    "mathematics": ("AMPS_Hard", "math_comp", "math_proof_comp", "olympiad", "integrals_with_game"),
    "data_analysis": ("cta", "tablejoin", "tablereformat", "consecutive_events"),
    "language": ("connections", "movie_unscrambling", "plot_unscrambling", "typos"),
    "instruction_following": ("paraphrase", "simplify", "story_generation", "summarize"),
}
TASK_CATEGORIES: dict[str, str] = {task: cat for cat, tasks in _CATEGORY_TASKS.items() for task in tasks}
_RELEASE = re.compile(r"table_(\d{4})_(\d{2})_(\d{2})\.csv")
_CURRENT = re.compile(r"""useState\(\s*['"](\d{4})-(\d{2})-(\d{2})['"]\s*\)""")
_ENTRY = re.compile(r'^\s*"([^"\n]+)"\s*:\s*\{', re.MULTILINE)
_FIELD = re.compile(r'(\w+)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(true|false))')
_VARIANTS = re.compile(r"variants\s*:\s*\[(.*?)\]", re.DOTALL)
_OBJECT = re.compile(r"\{([^{}]*)\}")


def release_date(url: str) -> date | None:
    found = _RELEASE.search(url)
    return date(*map(int, found.groups())) if found else None


def current_release_paths(app_js: bytes) -> list[str]:
    """The paths to collect, from the site's `src/App.js`: the current release's table and the model list."""
    dates = {found.groups() for found in _CURRENT.finditer(app_js.decode("utf-8", errors="replace"))}
    if len(dates) != 1:
        what = "no" if not dates else f"{len(dates)} different"
        raise ParseError(
            f"livebench {APP_JS}: {what} release date(s) in a `useState('YYYY-MM-DD')` call; the site no longer "
            "names its current release that way. Find the new way in the site's code and update "
            "collectors/leaderboards/livebench.py (nothing was fetched)")
    year, month, day = dates.pop()
    return [f"{SITE}/public/table_{year}_{month}_{day}.csv", MODEL_LINKS]


def _fields(text: str) -> dict[str, str | bool]:
    return {name: string if flag == "" else flag == "true" for name, string, flag in _FIELD.findall(text)}


def _entries(text: str) -> list[tuple[str, str]]:
    """(model key, body of its object literal) of every `"key": { ... }` entry, nested braces included."""
    out = []
    for found in _ENTRY.finditer(text):
        depth, end = 1, found.end()
        while depth and end < len(text):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        out.append((found.group(1), text[found.end() : end - 1]))
    return out


_HUB_URL = re.compile(r"^https?://huggingface\.co/([^/?#\s]+/[^/?#\s]+)")


def _hub_repo(url: object, model: str) -> str | None:
    """The repo a link points to, when it is named as the model (case aside): LiveBench sometimes links the base."""
    found = _HUB_URL.match(str(url or ""))
    return found.group(1) if found and found.group(1).split("/")[1].lower() == model.lower() else None


def _parse_links(body: bytes, meta: DocMeta) -> ParseResult:
    text = body.decode("utf-8", errors="replace")
    out = ParseResult()
    for key, entry in _entries(text):
        variants = _VARIANTS.search(entry)
        own = _fields(entry[: variants.start()] + entry[variants.end() :] if variants else entry)
        # A variant (`gpt-5.5-xhigh`, a reasoning effort) is the table's name for the base model run one way:
        # it inherits the base's organization and openness.
        names = [(key, own.get("displayName"))]
        names += [(str(v["rawName"]), v.get("displayName")) for v in map(_fields, _OBJECT.findall(variants.group(1)))
                  if v.get("rawName")] if variants else []
        for model, display in names:
            try:
                out.rows.append(ModelRow(model=model, name=str(display) if display else None,
                                         organization=str(own["organization"]) if own.get("organization") else None,
                                         hugging_face_id=_hub_repo(own.get("url"), model),
                                         open_weights=True if own.get("openweight") is True else None))
            except RowError as exc:
                out.skipped.append(f"{model}: {exc}")
    if "modelLinks" not in text:
        raise ParseError(f"livebench {meta.url}: no `modelLinks` object in modelLinks.js; layout change?")
    if not out.rows:  # until 2024-12 the file mapped each name to a bare URL: no identity facts in it
        out.skipped.append("modelLinks.js maps names to URLs only (its pre-2025 form): no organization or names")
    return out


def _parse_table(body: bytes, meta: DocMeta) -> ParseResult:
    fields, records = read_csv(body, f"livebench {meta.url}")
    if "model" not in fields:
        raise ParseError(f"livebench {meta.url}: CSV header lacks `model` (has {fields[:8]}); layout change?")
    tasks = [f for f in fields if f != "model"]
    if not tasks:
        raise ParseError(f"livebench {meta.url}: no task columns")
    published = release_date(meta.url)
    if published is None:
        raise ParseError(f"livebench {meta.url}: cannot tell the release (expected a `table_YYYY_MM_DD.csv` name)")
    board = f"livebench-{published.isoformat()}"
    tasks_board = f"livebench-tasks-{published.isoformat()}"
    out = ParseResult()
    out.skipped += [f"task {t!r} has no category in livebench.TASK_CATEGORIES; left out of the averages"
                    for t in tasks if t not in TASK_CATEGORIES]
    by_category: dict[str, list[str]] = {}
    for task in tasks:
        if task in TASK_CATEGORIES:
            by_category.setdefault(TASK_CATEGORIES[task], []).append(task)
    for line_no, rec in enumerate(records, start=2):
        model = (rec.get("model") or "").strip()
        if not model or None in rec:
            out.skipped.append(f"line {line_no}: no model name or extra cells")
            continue
        scores = {t: to_float(rec.get(t)) for t in tasks}
        averages: dict[str, float] = {}
        for category, members in by_category.items():
            values = [scores[t] for t in members]
            # The site averages a category only over tasks the model was scored on; none scored = no average.
            known = [v for v in values if v is not None]
            if known:
                averages[category] = fmean(known)
        if averages and len(averages) == len(by_category):
            averages["global_average"] = fmean(averages.values())
        try:
            out.rows += [ScoreRow(board=board, category=c, model=model, score=round(v, 3), score_unit="pct",
                                  publish_date=published) for c, v in averages.items()]
            out.rows += [ScoreRow(board=tasks_board, category=t, model=model, score=v, score_unit="pct",
                                  publish_date=published) for t, v in scores.items() if v is not None]
        except RowError as exc:
            out.hold_error(exc, f"line {line_no} ({model}): {exc}")
    out.rows = with_ranks(out.rows)
    return out


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    name = meta.url.split("?", 1)[0].rsplit("/", 1)[-1]
    if name.endswith(".js") and "modelLinks" in name:
        return _parse_links(body, meta)
    if name.endswith(".js"):
        return ParseResult()  # App.js in a git backfill: it names the release, it holds no facts
    return _parse_table(body, meta)


SOURCE = Source(
    id="livebench",
    kind="leaderboard",
    label="LiveBench",
    base_url="https://raw.githubusercontent.com",
    paths=(MODEL_LINKS,),
    discover=Discovery(APP_JS, current_release_paths),
    row_types=(ScoreRow, ModelRow),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=24)),
    max_age=timedelta(days=180),  # the newest release date; releases came every one to six months
    description="LiveBench: the current release (named by the site's src/App.js) per category and task "
                "(percent); each release is a board of its own; modelLinks.js as identity evidence.",
    min_rows=20,
    real_files=(
        "realdata §15: LiveBench/livebench.github.io at HEAD 2026-07-01 (`src/App.js`, "
        "`src/Table/modelLinks.js`, every `public/table_YYYY_MM_DD.csv` release, and the first version of the "
        "2026-01-08 table); paths checked against the repository, branch `main`."
    ),
)
