"""LiveBench: the per-release result tables of the livebench.ai site (repo LiveBench/livebench.github.io).

Format: `public/table_YYYY_MM_DD.csv`, one row per model, one column per task (`zebra_puzzle`,
`code_generation`, `AMPS_Hard`, ...), scores in percent. The site groups tasks into categories with
`public/categories_YYYY_MM_DD.json` (`{"Reasoning": ["theory_of_mind", ...], "IF": [...]}`), averages
each category over its tasks and shows the mean of the category averages as the global average.

A parser sees one document at a time, so the task → category grouping cannot come from the JSON file;
`TASK_CATEGORIES` is the union of every release's categories JSON (read from the site repo, 2024-06-24
to 2026-06-25). Rows:
- board `livebench`: one row per model and category (`reasoning`, `coding`, `agentic_coding`, `mathematics`,
  `data_analysis`, `language`, `instruction_following`) plus `global_average`, computed like the site does;
- board `livebench-tasks`: the per-task scores as published (category = task name).
A task missing from `TASK_CATEGORIES` still yields its task row, is left out of the averages and is reported
in `skipped` so the table gets extended, never silently dropped.

Which release: the site has no machine-readable index of releases (its React code names the dates), so
`RELEASES` lists them and a collection fetches the newest. Following a new release = adding its date to
`RELEASES`. Older tables parse too (the release date comes from the file name), for backfill.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from statistics import fmean

from collectors.leaderboards.values import read_csv, with_ranks
from collectors.parsing import to_float
from collectors.source import DocMeta, ParseError, Schedule, Source
from gapwatch.rows import ParseResult, RowError, ScoreRow

RELEASES = (
    "2024_06_24", "2024_07_26", "2024_08_31", "2024_11_25", "2025_01_25", "2025_04_02", "2025_04_25",
    "2025_05_17", "2025_05_30", "2025_11_25", "2025_12_23", "2026_01_08", "2026_06_25",
)
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


def release_date(url: str) -> date | None:
    found = _RELEASE.search(url)
    return date(*map(int, found.groups())) if found else None


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    fields, records = read_csv(body, f"livebench {meta.url}")
    if "model" not in fields:
        raise ParseError(f"livebench {meta.url}: CSV header lacks `model` (has {fields[:8]}); layout change?")
    tasks = [f for f in fields if f != "model"]
    if not tasks:
        raise ParseError(f"livebench {meta.url}: no task columns")
    published = release_date(meta.url)
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
            out.rows += [ScoreRow(board="livebench", category=c, model=model, score=round(v, 3), score_unit="pct",
                                  publish_date=published) for c, v in averages.items()]
            out.rows += [ScoreRow(board="livebench-tasks", category=t, model=model, score=v, score_unit="pct",
                                  publish_date=published) for t, v in scores.items() if v is not None]
        except RowError as exc:
            out.hold_error(exc, f"line {line_no} ({model}): {exc}")
    out.rows = with_ranks(out.rows)
    return out


SOURCE = Source(
    id="livebench",
    kind="leaderboard",
    base_url="https://raw.githubusercontent.com",
    paths=(f"/LiveBench/livebench.github.io/main/public/table_{RELEASES[-1]}.csv",),
    row_types=(ScoreRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=24)),
    description="LiveBench per-release results: category averages and per-task scores (percent).",
    min_rows=20,
)
