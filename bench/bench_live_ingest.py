"""Benchmark: the three live cases on a long history against the same on an empty warehouse, at 5k and 20k models.

    .venv/bin/python bench/bench_live_ingest.py [--models 5000 20000 --years Y --runs R --document FILE
                                                 --leaderboard FILE]

For each size, two warehouses are built: an empty one (migrations only) and one holding the generated history of
`transforms_warehouse` (score intervals on nine board categories, prices at 1–5 providers, every name matched to
a model with its openness) written into the real fact and identity tables; the generated general board's five
years are LMArena's `lmarena-text` board (closed at the end of the history), so an LMArena score change lands
on a board with a long history. Both ingest the same LiteLLM price map and LMArena leaderboard (warm-up, not
timed), then R times each of the three live cases, each followed by a publish:

- **price**: the same changed LiteLLM version (ten prices moved), the same day;
- **new day**: the first collection of a new day (the LiteLLM map with ten prices moved, a day later each run);
- **leaderboard**: the LMArena leaderboard with ten scores moved, the same day.

The runs alternate between the two warehouses (which goes first alternates too) so load on the shared machine
hits both alike. Every run goes through `make_pipeline` (every hook: identity, change detection, capability
map, transforms, gap thresholds), as `gapwatch collect` does. Its last line is
`live ingest big/small: price X.XXx, new day Y.YYx, leaderboard Z.ZZx; publish big/small: W.WWx`: wall-clock,
the median over the pairs of big/small within a pair (a load swing between pairs cancels out), the worst of the
sizes, and for publish of the cases. The line before it gives the same ratios of the process's CPU time.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms_warehouse import CATEGORIES, Shape, generate  # noqa: E402

from collectors.leaderboards import lmarena  # noqa: E402
from collectors.pricing import litellm  # noqa: E402
from gapwatch.settings import Settings  # noqa: E402
from jobs.pipeline import Document, make_pipeline  # noqa: E402
from warehouse import db  # noqa: E402
from warehouse.db import first  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
DEMO = ROOT / "demo" / "recordings" / "litellm"
FIXTURES = ROOT / "tests" / "fixtures" / "lmarena"
DEFAULT_MAP = ROOT / "warehouse" / "capability_map.toml"
MOVED = 10  # prices or scores moved per changed version
LMARENA_BOARD = "lmarena-text"  # where the generated general board's history goes (LMArena's text CSV board)
CASES = ("price", "new day", "leaderboard")
# A licence term LMArena's licence column uses for each generated openness class (unknown: no licence given).
LICENCE_TERMS = {"closed": "Proprietary", "open-source": "Apache 2.0", "open-weights-permissive": "OpenRAIL-M",
                 "open-weights-restricted": "Llama 3.1 Community", "open-weights-noncommercial": "CC-BY-NC-4.0"}


def default_document() -> Path:
    """The newest shared LiteLLM price map (about 1.4 MB) when the realdata is here, else the demo recording."""
    found = sorted((REALDATA / "litellm").glob("*.json")) or sorted(DEMO.rglob("*.json"))
    if not found:
        raise SystemExit("no LiteLLM document found: pass --document FILE")
    return found[-1]


def default_leaderboard() -> Path:
    """The newest shared LMArena text leaderboard CSV when the realdata is here, else the test fixture."""
    found = sorted((REALDATA / "lmarena").glob("lmarena_text_*.csv")) or sorted(FIXTURES.glob("lmsys_*.csv"))
    if not found:
        raise SystemExit("no LMArena CSV found: pass --leaderboard FILE")
    return found[-1]


def changed(base: dict, run: int) -> bytes:
    """`base` with the input price of `MOVED` chat models moved by (run + 1) %, as one live change."""
    doc = json.loads(json.dumps(base))
    priced = [k for k, v in doc.items() if isinstance(v, dict) and isinstance(v.get("input_cost_per_token"), float)
              and v.get("mode") == "chat"]
    for key in priced[:MOVED]:
        doc[key]["input_cost_per_token"] *= 1 + (run + 1) / 100
    return json.dumps(doc).encode()


def rescored(board: bytes, run: int) -> bytes:
    """The LMArena CSV with the score of `MOVED` models (every tenth row) raised by run + 1 points."""
    rows = list(csv.reader(io.StringIO(board.decode("utf-8"))))
    column = next(i for i, name in enumerate(rows[0]) if name in ("arena_score", "rating", "score"))
    for row in rows[1:][::10][:MOVED]:
        row[column] = str(float(row[column]) + run + 1)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def bench_map(path: Path) -> Path:
    """The default capability map plus the generated boards' categories (the general board's are LMArena's)."""
    extra = "".join(
        f'\n[[map]]\nboard = "{board}"\ncategory = "{category}"\ncapability = "{capability}"\n'
        for board, category, capability, _ in CATEGORIES if (board, category) != ("arena", "overall")
    )
    path.write_text(DEFAULT_MAP.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def build(path: Path, shape: Shape) -> None:
    """Write the generated history into a migrated warehouse: facts, models, aliases and their name keys. The
    generated general board becomes LMArena's text board, its intervals closed when the history ends."""
    gen = generate(shape)
    con = db.connect(path)
    general = (pl.col("board") == "arena") & (pl.col("category") == "overall")
    end = datetime.combine(gen.as_of, datetime.min.time())
    # Each model's openness as identity reads it: a leaderboard's licence column (terms LMArena uses).
    terms = pl.DataFrame({"openness": list(LICENCE_TERMS), "license": list(LICENCE_TERMS.values())})
    openness = gen.names.select("source", pl.col("source_model").alias("model"), "openness")
    scores = gen.scores.join(openness, on=["source", "model"], how="left").join(terms, on="openness", how="left")
    scores = scores.with_columns(
        source=pl.when(general).then(pl.lit("lmarena")).otherwise("source"),
        board=pl.when(general).then(pl.lit(LMARENA_BOARD)).otherwise("board"),
        valid_to=pl.when(general).then(pl.col("valid_to").fill_null(end)).otherwise("valid_to"),
    ).select("source", "board", "category", "model", "score", "license", "valid_from", "valid_to")
    prices = gen.prices.rename({"source": "_"}).drop("_")
    named = gen.names.filter(pl.col("model_id").is_not_null())
    models = named.unique("model_id").select("model_id", "openness")
    aliases = named.select("source", "source_model", "model_id", "method", "confidence")
    aliases = pl.concat([aliases, aliases.filter(source="arena").with_columns(source=pl.lit("lmarena"))])
    for name, frame in (("_scores", scores), ("_prices", prices), ("_models", models), ("_aliases", aliases)):
        con.register(name, frame.to_arrow())
    con.execute("BEGIN")
    con.execute("INSERT INTO leaderboard_score (source, board, category, model, score, score_unit, license, "
                "valid_from, valid_to) SELECT source, board, category, model, score, 'elo', license, valid_from, "
                "valid_to FROM _scores")
    con.execute("INSERT INTO price (source, provider, model, tier, input_per_mtok, output_per_mtok, currency, "
                "valid_from, valid_to) SELECT 'openrouter', provider, model, tier, input_per_mtok, output_per_mtok, "
                "'USD', valid_from, valid_to FROM (SELECT * FROM _prices)")
    con.execute("INSERT INTO model (model_id, openness) SELECT model_id, openness FROM _models")
    con.execute("INSERT INTO model_alias SELECT CASE source WHEN 'prices' THEN 'openrouter' ELSE source END, "
                "source_model, model_id, method, confidence FROM _aliases")
    # Their name keys, as identity would have written them: the warm-up ingest keys only the new names.
    con.execute("INSERT INTO model_name_key (source, source_model, key, family, version, org_hint, method, "
                "confidence) SELECT CASE source WHEN 'prices' THEN 'openrouter' ELSE source END, "
                "source_model, source_model, source_model, NULL, NULL, 'exact', 1.0 FROM _aliases")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()


def document(url: str, body: bytes, content_type: str) -> Document:
    return Document(url, body, hashlib.sha256(body).hexdigest(), content_type)


def paired(runs: int, pipes: dict, step: Callable[[object, int], tuple[str, float]]
           ) -> dict[str, dict[str, list[float]]]:
    """`runs` timed ingests + publishes on each warehouse, alternating which goes first: wall-clock times, and
    the process's CPU time of the ingest (every thread's, DuckDB's workers included: what the work costs,
    whatever else the shared machine runs)."""
    times = {name: {"ingest": [], "publish": [], "cpu": []} for name in pipes}
    for run in range(runs):
        order = list(pipes) if run % 2 == 0 else list(reversed(pipes))
        for name in order:
            pipe = pipes[name]
            t0, c0 = time.perf_counter(), time.process_time()
            status, _ = step(pipe, run)
            t1, c1 = time.perf_counter(), time.process_time()
            pipe.publish()
            t2 = time.perf_counter()
            if status != "ok":
                raise SystemExit(f"{name} run {run}: {status}")
            times[name]["ingest"].append(t1 - t0)
            times[name]["cpu"].append(c1 - c0)
            times[name]["publish"].append(t2 - t1)
    return times


def pair_ratio(times: dict[str, dict[str, list[float]]], measure: str) -> float:
    """The median over runs of big/small within each pair: the two runs of a pair follow each other, so a load
    swing on the shared machine between pairs cancels out (the ratio of the two medians does not)."""
    return statistics.median(b / s for b, s in zip(times["big"][measure], times["small"][measure], strict=True))


def one_size(models: int, args: argparse.Namespace, base: dict, board: bytes, arena,  # noqa: ANN001 - a Source
             board_url: str) -> dict[str, dict[str, dict[str, float]]]:
    shape = Shape(models=models, years=args.years)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--build", str(root / "big" / "gapwatch.duckdb"), "--models",
                        str(models), "--years", str(args.years)], check=True)
        print(f"built {models:,} models × {args.years} years in {time.perf_counter() - t0:.1f} s")
        cap_map = bench_map(root / "capability_map.toml")
        pipes = {
            name: make_pipeline(Settings(_env_file=None, data_dir=root / name, capability_map_path=cap_map),
                                publish_after_ingest=False)
            for name in ("small", "big")
        }
        day = datetime.combine(generate_as_of(shape), datetime.min.time()) + timedelta(hours=13)
        prices_url = litellm.SOURCE.paths[0]
        warm = [(litellm.SOURCE, document(prices_url, json.dumps(base).encode(), "application/json")),
                (arena, document(board_url, board, "text/csv"))]
        for name, pipe in pipes.items():
            t0 = time.perf_counter()
            for minute, (source, doc) in enumerate(warm):
                outcome = pipe.ingest_documents(source, [doc], day + timedelta(minutes=minute))
                if outcome.status != "ok":
                    raise SystemExit(f"warm-up {name} {source.id}: {outcome.summary()}")
            pipe.publish()
            print(f"warm-up {name}: {time.perf_counter() - t0:.2f} s")
        big = pipes["big"].con
        scores, prices, matched = first(big.execute(
            "SELECT (SELECT count(*) FROM leaderboard_score), (SELECT count(*) FROM price), "
            "(SELECT count(*) FILTER (model_id IS NOT NULL) FROM v_model_names)").fetchall())
        print(f"big warehouse: {scores:,} score intervals, {prices:,} price intervals, {matched:,} names matched; "
              f"file {(root / 'big' / 'gapwatch.duckdb').stat().st_size / 1e6:.0f} MB")

        def price(pipe, run: int) -> tuple[str, float]:  # noqa: ANN001
            doc = document(prices_url, changed(base, run), "application/json")
            return pipe.ingest_documents(litellm.SOURCE, [doc], day + timedelta(minutes=10 + run)).status, 0.0

        def new_day(pipe, run: int) -> tuple[str, float]:  # noqa: ANN001
            doc = document(prices_url, changed(base, 100 + run), "application/json")
            return pipe.ingest_documents(litellm.SOURCE, [doc], day + timedelta(days=run + 1)).status, 0.0

        last = day + timedelta(days=args.runs + 1)

        def leaderboard(pipe, run: int) -> tuple[str, float]:  # noqa: ANN001
            doc = document(board_url, rescored(board, run), "text/csv")
            return pipe.ingest_documents(arena, [doc], last + timedelta(minutes=run)).status, 0.0

        print(f"peak RSS so far (both warehouses, the warm-up's full derive included): {peak_rss_mib():,.0f} MiB")
        reset_peak_rss()
        out = {}
        for case, step in zip(CASES, (price, new_day, leaderboard), strict=True):
            times = paired(args.runs, pipes, step)
            out[case] = {name: {k: statistics.median(v) for k, v in t.items()} for name, t in times.items()}
            out[case]["ratio"] = {k: pair_ratio(times, k) for k in ("ingest", "cpu", "publish")}
            for name in pipes:
                m = out[case][name]
                print(f"{models:>6,} {case:>11} {name:>5}: ingest median {m['ingest']:.3f} s "
                      f"(min {min(times[name]['ingest']):.3f}, CPU {m['cpu']:.3f} s), publish median "
                      f"{m['publish']:.3f} s; load {os.getloadavg()[0]:.2f}")
            r = out[case]["ratio"]
            print(f"{models:>6,} {case:>11} big/small, median of the pairs: ingest {r['ingest']:.2f}x (CPU "
                  f"{r['cpu']:.2f}x), publish {r['publish']:.2f}x")
        print(f"{models:,} models: peak RSS during the live cases (both warehouses in this process): "
              f"{peak_rss_mib():,.0f} MiB")
        for pipe in pipes.values():
            pipe.close()
    return out


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM) since start or the last `reset_peak_rss`."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> None:
    """Start the peak over from the current resident set (Linux: writing 5 to clear_refs resets VmHWM)."""
    Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, nargs="+", default=[5_000, 20_000])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--document", type=Path, default=None, help="LiteLLM price map (JSON)")
    parser.add_argument("--leaderboard", type=Path, default=None, help="LMArena text leaderboard (CSV)")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, Shape(models=args.models[0], years=args.years))
        return
    prices_doc = args.document or default_document()
    board_doc = args.leaderboard or default_leaderboard()
    print(f"price document {prices_doc} ({prices_doc.stat().st_size / 1e6:.1f} MB); leaderboard {board_doc} "
          f"({board_doc.stat().st_size / 1e3:.0f} kB); {MOVED} prices or scores moved per run")
    base = json.loads(prices_doc.read_bytes())
    # The CSV's own file name as the URL: the parser reads the board and publish date from it.
    arena = replace(lmarena.SOURCE, paths=(f"/{board_doc.name}",))
    board_url = f"http://127.0.0.1/{board_doc.name}"
    ratios: dict[str, list[float]] = {case: [] for case in CASES}
    cpu: dict[str, list[float]] = {case: [] for case in CASES}
    publish: list[float] = []
    for models in args.models:
        med = one_size(models, args, base, board_doc.read_bytes(), arena, board_url)
        for case in CASES:
            ratios[case].append(med[case]["ratio"]["ingest"])
            cpu[case].append(med[case]["ratio"]["cpu"])
            publish.append(med[case]["ratio"]["publish"])
        print(f"{models:,} models: ingest big/small " + ", ".join(
            f"{case} {ratios[case][-1]:.2f}x" for case in CASES) + "; ratio of the medians " + ", ".join(
            f"{med[case]['big']['ingest'] / med[case]['small']['ingest']:.2f}x" for case in CASES)
            + f"; load {os.getloadavg()[0]:.2f}")
    print(f"{args.runs} paired runs per case; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print("CPU time big/small (worst of the sizes): " + ", ".join(f"{case} {max(cpu[case]):.2f}x" for case in CASES))
    print(f"live ingest big/small: price {max(ratios['price']):.2f}x, new day {max(ratios['new day']):.2f}x, "
          f"leaderboard {max(ratios['leaderboard']):.2f}x; publish big/small: {max(publish):.2f}x")


def generate_as_of(shape: Shape) -> date:
    """The last day of the generated history (the live ingests happen on it)."""
    return generate(Shape(models=10, years=shape.years, seed=shape.seed)).as_of


if __name__ == "__main__":
    main()
