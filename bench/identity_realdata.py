"""Identity on real data: load the realdata staging set into a warehouse and print the unmatched share per source.

Each source's dated files are backfilled through the same path as `gapwatch backfill SOURCE --dir` (symlinks
in a temporary directory, one per file), then `v_unmatched_share` is printed. With `--keep DIR` the data
directory is kept (and reused when it already holds a warehouse: only the identity refresh runs again), so the
labelled-set test and `gapwatch models …` can be pointed at it. Exits 0 with a message when the realdata staging
set is absent.

    .venv/bin/python bench/identity_realdata.py [--keep /tmp/gapwatch-realdata]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from collectors import registry  # noqa: E402
from gapwatch.settings import Settings  # noqa: E402
from jobs.backfill.backfill import backfill, dir_versions, snapshots  # noqa: E402
from jobs.backfill.dated_files import dated_files  # noqa: E402
from jobs.pipeline import make_pipeline  # noqa: E402
from warehouse.identity.refresh import refresh_identity  # noqa: E402

REALDATA = Path(os.environ.get("GAPWATCH_REALDATA", Path(__file__).resolve().parents[2] / "shared" / "realdata"))

# source id → the realdata files it parses (glob patterns under REALDATA).
FILES: dict[str, tuple[str, ...]] = {
    "spdx": ("spdx/licenses_*.json",),
    "litellm": ("litellm/*.json", "litellm_mirror_rocry/*.json"),
    "models_dev": ("models.dev/tree_*.tar.gz",),
    "genai_prices": ("genai-prices/data_*.json",),
    "openrouter": ("openrouter/modelsdev_api-v1-models_*.json",),
    "lmarena": ("lmarena/lmsys_*.csv", "lmarena/lmarena_text_*.csv"),
    "aider": ("aider/*.yml",),
    "livebench": ("livebench/table_*.csv", "livebench/modelLinks.js"),
    "open_llm_leaderboard": ("hf_open_llm_leaderboard/*.csv",),
    "epoch_benchmarks": ("epoch_open_model_trends/benchmarks_*.csv",),
    "arena_catalog": ("arena_catalog/*.json",),
    "swebench": ("swebench/leaderboards_*.json",),
}
# The makers' own price pages are not in the staging set; the demo's recordings of them are (real pages, dated
# directories `<source>/<date>/<path>`).
RECORDINGS = Path(__file__).resolve().parents[1] / "demo" / "recordings"
MAKER_PAGES = ("anthropic_pricing", "openai_pricing", "google_pricing", "mistral_pricing", "deepseek_pricing")


LIVEBENCH = "https://raw.githubusercontent.com/LiveBench/livebench.github.io/main"


def livebench_manifest(out: Path) -> Path:
    """LiveBench names its tables by release: each release's table as of its release day, the table updated in
    place and the identity list (`modelLinks.js`) as of the snapshot's HEAD (2026-07-01, MANIFEST §15)."""
    lines = ["file,observed_at,url"]
    for path in sorted((REALDATA / "livebench").glob("table_*.csv")):
        if "_at_" in path.name:
            lines.append(f"{path.name},2026-01-08,{LIVEBENCH}/public/table_2026_01_08.csv")
            continue
        release = path.stem.removeprefix("table_")
        at = "2026-07-01" if release == "2026_01_08" else release.replace("_", "-")
        lines.append(f"{path.name},{at},{LIVEBENCH}/public/{path.name}")
    lines.append(f"modelLinks.js,2026-07-01,{LIVEBENCH}/src/Table/modelLinks.js")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def load(settings: Settings) -> None:
    pipe = make_pipeline(settings)
    for source_id, patterns in FILES.items():
        source = registry.get(source_id)
        files = sorted(f for p in patterns for f in REALDATA.glob(p))
        if not files:
            continue
        with tempfile.TemporaryDirectory(prefix=f"gapwatch-{source_id}-") as tmp:
            for f in files:  # a copy: backfill refuses links to files outside its directory
                shutil.copyfile(f, Path(tmp) / f.name)
            manifest = livebench_manifest(Path(f"{tmp}.csv")) if source_id == "livebench" else None
            found, _ = dated_files(Path(tmp), manifest)
            if manifest is not None:
                manifest.unlink()
            start = time.perf_counter()
            try:
                report = backfill(pipe, source, snapshots(source, dir_versions(found, source.tree)))
                print(f"{source_id}: {len(files)} files, {report}"[:200], f"{time.perf_counter() - start:.1f}s")
            except Exception as exc:  # a parser gap in one source must not hide the others' figures
                print(f"{source_id}: failed ({exc})"[:300])
    for source_id in MAKER_PAGES:
        with tempfile.TemporaryDirectory(prefix=f"gapwatch-{source_id}-") as tmp:
            for f in sorted(p for p in (RECORDINGS / source_id).rglob("*") if p.is_file()):
                day = f.relative_to(RECORDINGS / source_id).parts[0]
                shutil.copyfile(f, Path(tmp) / f"{day}_{f.name}.html")
            found, _ = dated_files(Path(tmp))
            source = registry.get(source_id)
            try:
                report = backfill(pipe, source, snapshots(source, dir_versions(found, source.tree)))
                print(f"{source_id}: {len(found)} pages, {report}"[:200])
            except Exception as exc:
                print(f"{source_id}: failed ({exc})"[:300])
    pipe.close()


def main() -> int:
    if not REALDATA.is_dir():
        print(f"skipped: realdata not found under {REALDATA} (set GAPWATCH_REALDATA)")
        return 0
    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    tmp = tempfile.TemporaryDirectory(prefix="gapwatch-identity-")
    data_dir = keep or Path(tmp.name)
    settings = Settings(data_dir=data_dir)
    if not settings.warehouse_file.exists():
        load(settings)
    con = duckdb.connect(str(settings.warehouse_file))
    start = time.perf_counter()
    refresh_identity(con)
    print(f"identity refresh: {time.perf_counter() - start:.2f}s")
    for row in con.execute("SELECT source, names, unmatched, unmatched_pct FROM v_unmatched_share "
                           "ORDER BY source").fetchall():
        print("{:<22} {:>6} names {:>5} unmatched {:>5.1f} %".format(*row))
    con.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
