"""Aider's coding leaderboards: the YAML files behind aider.chat/docs/leaderboards.

Each file is a list of benchmark runs (`model`, `edit_format`, `pass_rate_1`, `pass_rate_2`, `total_cost`,
`date`, `dirname`, `test_cases`, ...). One model is often benchmarked several times (edit formats, settings,
retries). The leaderboard shows every run; gapwatch keeps one fact per model name: the run with the best
headline score (ties: the newest run), because the question asked of a board is "how good is this model",
and a weaker configuration of the same model would only add noise to the open vs closed gap. The other
runs are listed in `ParseResult.skipped` with the run that beat them.

Boards: `aider-polyglot` (225 exercises in six languages, `pass_rate_2` = % solved after the 2nd try),
`aider-edit` (133 Python exercises, `pass_rate_2`) and `aider-refactor` (89 refactorings, `pass_rate_1`:
that benchmark has no second try). Quirks: `date` parses as a date with PyYAML; `total_cost` is 0 when unknown.

The files are not sorted, so ranks are computed; `votes` = `test_cases`, `publish_date` = the run's `date`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import yaml

from collectors.leaderboards.values import to_date, to_int, with_ranks
from collectors.parsing import to_float
from gapwatch.rows import ParseResult, RowError, ScoreRow
from gapwatch.source import DocMeta, ParseError, Schedule, Source

DATA_DIR = "/Aider-AI/aider/main/aider/website/_data"
# File name prefix → (board, score field).
BOARDS: dict[str, tuple[str, str]] = {
    "polyglot_leaderboard": ("aider-polyglot", "pass_rate_2"),
    "edit_leaderboard": ("aider-edit", "pass_rate_2"),
    "refactor_leaderboard": ("aider-refactor", "pass_rate_1"),
}


def board_for(url: str) -> tuple[str, str]:
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    for prefix, spec in BOARDS.items():
        if name.startswith(prefix):
            return spec
    raise ParseError(f"aider {url}: unknown leaderboard file (expected one of {', '.join(BOARDS)})")


def _best_runs(runs: list[dict[str, Any]], board: str, score_field: str,
               out: ParseResult) -> dict[str, dict[str, Any]]:
    best: dict[str, dict[str, Any]] = {}
    superseded = 0
    for run in runs:
        model = str(run.get("model") or "").strip()
        score = to_float(run.get(score_field))
        if model and score is None:
            # The model's best run is unknown while one of its runs is unreadable: its score is held as it was.
            out.hold(f"run {run.get('dirname')!r} of {model}: no readable {score_field} ({run.get(score_field)!r})",
                     ScoreRow, board=board, category="overall", model=model)
            continue
        if not model:
            out.skipped.append(f"run {run.get('dirname')!r}: no model")
            continue
        run = {**run, "model": model, "_score": score, "_date": to_date(run.get("date")) or date.min}
        held = best.get(model)
        if held is not None:
            superseded += 1
        if held is None or (run["_score"], run["_date"]) > (held["_score"], held["_date"]):
            best[model] = run
    if superseded:
        # One summary line, not one per run: alternative runs are expected, not faults of the document.
        out.skipped.append(f"{superseded} runs superseded by a better run of the same model")
    return best


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    board, score_field = board_for(meta.url)
    if body.lstrip()[:1] == b"<":
        raise ParseError(f"aider {meta.url}: expected YAML but got HTML (error page or moved file?)")
    try:
        # libyaml's parser when PyYAML has it: the same values, a tenth of the time (the pure-Python parser took
        # 80 ms of a whole collection's parsing, which every fetch thread shares one GIL for).
        runs = yaml.load(body, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ParseError(f"aider {meta.url}: malformed YAML ({exc})") from exc
    if not isinstance(runs, list) or not all(isinstance(r, dict) for r in runs):
        raise ParseError(f"aider {meta.url}: expected a YAML list of benchmark runs")
    out = ParseResult()
    for model, run in _best_runs(runs, board, score_field, out).items():
        try:
            out.rows.append(
                ScoreRow(
                    board=board,
                    category="overall",
                    model=model,
                    score=run["_score"],
                    score_unit="pass_rate",
                    votes=to_int(run.get("test_cases")),
                    publish_date=to_date(run.get("date")),
                )
            )
        except RowError as exc:
            out.hold_error(exc, f"{model}: {exc}")
    out.rows = with_ranks(out.rows)
    return out


SOURCE = Source(
    id="aider",
    kind="leaderboard",
    label="Aider",
    base_url="https://raw.githubusercontent.com",
    paths=tuple(f"{DATA_DIR}/{name}.yml" for name in BOARDS),
    row_types=(ScoreRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=24)),
    max_age=timedelta(days=180),  # the newest benchmark run date
    description="Aider coding leaderboards (polyglot, edit, refactor): best pass rate per model.",
    min_rows=5,
    real_files=(
        "realdata §3: Aider-AI/aider `aider/website/_data/{polyglot,edit,refactor}_leaderboard.yml` (10 "
        "versions, 2024-05 to 2025-10), the paths the URLs name at HEAD."
    ),
)
