"""The labelled identity set against real data: alias precision/recall and openness accuracy, per source.

    .venv/bin/python bench/identity_labelled.py --facts            # rewrite tests/fixtures/identity/name_facts.jsonl
    .venv/bin/python bench/identity_labelled.py --warehouse DIR    # score a warehouse built by identity_realdata.py
    .venv/bin/python bench/identity_labelled.py [--hub] [--misses]   # score the recorded facts (+ Hub licences)

`--facts` runs each source's real parser over the realdata staging set and keeps the rows published under a
labelled name (first and last time seen), so tests/warehouse/identity/test_labelled_set.py can build the same
warehouse offline: every source of the realdata bench, LiveBench dated as its manifest says, and the makers' price
pages from the demo's recordings. Both labelled sets are covered; the 2026 set is scored per half (`dev`,
`held-out`: only the dev half's misses are printed unless `--misses`). Without an argument, the labelled names'
facts are loaded into a temporary warehouse and scored (with `--hub`, also the Hub licences of the labelled open
models' repos, `hub_facts.jsonl`). Exits 0 with a message when the realdata staging set is absent (for `--facts`).
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

from bench.identity_realdata import FILES, MAKER_PAGES, REALDATA, RECORDINGS, livebench_manifest  # noqa: E402
from collectors import registry  # noqa: E402
from gapwatch.rows import ModelRow, PriceRow, ScoreRow  # noqa: E402
from gapwatch.source import DocMeta  # noqa: E402
from jobs.backfill.dated_files import date_in_name  # noqa: E402
from tests.warehouse.identity import labelled_set  # noqa: E402
from warehouse import db  # noqa: E402
from warehouse.identity.names import normalise  # noqa: E402
from warehouse.identity.refresh import refresh_identity  # noqa: E402

KIND = {PriceRow: "price", ScoreRow: "score", ModelRow: "model"}


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _livebench_dates() -> dict[str, tuple[datetime, str]]:
    """LiveBench's files by name: (observed_at, url) as the realdata bench's manifest dates them."""
    with tempfile.TemporaryDirectory() as tmp:
        lines = livebench_manifest(Path(tmp) / "m.csv").read_text(encoding="utf-8").splitlines()[1:]
    return {name: (datetime.fromisoformat(at), url) for name, at, url in (line.split(",") for line in lines)}


def _documents(source_id: str) -> list[tuple[datetime, str, bytes]]:
    source = registry.get(source_id)
    if source_id in MAKER_PAGES:  # the demo's recordings: `<source>/<date>/<path>`
        return [(datetime.fromisoformat(f.relative_to(RECORDINGS / source_id).parts[0]),
                 source.base_url + "/" + "/".join(f.relative_to(RECORDINGS / source_id).parts[1:]), f.read_bytes())
                for f in sorted((RECORDINGS / source_id).rglob("*")) if f.is_file()]
    dated = _livebench_dates() if source_id == "livebench" else {}
    out = []
    for path in sorted(f for p in FILES.get(source_id, ()) for f in REALDATA.glob(p)):
        at, url = dated.get(path.name, (date_in_name(path.name), path.as_uri()))
        if at is None:
            continue
        body = (source.tree.to_document(source.tree.from_tarball(path)) if source.tree is not None
                and path.name.endswith(".tar.gz") else path.read_bytes())
        out.append((at, url, body))
    return out


def write_facts() -> int:
    if not REALDATA.is_dir():
        print(f"skipped: realdata not found under {REALDATA} (set GAPWATCH_REALDATA)")
        return 0
    wanted = ({name for file in (labelled_set.FIRST, labelled_set.NEW) for *_, name in labelled_set.clusters(file)}
              | set(labelled_set.openness_labels()) | set(labelled_set.openness_labels(labelled_set.LABELS_NEW)))
    seen: dict[tuple, list[tuple[datetime, dict]]] = {}

    # Openness evidence reaches a model from all its names: the catalogue rows of every name that normalises like
    # a name with an openness label are recorded too (their licences and open-weights flags).
    evidence_keys = {normalise(name).key for file in (labelled_set.LABELS_FIRST, labelled_set.LABELS_NEW)
                     for _, name in labelled_set.openness_labels(file)}

    def keep(source_id: str, at: datetime, row: object) -> None:
        if (source_id, row.model) not in wanted and not (
                isinstance(row, ModelRow) and normalise(row.model).key in evidence_keys):
            return
        board = getattr(row, "board", None) or getattr(row, "provider", None) or ""
        key = (source_id, row.model, KIND[type(row)], board)
        seen.setdefault(key, []).append((at, {f.name: _plain(getattr(row, f.name))
                                              for f in dataclasses.fields(row)}))

    for source_id in (*FILES, *MAKER_PAGES):
        if source_id == "spdx":
            continue
        source = registry.get(source_id)
        for at, url, body in _documents(source_id):
            result = source.parse(body, DocMeta(source_id, url, at))
            for row in result.rows:
                if type(row) in KIND:
                    keep(source_id, at, row)
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
    sets = [(labelled_set.FIRST, labelled_set.LABELS_FIRST, None)]
    sets += [(labelled_set.NEW, labelled_set.LABELS_NEW, part) for part in ("dev", "held-out")]
    for clusters, labels, part in sets:
        print(f"== {clusters}" + (f" ({part} half)" if part else ""))
        scores = labelled_set.alias_scores(con, clusters, part)
        print(f"{'source':<22} {'pairs':>6} {'precision':>9} {'recall':>7}")
        for source, s in sorted(scores.items()):
            print(f"{source:<22} {s.tp + s.fp + s.fn + s.tn:>6} {s.precision:>9.3f} {s.recall:>7.3f}")
        ok, total, misses = labelled_set.openness_scores(con, labels, part)
        sided, _ = labelled_set.open_closed_scores(con, labels, part)
        if total:
            print(f"openness: {ok} of {total} exact ({ok / total:.1%}), open vs closed {sided} of {total}")
        if part != "held-out" or "--misses" in sys.argv:  # the held-out half's misses are not for tuning
            for line in scores.get("*", labelled_set.Score()).misses + misses:
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
        if "--hub" in sys.argv:  # the Hub licences hf_hub fetches for the labelled open models' repos
            labelled_set.load_facts(con, labelled_set.FIXTURES / "hub_facts.jsonl")
        refresh_identity(con)
        report(con)
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
