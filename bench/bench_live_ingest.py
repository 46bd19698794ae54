"""Benchmark: a live ingest and a publish on a 5-year × 5,000-model warehouse against the same on an empty one.

    .venv/bin/python bench/bench_live_ingest.py [--models N --years Y --runs R --document FILE]

Two warehouses are built: an empty one (migrations only) and one holding the generated history of
`transforms_warehouse` (score intervals on nine board categories, prices at 1–5 providers, every name matched
to a model with its openness) written into the real fact and identity tables. Both then ingest the same
LiteLLM price map (warm-up, not timed) and, R times, the same changed version of it (a few prices moved, a
price-only change as a live collection sees it), each followed by a publish; the runs alternate between the
two warehouses so load on the shared machine hits both alike. Every run goes through `make_pipeline` (every
hook: identity, change detection, capability map, transforms, gap thresholds), as `gapwatch collect` does.
The last line is `live ingest big/small: X.XXx; publish big/small: Y.YYx` (medians).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms_warehouse import CATEGORIES, Shape, generate  # noqa: E402

from collectors.pricing import litellm  # noqa: E402
from gapwatch.settings import Settings  # noqa: E402
from jobs.pipeline import Document, make_pipeline  # noqa: E402
from warehouse import db  # noqa: E402
from warehouse.db import first  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata" / "litellm"
DEMO = ROOT / "demo" / "recordings" / "litellm"
DEFAULT_MAP = ROOT / "warehouse" / "capability_map.toml"
MOVED = 10  # prices moved per changed version


def default_document() -> Path:
    """The newest shared LiteLLM price map (about 1.4 MB) when the realdata is here, else the demo recording."""
    found = sorted(REALDATA.glob("*.json")) or sorted(DEMO.rglob("*.json"))
    if not found:
        raise SystemExit("no LiteLLM document found: pass --document FILE")
    return found[-1]


def changed(base: dict, run: int) -> bytes:
    """`base` with the input price of `MOVED` chat models moved by (run + 1) %, as one live change."""
    doc = json.loads(json.dumps(base))
    priced = [k for k, v in doc.items() if isinstance(v, dict) and isinstance(v.get("input_cost_per_token"), float)
              and v.get("mode") == "chat"]
    for key in priced[:MOVED]:
        doc[key]["input_cost_per_token"] *= 1 + (run + 1) / 100
    return json.dumps(doc).encode()


def bench_map(path: Path) -> Path:
    """The default capability map plus the generated boards' categories."""
    extra = "".join(
        f'\n[[map]]\nboard = "{board}"\ncategory = "{category}"\ncapability = "{capability}"\n'
        for board, category, capability, _ in CATEGORIES
    )
    path.write_text(DEFAULT_MAP.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def build(path: Path, shape: Shape) -> None:
    """Write the generated history into a migrated warehouse: facts, models, aliases and their name keys."""
    gen = generate(shape)
    con = db.connect(path)
    scores = gen.scores.select("source", "board", "category", "model", "score", "valid_from", "valid_to")
    prices = gen.prices.rename({"source": "_"}).drop("_")
    models = gen.names.filter(gen.names["model_id"].is_not_null()).unique("model_id").select("model_id", "openness")
    aliases = gen.names.filter(gen.names["model_id"].is_not_null()).select(
        "source", "source_model", "model_id", "method", "confidence")
    for name, frame in (("_scores", scores), ("_prices", prices), ("_models", models), ("_aliases", aliases)):
        con.register(name, frame.to_arrow())
    con.execute("BEGIN")
    con.execute("INSERT INTO leaderboard_score (source, board, category, model, score, score_unit, valid_from, "
                "valid_to) SELECT source, board, category, model, score, 'elo', valid_from, valid_to FROM _scores")
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


def run_pair(runs: int, pipes: dict, base: dict, at: datetime) -> dict[str, dict[str, list[float]]]:
    times = {name: {"ingest": [], "publish": []} for name in pipes}
    for run in range(runs):
        body = changed(base, run)
        doc = Document(litellm.SOURCE.paths[0], body, hashlib.sha256(body).hexdigest(), "application/json")
        for name, pipe in pipes.items():
            t0 = time.perf_counter()
            outcome = pipe.ingest_documents(litellm.SOURCE, [doc], at + timedelta(minutes=run + 1))
            t1 = time.perf_counter()
            pipe.publish()
            t2 = time.perf_counter()
            if outcome.status != "ok":
                raise SystemExit(f"{name} run {run}: {outcome.summary()}")
            times[name]["ingest"].append(t1 - t0)
            times[name]["publish"].append(t2 - t1)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--document", type=Path, default=None)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    shape = Shape(models=args.models, years=args.years)
    if args.build:
        build(args.build, shape)
        return
    document = args.document or default_document()
    base = json.loads(document.read_bytes())

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--build", str(root / "big" / "gapwatch.duckdb"), "--models",
                        str(args.models), "--years", str(args.years)], check=True)
        print(f"built {args.models:,} models × {args.years} years in {time.perf_counter() - t0:.1f} s; document "
              f"{document.name} ({document.stat().st_size / 1e6:.1f} MB), {MOVED} prices moved per run")
        cap_map = bench_map(root / "capability_map.toml")
        pipes = {
            name: make_pipeline(Settings(_env_file=None, data_dir=root / name, capability_map_path=cap_map),
                                publish_after_ingest=False)
            for name in ("small", "big")
        }
        at = datetime.combine(generate_as_of(shape), datetime.min.time()) + timedelta(hours=13)
        body = json.dumps(base).encode()
        warm = Document(litellm.SOURCE.paths[0], body, hashlib.sha256(body).hexdigest(), "application/json")
        for name, pipe in pipes.items():
            t0 = time.perf_counter()
            outcome = pipe.ingest_documents(litellm.SOURCE, [warm], at)
            pipe.publish()
            print(f"warm-up {name}: {outcome.summary()} in {time.perf_counter() - t0:.2f} s")
        big = pipes["big"].con
        scores, prices, matched = first(big.execute(
            "SELECT (SELECT count(*) FROM leaderboard_score), (SELECT count(*) FROM price), "
            "(SELECT count(*) FILTER (model_id IS NOT NULL) FROM v_model_names)").fetchall())
        print(f"big warehouse: {scores:,} score intervals, {prices:,} price intervals, {matched:,} names matched; "
              f"file {(root / 'big' / 'gapwatch.duckdb').stat().st_size / 1e6:.0f} MB")
        times = run_pair(args.runs, pipes, base, at)
        for pipe in pipes.values():
            pipe.close()
    med = {name: {k: statistics.median(v) for k, v in t.items()} for name, t in times.items()}
    for name, m in med.items():
        print(f"{name:>5}: ingest median {m['ingest']:.3f} s (min {min(times[name]['ingest']):.3f}), "
              f"publish median {m['publish']:.3f} s (min {min(times[name]['publish']):.3f})")
    print(f"{args.runs} paired runs; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"live ingest big/small: {med['big']['ingest'] / med['small']['ingest']:.2f}x; "
          f"publish big/small: {med['big']['publish'] / med['small']['publish']:.2f}x")


def generate_as_of(shape: Shape) -> date:
    """The last day of the generated history (the live ingests happen on it)."""
    return generate(Shape(models=10, years=shape.years, seed=shape.seed)).as_of


if __name__ == "__main__":
    main()
