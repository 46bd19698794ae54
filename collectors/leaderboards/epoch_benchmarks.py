"""Epoch AI benchmark data, with each model's accessibility (openness evidence).

Two real layouts:
- `https://epoch.ai/data/benchmark_data.zip` (the Benchmarking Hub download): one CSV per benchmark,
  `Model version` plus a headline score column (`mean_score` for Epoch's own runs, `Score`, `Accuracy`,
  `Global average`, ... for external results), `Release date`, `Organization`; metadata files such as
  `model_metadata.csv` (`model_version`, `accessibility`, ...) sit beside them. Board `epoch-benchmarks`,
  category = the CSV's name (`gpqa_diamond`, `swe_bench_verified`, ...).
- the wide CSVs of Epoch's open-model-trends study (`benchmarks_with_model_accessibility.csv`,
  `gsm1k_with_model_accessibility.csv`): `System`, `Date`, `Open/Closed`, one column per benchmark (`BBH`,
  `GPQA`, `MMLU`, `LMSys Elo`, ...). Board `epoch-open-model-trends`, category = the column, slugged (`bbh`).

Assumption (the zip's exact columns were confirmed only from other projects' parsers and fixtures): the
accessibility of a model is read from a `Model accessibility`/`accessibility` column in a benchmark CSV or
from `model_metadata.csv`; values are Epoch's (`Open weights (unrestricted)`, `Open weights (restricted use)`,
`Open weights (non-commercial)`, `API access`, `Hosted access (no API)`, `Unreleased`). Every model yields a
`ModelRow`: `open_weights` True for `Open weights ...`/`Open`, False for API/hosted/unreleased/`Closed`, else
None; `license` carries the `Open weights (...)` text so identity can grade the restriction.

Several runs of one model version on one benchmark (re-runs, scorers): the best score is kept, as on the hub.
Units: `fraction` (0-1 accuracies), `pct`, `elo`, `index` (Epoch Capabilities Index), else `score`.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from typing import Any

from collectors.leaderboards.values import read_csv, slug, to_date, with_ranks
from collectors.parsing import to_float
from gapwatch.rows import ModelRow, ParseResult, RowError, ScoreRow
from gapwatch.source import DocMeta, ParseError, Schedule, Source

HUB_BOARD = "epoch-benchmarks"
TRENDS_BOARD = "epoch-open-model-trends"
MODEL_COLUMNS = ("Model version", "model_version", "Model", "System")
# The headline score column of a hub CSV, in order of preference.
SCORE_COLUMNS = ("mean_score", "ECI Score", "eci", "Score", "Global average", "Accuracy", "Percent correct",
                 "Overall score", "Average score", "Average", "Arena Score", "Pass@1", "Elo")
ACCESS_COLUMNS = ("Model accessibility", "accessibility", "Accessibility", "model_accessibility")
DATE_COLUMNS = ("Release date", "release_date", "date", "Date", "Publication date")
ORG_COLUMNS = ("Organization", "organization")
# Hub files that describe models or benchmarks rather than score them.
METADATA_FILES = ("model_metadata", "benchmark_metadata", "models", "benchmarks")
# Columns of the wide study CSVs that are model facts or annotations, not benchmark scores.
_NOT_A_BENCHMARK = re.compile(r"notes|\bci\b|trust|compute|param|size|open/closed|accessib|date|system|organi",
                              re.IGNORECASE)


def _first(rec: dict[str, Any], names: tuple[str, ...]) -> Any:
    return next((rec[n] for n in names if rec.get(n) not in (None, "")), None)


def openness(access: str | None) -> tuple[bool | None, str | None]:
    """(open_weights, license) from Epoch's accessibility wording."""
    text = (access or "").strip()
    low = text.lower()
    if low.startswith("open weights"):
        return True, text
    if low == "open":
        return True, None
    if low in {"closed", "unreleased"} or low.startswith(("api access", "hosted access")):
        return False, None
    return None, None


def unit_for(column: str, values: list[float]) -> str:
    low = column.lower()
    if "elo" in low or "arena score" in low:
        return "elo"
    if "eci" in low:
        return "index"
    if values and all(0 <= v <= 1 for v in values):
        return "fraction"
    if values and all(0 <= v <= 100 for v in values):
        return "pct"
    return "score"


class _Collector:
    """Gathers best scores per (category, model) and one ModelRow per model across the files of a document."""

    def __init__(self, board: str) -> None:
        self.board = board
        self.best: dict[tuple[str, str], tuple[float, date | None, str | None]] = {}
        self.units: dict[str, str] = {}
        self.models: dict[str, dict[str, Any]] = {}

    def model(self, name: str, organization: Any, released: Any, access: Any) -> None:
        held = self.models.setdefault(name, {"organization": None, "released": None, "access": None})
        for key, value in (("organization", organization), ("released", to_date(released)), ("access", access)):
            if held[key] is None and value not in (None, ""):
                held[key] = value

    def score(self, category: str, model: str, value: float, published: date | None, org: str | None) -> None:
        held = self.best.get((category, model))
        if held is None or value > held[0]:
            self.best[(category, model)] = (value, published, org)

    def result(self, out: ParseResult) -> ParseResult:
        for (category, model), (value, published, org) in self.best.items():
            try:
                out.rows.append(ScoreRow(board=self.board, category=category, model=model, score=value,
                                         score_unit=self.units[category], publish_date=published, organization=org))
            except RowError as exc:
                out.hold_error(exc, f"{category}/{model}: {exc}")
        for name, facts in self.models.items():
            open_weights, license_id = openness(facts["access"])
            out.rows.append(ModelRow(model=name, organization=facts["organization"], released=facts["released"],
                                     open_weights=open_weights, license=license_id))
        out.rows = with_ranks(out.rows)
        return out


