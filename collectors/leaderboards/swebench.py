"""SWE-bench leaderboards (github.com/SWE-bench/swe-bench.github.io, `data/leaderboards.json`).

Format: `{"leaderboards": [{"name": "Verified" | "Lite" | "Test" | "Multimodal" | "bash-only", "results": [{name,
folder, resolved (percent of tasks solved), date, os_model, os_system, checked, tags, cost, ...}]}]}`.

Each result is one submitted run. On `bash-only` every model runs inside the same minimal agent
(mini-SWE-agent), so it compares models: board `swebench-bash-only`, a coding board. On the other splits each
result is an agent *system* (scaffold + model(s)): boards `swebench-verified`, `swebench-lite`, `swebench-test`,
`swebench-multimodal` of their own, kept as history and never a capability's headline (their scores measure
the scaffold as much as the model).

The model is the result's `Model: …` tag (`Model: claude-sonnet-4-5-20250929`); a system naming several
models (`Model: Doubao-Seed-Code`, `Model: Doubao-Seed-1.6`) or none is filed under its own `name`. `os_model`
is the submitter's own flag and is noisy (closed models flagged open), so it is not used as openness evidence.
A model with several runs on one board keeps its best (a fact is one score per board, category and model).
Category `resolved`; `publish_date` = the run's `date`; `organization` from the `Org: …` tag on `bash-only`
only, where it names the model's maker (`Org: Google DeepMind`): on the other splits it names the team that
submitted the system (`Org: Moatless Tools` on a `deepseek-chat` run), which is no organisation of the model.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from collectors.leaderboards.values import slug, to_date, with_ranks
from collectors.parsing import load_json, to_float
from gapwatch.rows import ParseResult, RowError, ScoreRow
from gapwatch.source import DocMeta, ParseError, Schedule, Source

CATEGORY = "resolved"
BASH_ONLY = "swebench-bash-only"  # every model in the same minimal agent: a board of models


def _tag(tags: list[Any], prefix: str) -> list[str]:
    return [t[len(prefix):].strip() for t in tags if isinstance(t, str) and t.startswith(prefix)]


def board_of(name: str) -> str:
    return "swebench-" + slug(name).replace("_", "-")


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    doc = load_json(body, f"swebench {meta.url}")
    boards = doc.get("leaderboards") if isinstance(doc, dict) else None
    if not isinstance(boards, list):
        raise ParseError(f"swebench {meta.url}: no `leaderboards` list (top level has "
                         f"{sorted(doc) if isinstance(doc, dict) else type(doc).__name__}); layout change?")
    out = ParseResult()
    best: dict[tuple[str, str], ScoreRow] = {}
    for board_doc in boards:
        name, results = board_doc.get("name"), board_doc.get("results")
        if not isinstance(name, str) or not isinstance(results, list):
            out.skipped.append(f"leaderboard without a name or results: {str(board_doc)[:80]}")
            continue
        board = board_of(name)
        for result in results:
            tags = result.get("tags") or []
            models = _tag(tags, "Model:")
            model = models[0] if len(models) == 1 else str(result.get("name") or "").strip()
            resolved = to_float(result.get("resolved"))
            if not model or resolved is None:
                out.skipped.append(f"{name}: {result.get('name')!r} has no model or no `resolved`")
                continue
            orgs = _tag(tags, "Org:") if board == BASH_ONLY else []
            try:
                row = ScoreRow(board=board, category=CATEGORY, model=model, score=resolved, score_unit="pct",
                               publish_date=to_date(result.get("date")),
                               organization=orgs[0] if len(orgs) == 1 else None)
            except RowError as exc:
                out.skipped.append(f"{name}/{model}: {exc}")
                continue
            held = best.get((board, model))
            if held is None or row.score > held.score:
                best[(board, model)] = row
    out.rows = with_ranks(list(best.values()))
    return out


SOURCE = Source(
    id="swebench",
    kind="leaderboard",
    label="SWE-bench",
    base_url="https://raw.githubusercontent.com",
    paths=("/SWE-bench/swe-bench.github.io/master/data/leaderboards.json",),
    row_types=(ScoreRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=24)),
    max_age=timedelta(days=120),  # the newest run date; new runs land every few weeks
    description="SWE-bench: bash-only (every model in the same minimal agent) and the agent-system splits "
                "Verified, Lite, Test, Multimodal, % of issues resolved.",
    min_rows=10,
    real_files=(
        "realdata §16: SWE-bench/swe-bench.github.io `data/leaderboards.json` of 2025-07-31 and 2025-11-19; "
        "path and branch `master` checked against the repository (HEAD 2026-03-04)."
    ),
)
