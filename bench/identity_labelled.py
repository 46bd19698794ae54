"""The labelled identity set against real data: alias precision/recall and openness accuracy, per source.

    .venv/bin/python bench/identity_labelled.py --facts            # rewrite tests/fixtures/identity/name_facts.jsonl
    .venv/bin/python bench/identity_labelled.py --warehouse DIR    # score a warehouse built by identity_realdata.py

`--facts` runs each source's real parser over the realdata staging set and keeps the rows published under a
labelled name (first and last time seen), so tests/warehouse/identity/test_labelled_set.py can build the same
warehouse offline. The Arena catalogue (`arena_catalog`, leaderboard JSON + scatterplot licences) has no parser
here yet; its rows are read as the leaderboard licence evidence they are (board, name, rating, licence).
Without an argument, the labelled names' facts are loaded into a temporary warehouse and scored. Exits 0 with a
message when the realdata staging set is absent (for `--facts`).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from bench.identity_realdata import FILES, REALDATA  # noqa: E402
from collectors import registry  # noqa: E402
from gapwatch.rows import ModelRow, PriceRow, ScoreRow  # noqa: E402
from gapwatch.source import DocMeta  # noqa: E402
from jobs.backfill.dated_files import date_in_name  # noqa: E402
from tests.warehouse.identity import labelled_set  # noqa: E402
from warehouse import db  # noqa: E402
from warehouse.identity.refresh import refresh_identity  # noqa: E402

KIND = {PriceRow: "price", ScoreRow: "score", ModelRow: "model"}
LIVEBENCH_URL = "https://raw.githubusercontent.com/LiveBench/livebench.github.io/main/public/{}"


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _documents(source_id: str) -> list[tuple[datetime, str, bytes]]:
    source = registry.get(source_id)
    patterns = FILES.get(source_id, ())
    out = []
    for path in sorted(f for p in patterns for f in REALDATA.glob(p)):
        at = date_in_name(path.name.replace("_", "-")) if source_id == "livebench" else date_in_name(path.name)
        if at is None:
            continue
        body = (source.tree.to_document(source.tree.from_tarball(path)) if source.tree is not None
                and path.name.endswith(".tar.gz") else path.read_bytes())
        url = LIVEBENCH_URL.format(path.name) if source_id == "livebench" else path.as_uri()
        out.append((at, url, body))
    return out


def _arena_catalog_rows() -> list[tuple[datetime, ScoreRow]]:
    licences: dict[str, tuple[str | None, str | None]] = {}
    for path in sorted(REALDATA.glob("arena_catalog/scatterplot-data_*.json")):
        for entry in json.loads(path.read_text()):
            licences[entry["model_api_name"]] = (entry.get("license"), entry.get("organization"))
    out = []
    for path in sorted(REALDATA.glob("arena_catalog/leaderboard-text_*.json")):
        at = date_in_name(path.name)
        board = json.loads(path.read_text())
        for model, stats in (board.get("full") or next(iter(board.values()))).items():
            licence, org = licences.get(model, (None, None))
            out.append((at, ScoreRow(board="arena-catalog-text", category="overall", model=model,
                                     score=float(stats["rating"]), license=licence, organization=org)))
    for model, (licence, org) in licences.items():  # scatterplot-only names still carry their licence
        out.append((datetime(2025, 12, 17), ScoreRow(board="arena-catalog-text", category="overall", model=model,
                                                     score=0.0, license=licence, organization=org)))
    return out


def write_facts() -> int:
    if not REALDATA.is_dir():
        print(f"skipped: realdata not found under {REALDATA} (set GAPWATCH_REALDATA)")
        return 0
    wanted = {name for *_, name in labelled_set.clusters()} | set(labelled_set.openness_labels())
    seen: dict[tuple, list[tuple[datetime, dict]]] = {}

    def keep(source_id: str, at: datetime, row: object) -> None:
        if (source_id, row.model) not in wanted:
            return
        board = getattr(row, "board", None) or getattr(row, "provider", None) or ""
        key = (source_id, row.model, KIND[type(row)], board)
        seen.setdefault(key, []).append((at, {f.name: _plain(getattr(row, f.name))
                                              for f in dataclasses.fields(row)}))

    for source_id in FILES:
        if source_id == "spdx":
            continue
        source = registry.get(source_id)
        for at, url, body in _documents(source_id):
            result = source.parse(body, DocMeta(source_id, url, at))
            for row in result.rows:
                if type(row) in KIND:
                    keep(source_id, at, row)
    for at, row in _arena_catalog_rows():
        keep("arena_catalog", at, row)
    lines = []
    for (source_id, _model, kind, _board), found in sorted(seen.items()):
        found.sort(key=lambda f: f[0])
        # one category per board is enough for identity: the first row of the first and of the last time
        for at, row in {found[0][0]: found[0][1], found[-1][0]: found[-1][1]}.items():
            lines.append(json.dumps({"source": source_id, "at": at.isoformat(), "type": kind, "row": row},
                                    sort_keys=True))
    out = labelled_set.FIXTURES / "name_facts.jsonl"
    out.write_text("\n".join(sorted(set(lines))) + "\n", encoding="utf-8")
    missing = sorted(n for n in wanted if not any(k[:2] == n for k in seen))
    print(f"{len(lines)} facts for {len(wanted) - len(missing)} of {len(wanted)} labelled names → {out}")
    for name in missing:
        print("  not found in realdata:", name)
    return 0


def report(con: duckdb.DuckDBPyConnection) -> None:
    scores = labelled_set.alias_scores(con)
    print(f"{'source':<22} {'pairs':>6} {'precision':>9} {'recall':>7}")
    for source, s in sorted(scores.items()):
        print(f"{source:<22} {s.tp + s.fp + s.fn + s.tn:>6} {s.precision:>9.3f} {s.recall:>7.3f}")
    ok, total, misses = labelled_set.openness_scores(con)
    print(f"openness: {ok} of {total} exact ({ok / total:.1%})")
    for line in scores["*"].misses + misses:
        print("  ", line)


def main() -> int:
    if "--facts" in sys.argv:
        return write_facts()
    if "--warehouse" in sys.argv:
        path = Path(sys.argv[sys.argv.index("--warehouse") + 1]) / "gapwatch.duckdb"
        con = duckdb.connect(str(path))
        refresh_identity(con)
        report(con)
        return 0
    with tempfile.TemporaryDirectory(prefix="gapwatch-labelled-") as tmp:
        con = db.connect(Path(tmp) / "w.duckdb")
        labelled_set.load_facts(con)
        refresh_identity(con)
        report(con)
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
