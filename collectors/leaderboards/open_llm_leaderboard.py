"""Hugging Face Open LLM Leaderboard v2 (open-weights models only; retired in March 2025, its history matters).

Three real layouts of the same table, told apart by their columns:
- the HF dataset `open-llm-leaderboard/contents` (parquet): `fullname`, `Average ⬆️`, `IFEval`, `BBH`,
  `MATH Lvl 5`, `GPQA`, `MUSR`, `MMLU-PRO`, `Hub License`, `#Params (B)`, `Submission Date`, ...;
- CSV exports of July 2024: `fullname`/`model`, `average`, `ifeval`, `bbh`, `math_lvl_5`, `gpqa`, `musr`,
  `mmlupro` (each with a `_raw`), `hub_license`, `params_b`, `submission_date`, `upload_to_hub_date`;
- CSV exports of 2025: `model_name`, `model_average_score`, `evaluations_<bench>_{name,value,normalized_score}`,
  `metadata_{hub_license,params_billions,submission_date,upload_date}`.
Scores are the leaderboard's normalised scores (0 = random baseline, 100 = perfect): `score_unit="norm_pct"`.

One model can be listed several times (precisions, re-submissions): the entry with the best average is kept,
which is the one the leaderboard ranks highest. Every model also yields a `ModelRow` with its Hub licence and
`open_weights=True` (the leaderboard only evaluated models whose weights are on the Hub): openness evidence.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import polars as pl

from collectors.leaderboards.values import read_csv, to_date, with_ranks
from collectors.parsing import to_float
from gapwatch.rows import ModelRow, ParseResult, RowError, ScoreRow
from gapwatch.source import DocMeta, ParseError, Schedule, Source

BOARD = "open-llm-leaderboard"
# field → column names, newest layout last; the first present column wins.
COLUMNS: dict[str, tuple[str, ...]] = {
    "model": ("fullname", "model_name", "model"),
    "average": ("Average ⬆️", "average", "model_average_score"),
    "ifeval": ("IFEval", "ifeval", "evaluations_ifeval_normalized_score"),
    "bbh": ("BBH", "bbh", "evaluations_bbh_normalized_score"),
    "math_lvl_5": ("MATH Lvl 5", "math_lvl_5", "evaluations_math_normalized_score"),
    "gpqa": ("GPQA", "gpqa", "evaluations_gpqa_normalized_score"),
    "musr": ("MUSR", "musr", "evaluations_musr_normalized_score"),
    "mmlu_pro": ("MMLU-PRO", "mmlupro", "evaluations_mmlu_pro_normalized_score"),
    "license": ("Hub License", "hub_license", "metadata_hub_license"),
    "submitted": ("Submission Date", "submission_date", "metadata_submission_date"),
    "uploaded": ("Upload To Hub Date", "upload_to_hub_date", "metadata_upload_date"),
}
CATEGORIES = ("average", "ifeval", "bbh", "math_lvl_5", "gpqa", "musr", "mmlu_pro")


def _records(body: bytes, meta: DocMeta) -> tuple[list[str], list[dict[str, Any]]]:
    if body[:4] == b"PAR1":
        try:
            frame = pl.read_parquet(io.BytesIO(body))
        except Exception as exc:  # polars raises several error types for corrupt files
            raise ParseError(f"open_llm_leaderboard {meta.url}: unreadable parquet ({exc})") from exc
        return frame.columns, frame.to_dicts()
    return read_csv(body, f"open_llm_leaderboard {meta.url}")


def _resolve(fields: list[str], meta: DocMeta) -> dict[str, str]:
    present = set(fields)
    resolved = {name: next((c for c in options if c in present), "") for name, options in COLUMNS.items()}
    missing = [name for name in ("model", "average", *CATEGORIES) if not resolved[name]]
    if missing:
        raise ParseError(f"open_llm_leaderboard {meta.url}: no column for {missing} (has {fields[:12]}...); "
                         "a new layout? add its column names to COLUMNS")
    return resolved


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    fields, records = _records(body, meta)
    col = _resolve(fields, meta)
    out = ParseResult()
    best: dict[str, dict[str, Any]] = {}
    for line_no, rec in enumerate(records, start=2):
        model = str(rec.get(col["model"]) or "").strip()
        average = to_float(rec.get(col["average"]))
        if not model or average is None:
            out.skipped.append(f"entry {line_no}: no model name or no average")
            continue
        if model not in best or average > to_float(best[model][col["average"]]):
            best[model] = rec
    for model, rec in best.items():
        published = to_date(rec.get(col["submitted"]))
        license_id = str(rec.get(col["license"]) or "").strip() or None
        try:
            for category in CATEGORIES:
                score = to_float(rec.get(col[category]))
                if score is not None:
                    out.rows.append(ScoreRow(board=BOARD, category=category, model=model, score=score,
                                             score_unit="norm_pct", publish_date=published, license=license_id,
                                             organization=model.split("/", 1)[0] if "/" in model else None))
            out.rows.append(ModelRow(model=model, organization=model.split("/", 1)[0] if "/" in model else None,
                                     hugging_face_id=model, released=to_date(rec.get(col["uploaded"])),
                                     open_weights=True, license=license_id))
        except RowError as exc:
            out.hold_error(exc, f"{model}: {exc}")
    out.rows = with_ranks(out.rows)
    return out


SOURCE = Source(
    id="open_llm_leaderboard",
    kind="leaderboard",
    label="Open LLM Leaderboard",
    base_url="https://huggingface.co",
    # Files under resolve/ are served from the Hub's CDNs (cdn-lfs.huggingface.co, cas-bridge.xethub.hf.co).
    redirect_hosts=("huggingface.co", "hf.co"),
    paths=("/datasets/open-llm-leaderboard/contents/resolve/main/data/train-00000-of-00001.parquet",),
    row_types=(ScoreRow, ModelRow),
    parse=parse,
    schedule=Schedule(every=timedelta(days=7)),
    description="HF Open LLM Leaderboard v2 (retired): normalised scores, Hub licences of open models.",
    min_rows=20,
    retired="Hugging Face retired the leaderboard (moved to Community Evals); its history stays for backfill "
            "and reparse",
    real_files=(
        "realdata §4b: the CSV exports of the leaderboard's contents (2024-07-13 and the final 2025-03-21); "
        "the parquet URL is the retired dataset's, kept for history only."
    ),
)
