"""LMArena (formerly LMSYS Chatbot Arena) leaderboards.

Two real formats:
- the HF dataset `lmarena-ai/leaderboard-dataset`: one parquet per arena subset (`text`,
  `text_style_control`, `vision`, `webdev`, ...) with a `category` column (overall, coding, math, ...),
  `rating`, `rating_lower`/`rating_upper`, `vote_count`, `rank`, `license`, `leaderboard_publish_date`;
- the older CSV exports (`lmsys.csv`, `lmarena_text.csv`, ...): `rank`, optional `rank_stylectrl`,
  `model`, `arena_score` (named `arena_elo` before July 2024), `95_pct_ci` like "+3/-4", `votes`.

`rank_stylectrl` (from 2024-10-16) is the model's rank with style control, but the CSV carries no
style-controlled score. It becomes rows on the board's `-style-control` twin, category `overall_rank`, with
`score_unit="rank"` and `score` = that rank (lower is better): the ranking is kept without inventing a rating,
and its own category keeps it from sharing a fact key with the parquet's style-controlled `overall` ratings.

Boards are `lmarena-<subset>` (`_` → `-`); CSV exports give category `overall`. The parquet's `full` split
holds every publication: only the newest `leaderboard_publish_date` per category is kept. A CSV's publish
date comes from the `dataYYYY.MM.DD` in its file name. Image and video arenas are not fetched.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import polars as pl

from collectors.leaderboards.values import to_date, to_int
from collectors.parsing import decode_text, to_float
from gapwatch.rows import ParseResult, RowError, ScoreRow
from gapwatch.source import DocMeta, ParseError, Schedule, Source

HF_DATASET = "/datasets/lmarena-ai/leaderboard-dataset/resolve/main"
# The language-model arenas of the dataset (image/video generation arenas are out of gapwatch's scope).
SUBSETS = ("text", "text_style_control", "vision", "webdev", "search", "document")

_CI = re.compile(r"^\s*\+\s*(\d+(?:\.\d+)?)\s*/\s*-\s*(\d+(?:\.\d+)?)\s*$")
_CSV_DATE = re.compile(r"data(\d{4})\.(\d{2})\.(\d{2})")
_CSV_BOARDS = {"lmsys": "text", "lmarena_text": "text", "lmarena_vision": "vision", "lmarena_image": "text-to-image"}


def board_from_url(url: str) -> str:
    """`.../resolve/main/text_style_control/latest-...parquet` → `lmarena-text-style-control`."""
    path = url.split("?", 1)[0]
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[-1].endswith(".parquet"):
        return "lmarena-" + parts[-2].replace("_", "-")
    stem = parts[-1].rsplit(".", 1)[0] if parts else ""
    for prefix, board in _CSV_BOARDS.items():
        if stem.startswith(prefix):
            return f"lmarena-{board}"
    return "lmarena-text"


def _parse_parquet(body: bytes, meta: DocMeta) -> ParseResult:
    try:
        frame = pl.read_parquet(io.BytesIO(body))
    except Exception as exc:  # polars raises several error types for corrupt files
        raise ParseError(f"lmarena {meta.url}: unreadable parquet ({exc})") from exc
    name_col = next((c for c in ("model_name", "model") if c in frame.columns), None)
    score_col = next((c for c in ("rating", "arena_score", "score") if c in frame.columns), None)
    if name_col is None or score_col is None:
        raise ParseError(f"lmarena {meta.url}: parquet lacks a model/rating column (has {frame.columns})")
    out = ParseResult()
    if "leaderboard_publish_date" in frame.columns:
        # The `full` split holds every past publication; one collection takes the newest per category.
        frame = frame.with_columns(pl.col("leaderboard_publish_date").cast(pl.Utf8))
        newest = pl.col("leaderboard_publish_date").max()
        if "category" in frame.columns:
            newest = newest.over("category")
        frame = frame.filter(pl.col("leaderboard_publish_date") == newest)
    board = board_from_url(meta.url)
    for rec in frame.iter_rows(named=True):
        try:
            out.rows.append(
                ScoreRow(
                    board=board,
                    category=str(rec.get("category") or "overall"),
                    model=str(rec[name_col]),
                    score=float(rec[score_col]),
                    rank=to_int(rec.get("rank")),
                    ci_low=to_float(rec.get("rating_lower")),
                    ci_high=to_float(rec.get("rating_upper")),
                    votes=to_int(rec.get("vote_count", rec.get("votes"))),
                    publish_date=to_date(rec.get("leaderboard_publish_date")),
                    organization=rec.get("organization") or None,
                    license=rec.get("license") or None,
                )
            )
        except (RowError, TypeError, ValueError) as exc:
            out.skipped.append(f"{rec.get(name_col)}: {exc}")
    return out


def _parse_csv(body: bytes, meta: DocMeta) -> ParseResult:
    if body.lstrip()[:1] == b"<":
        raise ParseError(f"lmarena {meta.url}: expected CSV or parquet but got HTML (layout change?)")
    text = decode_text(body, meta.content_type, f"lmarena {meta.url}")
    reader = csv.DictReader(io.StringIO(text))
    fields = set(reader.fieldnames or [])
    score_col = "arena_score" if "arena_score" in fields else "arena_elo" if "arena_elo" in fields else None
    if "model" not in fields or score_col is None:
        raise ParseError(f"lmarena {meta.url}: CSV header lacks `model` and `arena_score`/`arena_elo`: "
                         f"{sorted(fields)}")
    found = _CSV_DATE.search(meta.url)
    publish = date(*map(int, found.groups())) if found else None
    board = board_from_url(meta.url)
    out = ParseResult()
    for line_no, rec in enumerate(reader, start=2):
        if None in rec:  # more cells than headers: a broken or truncated line
            out.skipped.append(f"line {line_no}: extra cells {rec[None]}")
            continue
        score = to_float(rec.get(score_col))
        if score is None:
            out.skipped.append(f"line {line_no} ({rec.get('model')}): no score")
            continue
        ci = _CI.match(rec.get("95_pct_ci") or "")
        common = {
            "category": "overall",
            "model": rec["model"].strip(),
            "votes": to_int(rec.get("votes")),
            "publish_date": publish,
            "organization": (rec.get("organization") or "").strip() or None,
            "license": (rec.get("license") or "").strip() or None,
        }
        try:
            out.rows.append(
                ScoreRow(
                    board=board,
                    score=score,
                    rank=to_int(rec.get("rank")),
                    ci_low=score - float(ci.group(2)) if ci else None,
                    ci_high=score + float(ci.group(1)) if ci else None,
                    **common,
                )
            )
            style_rank = to_int(rec.get("rank_stylectrl"))
            if style_rank is not None:
                out.rows.append(ScoreRow(board=f"{board}-style-control", score=float(style_rank), score_unit="rank",
                                         rank=style_rank, **{**common, "category": "overall_rank"}))
        except RowError as exc:
            out.hold_error(exc, f"line {line_no}: {exc}")
    return out


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    if body[:4] == b"PAR1":
        return _parse_parquet(body, meta)
    return _parse_csv(body, meta)


SOURCE = Source(
    id="lmarena",
    kind="leaderboard",
    label="LMArena",
    base_url="https://huggingface.co",
    # Files under resolve/ are served from the Hub's CDNs (cdn-lfs.huggingface.co, cas-bridge.xethub.hf.co).
    redirect_hosts=("huggingface.co", "hf.co"),
    paths=tuple(f"{HF_DATASET}/{subset}/latest-00000-of-00001.parquet" for subset in SUBSETS),
    row_types=(ScoreRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=12)),
    max_age=timedelta(days=30),  # the dataset publishes a new leaderboard date every week or two
    description="LMArena leaderboards (HF dataset lmarena-ai/leaderboard-dataset; older CSV exports).",
    min_rows=5,
    real_files=(
        "realdata §4: the CSV exports of fboulnois/llm-leaderboard-csv (2024-06-19 to 2025-08-06); no real "
        "copy of the HF dataset's parquet files the live source fetches beyond the fixture "
        "`text_latest_2025-07-27.parquet`."
    ),
)
