"""The labelled identity set: real names from real sources, grouped by the real model each one is, and the
openness class of real models; precision, recall and accuracy of a warehouse's identity against them.

Files (tests/fixtures/identity/, see README.md there):
- `identity_clusters.tsv`: group, model, source, name. Names in one model are the same checkpoint (a serving or
  reasoning variant included); models in one group are hard negatives of each other (base vs instruct, sizes,
  snapshots, tiers, derivatives).
- `openness_labels.tsv`: source, name, class, why.
- `identity_clusters_2026.tsv`, `openness_labels_2026.tsv`: the same for 2025/2026 names from files the first
  set did not label. Their groups are split in two halves by a hash of the group name (`half`): rules are
  developed on `dev` and measured on `held-out`.
- `name_facts.jsonl`: the real rows the sources publish under those names (written by
  `bench/identity_labelled.py --facts` from the realdata staging set), so a warehouse can be built offline.
"""

from __future__ import annotations

import itertools
import json
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from collectors import registry
from gapwatch.rows import ModelRow, PriceRow, ScoreRow
from warehouse import history, source_info
from warehouse.facts import table_for

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "identity"
ROW_TYPES = {"price": PriceRow, "score": ScoreRow, "model": ModelRow}

Name = tuple[str, str]  # (source, name)
FIRST, NEW = "identity_clusters.tsv", "identity_clusters_2026.tsv"
LABELS_FIRST, LABELS_NEW = "openness_labels.tsv", "openness_labels_2026.tsv"


def half(key: str) -> str:
    """`dev` or `held-out`: a fixed split by hash, so nobody chooses which groups a rule is measured on."""
    return "held-out" if zlib.crc32(key.encode()) % 2 else "dev"


def clusters(file: str = FIRST, part: str | None = None) -> list[tuple[str, str, Name]]:
    out = []
    for line in (FIXTURES / file).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            group, model, source, name = line.split("\t")
            if part is None or half(group) == part:
                out.append((group, model, (source, name)))
    return out


def openness_labels(file: str = LABELS_FIRST, part: str | None = None) -> dict[Name, str]:
    out = {}
    for line in (FIXTURES / file).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            source, name, cls, _why = line.split("\t")
            if part is None or half(f"{source}/{name}") == part:
                out[(source, name)] = cls
    return out


def pairs(file: str = FIRST, part: str | None = None) -> list[tuple[Name, Name, bool]]:
    """Every pair of names in one model (same), and every pair across models of one group (different)."""
    by_group: dict[str, dict[str, list[Name]]] = defaultdict(lambda: defaultdict(list))
    for group, model, name in clusters(file, part):
        by_group[group][model].append(name)
    out = []
    for models in by_group.values():
        for names in models.values():
            out += [(a, b, True) for a, b in itertools.combinations(names, 2)]
        for x, y in itertools.combinations(models.values(), 2):
            out += [(a, b, False) for a in x for b in y]
    return out


def load_facts(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> None:
    """Write the recorded rows into a warehouse, one snapshot per (source, time, table) as Pipeline does, with the
    registry's declarations in `source_info` as the Pipeline syncs them (identity reads a source's roles there)."""
    source_info.sync(con, registry.SOURCES)
    batches: dict[tuple[str, str, str], list] = defaultdict(list)
    for line in (path or FIXTURES / "name_facts.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        row_type = ROW_TYPES[rec["type"]]
        batches[(rec["at"], rec["source"], rec["type"])].append(row_type(**rec["row"]))
    for (at, source, kind), rows in sorted(batches.items()):
        history.apply_snapshot(con, table_for(ROW_TYPES[kind]), source, [(r, f"sha-{source}-{at}") for r in rows],
                               datetime.fromisoformat(at))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def alias_scores(con: duckdb.DuckDBPyConnection, file: str = FIRST, part: str | None = None) -> dict[str, Score]:
    """Precision and recall of `model_alias` over the labelled pairs: overall (`*`) and per source of a pair.

    Pairs with a name the warehouse has never seen (a source not loaded) are left out."""
    model = {(s, n): m for s, n, m in con.execute("SELECT source, source_model, model_id FROM model_alias").fetchall()}
    seen = set(con.execute("SELECT source, source_model FROM v_model_names").fetchall())
    out: dict[str, Score] = defaultdict(Score)
    for a, b, same in pairs(file, part):
        if a not in seen or b not in seen:
            continue
        ma, mb = model.get(a), model.get(b)
        said = ma is not None and ma == mb
        kind = ("tp" if said else "fn") if same else ("fp" if said else "tn")
        for key in {"*", a[0], b[0]}:
            score = out[key]
            setattr(score, kind, getattr(score, kind) + 1)
            if kind in ("fp", "fn") and key == "*":
                score.misses.append(f"{kind}: {a} → {ma}  vs  {b} → {mb}")
    return dict(out)


def openness_scores(con: duckdb.DuckDBPyConnection, file: str = LABELS_FIRST,
                    part: str | None = None) -> tuple[int, int, list[str]]:
    """How many labelled names have exactly their class in `v_model_names`; the misses."""
    got = {(s, n): o for s, n, o in con.execute("SELECT source, source_model, openness FROM v_model_names").fetchall()}
    labels = {n: c for n, c in openness_labels(file, part).items() if n in got}
    misses = [f"{name}: {got.get(name)} (labelled {cls})" for name, cls in labels.items() if got.get(name) != cls]
    return len(labels) - len(misses), len(labels), misses


def side(cls: str | None) -> str:
    """Open vs closed: every open-weights class is one side; `unknown` (or no name) is neither."""
    return "open" if cls and cls.startswith("open-") else cls or "unknown"


def open_closed_scores(con: duckdb.DuckDBPyConnection, file: str = LABELS_FIRST,
                       part: str | None = None) -> tuple[int, int]:
    """How many labelled names are on the right side of open vs closed, of how many seen."""
    got = {(s, n): o for s, n, o in con.execute("SELECT source, source_model, openness FROM v_model_names").fetchall()}
    labels = {n: c for n, c in openness_labels(file, part).items() if n in got}
    return sum(side(got[n]) == side(c) for n, c in labels.items()), len(labels)