def _hub_file(name: str, fields: list[str], records: list[dict[str, str]], access: dict[str, str],
              into: _Collector, out: ParseResult) -> None:
    model_col = next((c for c in MODEL_COLUMNS if c in fields), None)
    score_col = next((c for c in SCORE_COLUMNS if c in fields), None)
    if model_col is None or score_col is None:
        out.skipped.append(f"{name}: no model version or no known score column ({fields[:6]}); file not read")
        return
    category = slug(name.rsplit("/", 1)[-1].removesuffix(".csv"))
    values = []
    for rec in records:
        model = (rec.get(model_col) or "").strip()
        value = to_float(rec.get(score_col))
        if not model or value is None:
            continue
        values.append(value)
        org = _first(rec, ORG_COLUMNS)
        into.model(model, org, _first(rec, DATE_COLUMNS), _first(rec, ACCESS_COLUMNS) or access.get(model))
        into.score(category, model, value, to_date(_first(rec, DATE_COLUMNS)), org)
    into.units[category] = unit_for(score_col, values)


def _parse_zip(body: bytes, meta: DocMeta) -> ParseResult:
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile as exc:
        raise ParseError(f"epoch_benchmarks {meta.url}: not a readable zip ({exc}); truncated download?") from exc
    files: dict[str, tuple[list[str], list[dict[str, str]]]] = {}
    with archive:
        for name in sorted(archive.namelist()):
            if name.lower().endswith(".csv") and not name.startswith(("__MACOSX", ".")):
                files[name] = read_csv(archive.read(name), f"epoch_benchmarks {meta.url} {name}")
    if not files:
        raise ParseError(f"epoch_benchmarks {meta.url}: the zip holds no CSV files")
    access: dict[str, str] = {}
    for name, (fields, records) in files.items():
        stem = name.rsplit("/", 1)[-1].removesuffix(".csv")
        if stem in METADATA_FILES:
            model_col = next((c for c in (*MODEL_COLUMNS, "model_version") if c in fields), None)
            for rec in records if model_col else []:
                found = _first(rec, ACCESS_COLUMNS)
                if found:
                    access[rec[model_col].strip()] = found
    out, into = ParseResult(), _Collector(HUB_BOARD)
    for name, (fields, records) in files.items():
        if name.rsplit("/", 1)[-1].removesuffix(".csv") not in METADATA_FILES:
            _hub_file(name, fields, records, access, into, out)
    return into.result(out)


def _parse_wide_csv(body: bytes, meta: DocMeta) -> ParseResult:
    fields, records = read_csv(body, f"epoch_benchmarks {meta.url}")
    model_col = next((c for c in MODEL_COLUMNS if c in fields), None)
    if model_col is None or "Open/Closed" not in fields:
        raise ParseError(f"epoch_benchmarks {meta.url}: expected a `System` and an `Open/Closed` column "
                         f"(has {fields[:8]}); not an Epoch benchmark table?")
    benchmarks = [f for f in fields if f != model_col and not _NOT_A_BENCHMARK.search(f)]
    out, into = ParseResult(), _Collector(TRENDS_BOARD)
    values: dict[str, list[float]] = {}
    for rec in records:
        model = (rec.get(model_col) or "").strip()
        if not model:
            continue
        into.model(model, _first(rec, ORG_COLUMNS), _first(rec, DATE_COLUMNS), rec.get("Open/Closed"))
        for column in benchmarks:
            value = to_float(rec.get(column))
            if value is not None:
                values.setdefault(column, []).append(value)
                into.score(slug(column), model, value, None, _first(rec, ORG_COLUMNS))
    into.units = {slug(c): unit_for(c, v) for c, v in values.items()}
    return into.result(out)


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    if body[:4] == b"PK\x03\x04":
        return _parse_zip(body, meta)
    return _parse_wide_csv(body, meta)


SOURCE = Source(
    id="epoch_benchmarks",
    kind="leaderboard",
    label="Epoch AI",
    base_url="https://epoch.ai",
    paths=("/data/benchmark_data.zip",),
    row_types=(ScoreRow, ModelRow),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=24)),
    max_age=timedelta(days=120),  # stale when its content stands still longer: the hub adds runs every few weeks
    description="Epoch AI Benchmarking Hub (benchmark_data.zip): scores per benchmark and model accessibility.",
    min_rows=10,
    real_files=(
        "realdata §9: Epoch's benchmark table with model accessibility (2024-10-22); no real copy of "
        "`benchmark_data.zip` beyond the fixtures `benchmark_data_2024-06-01.zip`, "
        "`benchmark_data_2024-10-22.zip`."
    ),
)
