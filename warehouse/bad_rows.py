"""The bad-row rule for every fact table, applied where a snapshot meets the facts in force, whatever its parser
did with a bad entry (held it, skipped it with a reason, or dropped it silently).

An entry that is still in the document but gives no valid fact is a bad row, not a change: its fact in force is
held (kept as it was, reported with the run) and never ended, so no removal, leader or gap event follows from it.
Per fact table (`FactTable.entry` names the key fields that identify an entry, `FactTable.derived` the values a
parser computes from the entry's place among its siblings):

- a value known before and missing now, in a row that is otherwise there, keeps its previous value;
- a fact in force that the snapshot omits, while its entry is still there — another fact of the same entry
  among the snapshot's rows (another tier, category or table), or, when no row names it at all, its name as a
  whole field in the documents or in the parser's skip reasons — and while other entries still state that kind
  of fact (the same tier, the same board's category), keeps its interval;
- every other fact of a held entry (above, or held by its parser) keeps its value in force: what the entry says
  beside a bad value (an average over its other cells, its best run once one run is unreadable) is in doubt;
- the derived values (ranks) of the entry's siblings stay as they were while a sibling is held, since they moved
  only because it went missing.

An entry whose name is gone from the documents is really gone, and one read under another key (a new provider,
another board, a respelt name) has changed: their facts end as before. Many held entries still quarantine the
document (`validate.problems` counts them).
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from operator import attrgetter
from typing import Any

from gapwatch.rows import Held, ParseResult
from warehouse.facts import FACT_TABLES, FactTable
from warehouse.history import Interval, Key

_SPACES = re.compile(r"\s+")
# How many facts of one group (a board's category, a provider's tier) a snapshot may omit while their entries are
# still there and still be bad rows: one, the single bad entry; more at once is a change of the upstream's own
# (Arena retires models from one language's list together; see _keep_listed_entries).
MAX_INFERRED_PER_GROUP = 1
# A name is mentioned as a whole field: the first character before it other than a space opens a field (a
# quote, a separator, `model: `), the first one after it closes one. `gpt-4` is not mentioned by `gpt-4-0314`,
# `openai/gpt-4`, `gpt_4` or `?model=gpt-4`, nor `Command R+` by `Command R+ (04-2024)`, nor `openai/gpt-5` by
# `aider --model openai/gpt-5`.
_BEFORE = frozenset("\"'`,;\t\n>|([{:")
_AFTER = frozenset("\"'`,;\t\n<|)]}")


def normalise(text: str) -> str:
    """Each run of white space as one space (a name wrapped across lines in markup reads alike; a line break stays
    one, since it ends a field). Case is kept: a source's name is its own spelling, and `Gemma-2-27B-it` becoming
    `Gemma-2-27b-it` is a new name (the old one ends), not the old one still listed."""
    return _SPACES.sub(lambda m: "\n" if "\n" in m.group() else " ", text)


def mentions(text: str, name: str) -> bool:
    """Whether normalised `text` names `name` as a whole name (not as part of a longer one)."""
    wanted = normalise(name).strip()
    if not wanted:
        return False
    start = text.find(wanted)
    while start >= 0:
        end = start + len(wanted)
        i, j = start - 1, end
        while i >= 0 and text[i] == " ":
            i -= 1
        while j < len(text) and text[j] == " ":
            j += 1
        if (i < 0 or text[i] in _BEFORE) and (j == len(text) or text[j] in _AFTER):
            return True
        start = text.find(wanted, start + 1)
    return False


def document_text(body: bytes) -> str:
    """The text a document's names can be read from: a zip's or gzip's members decompressed, a Parquet file's
    string columns; any other document as UTF-8."""
    if body[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                return "\n".join(document_text(z.read(i)) for i in z.infolist() if not i.is_dir())
        except zipfile.BadZipFile:
            pass
    if body[:2] == b"\x1f\x8b":
        try:
            return document_text(gzip.decompress(body))
        except (OSError, EOFError):
            pass
    if body[:4] == b"PAR1":
        import pyarrow.parquet as pq  # only the few Parquet documents need it

        try:
            table = pq.read_table(io.BytesIO(body))
        except Exception:  # noqa: BLE001 - a damaged file has no names to offer; its parser says what is wrong
            return ""
        return "\n".join(str(v) for col in table.columns if str(col.type) in ("string", "large_string")
                         for v in col.to_pylist() if v is not None)
    return body.decode("utf-8", errors="replace")


def hold_bad_rows(parsed: ParseResult, alive: dict[type, dict[Key, Interval]], row_types: Iterable[type], *,
                  full_snapshot: bool, documents: Callable[[], Sequence[tuple[str, bytes]]],
                  evidence: Sequence[str] = ()) -> None:
    """Apply the rule to `parsed` in place: rows get back the values they lack, `parsed.held` names the facts to
    keep (ingest's `keep_held` carries them over). `alive`: the source's facts in force per row type;
    `documents`: the snapshot's (sha256, body) pairs, read only when a fact would end; `evidence`: per row, the
    sha256 of the document it came from (an entry is looked for only in the documents that list its kind)."""
    held_groups: set[tuple[type, tuple]] = set()
    _keep_missing_values(parsed, alive, held_groups)
    if full_snapshot:
        _keep_listed_entries(parsed, alive, row_types, documents, held_groups, evidence)
    _keep_entries(parsed, alive, held_groups)
    if held_groups:
        _keep_derived(parsed, alive, held_groups)


def _group(spec: FactTable, key: Key) -> tuple:
    """The siblings an entry is ranked among: its key without its name (a board's category, a provider's tier)."""
    return tuple(v for f, v in zip(spec.key, key, strict=True) if f != spec.entry[-1])


def _entry(spec: FactTable, key: Key) -> dict[str, Any]:
    return {f: key[spec.key.index(f)] for f in spec.entry}


def _of_entry(row: Any, entry: dict[str, Any], name: str) -> bool:
    """Whether `row` states a fact of the entry (`name`: the entry's naming field, which the row must have; the
    entry's other fields where the row has them, e.g. a price's provider, a score's board)."""
    return hasattr(row, name) and all(getattr(row, f) == v for f, v in entry.items() if hasattr(row, f))


def _keep_entries(parsed: ParseResult, alive: dict[type, dict[Key, Interval]],
                  held_groups: set[tuple[type, tuple]]) -> None:
    """Every row of a held entry keeps its fact in force: what the entry says beside a bad value (an average
    over its other cells, its best run once one run is unreadable) is in doubt with it."""
    # Across the table's scopes: a model's averages on one board are computed from its cells on another.
    entries = []
    for held in parsed.held:
        spec = FACT_TABLES.get(held.row_type) if held.row_type else None
        if spec is not None and spec.entry[-1] in held.key:
            entries.append(({f: held.key[f] for f in spec.entry if f in held.key and f not in spec.scope},
                            spec.entry[-1]))
    if not entries:
        return
    for i, row in enumerate(parsed.rows):
        if not any(_of_entry(row, entry, name) for entry, name in entries):
            continue
        spec = FACT_TABLES[type(row)]
        old = alive.get(type(row), {}).get(key := spec.key_of(row))
        if old is not None:
            parsed.rows[i] = replace(row, **dict(zip(spec.values, old.values, strict=True)))
            held_groups.add((type(row), _group(spec, key)))


def _keep_missing_values(parsed: ParseResult, alive: dict[type, dict[Key, Interval]],
                         held_groups: set[tuple[type, tuple]]) -> None:
    for i, row in enumerate(parsed.rows):
        spec = FACT_TABLES[type(row)]
        old = alive.get(type(row), {}).get(key := spec.key_of(row))
        if old is None:
            continue
        lost = {f: v for f, v in zip(spec.values, old.values, strict=True)
                if v is not None and f not in spec.derived and getattr(row, f) is None}
        if not lost:
            continue
        parsed.rows[i] = replace(row, **lost)
        parsed.held.append(Held(type(row), dict(zip(spec.key, key, strict=True)),
                                f"{_describe(spec, key)}: {', '.join(lost)} missing; kept the value in force "
                                f"since {_day(old.valid_from)}"))
        held_groups.add((type(row), _group(spec, key)))


def _keep_listed_entries(parsed: ParseResult, alive: dict[type, dict[Key, Interval]], row_types: Iterable[type],
                         documents: Callable[[], Sequence[tuple[str, bytes]]], held_groups: set[tuple[type, tuple]],
                         evidence: Sequence[str] = ()) -> None:
    present: dict[type, set[Key]] = {}
    # Which documents list each kind of fact: an entry is still listed only where its kind is (LiveBench's
    # modelLinks.js names models its table dropped; the table is where a score is listed).
    listing: dict[type, set[str]] = {}
    for row, sha in zip(parsed.rows, evidence or [None] * len(parsed.rows), strict=True):
        present.setdefault(type(row), set()).add(FACT_TABLES[type(row)].key_of(row))
        if sha is not None:
            listing.setdefault(type(row), set()).add(sha)
    absent: list[tuple[FactTable, Key, Interval]] = []
    for row_type in dict.fromkeys([*row_types, *present]):
        spec, keys = FACT_TABLES[row_type], present.get(row_type)
        if not keys:
            continue  # no row of the table at all: the snapshot ends none of its facts (history.plan_snapshot)
        # Only where other entries still state the same kind of fact (a board's category, a provider's tier): a
        # tier or category gone for every entry has ended (DeepSeek's off-peak prices), it is not a bad value.
        groups = {_group(spec, k) for k in keys}
        absent += [(spec, k, interval) for k, interval in alive.get(row_type, {}).items()
                   if k not in keys and _group(spec, k) in groups]
    # Facts the parser already held (its held entry names them, or names no key: any fact of its type).
    absent = [(spec, k, i) for spec, k, i in absent if not any(
        h.row_type in (None, spec.row_type) and all(dict(zip(spec.key, k, strict=True)).get(f, v) == v
                                                    and f in spec.key for f, v in h.key.items())
        for h in parsed.held)]
    if not absent:
        return
    siblings = _Siblings(parsed.rows)
    texts: dict[type, str] = {}
    bodies: list[tuple[str, bytes]] | None = None
    inferred: dict[tuple[type, tuple], list[tuple[FactTable, Key, Interval]]] = {}
    for spec, key, interval in absent:
        entry, name = _entry(spec, key), spec.entry[-1]
        if not siblings.of(entry, name):
            if siblings.named(spec.row_type, name, entry[name]):
                continue  # the entry is read, under another key (a new provider, another board): a real change
            if spec.row_type not in texts:  # read only now: most snapshots end no fact
                bodies = list(documents()) if bodies is None else bodies
                shas = listing.get(spec.row_type)
                texts[spec.row_type] = normalise("\n".join(
                    [*(document_text(body) for sha, body in bodies if shas is None or sha in shas), *parsed.skipped]))
            if not mentions(texts[spec.row_type], str(entry[name])):
                continue  # the entry is gone from the documents: a real removal
        inferred.setdefault((spec.row_type, _group(spec, key)), []).append((spec, key, interval))
    for group, facts in inferred.items():
        # A bad row is one entry, or a few: many facts of one group (a board's category, a provider's tier) gone at
        # once while their entries live on elsewhere is the upstream's change (Arena drops retired models from its
        # main category but keeps them in others), and ends them; a collapse is the drift guard's to judge.
        if len(facts) > MAX_INFERRED_PER_GROUP:
            continue
        for spec, key, interval in facts:
            parsed.held.append(Held(spec.row_type, dict(zip(spec.key, key, strict=True)),
                                    f"{_describe(spec, key)}: still listed but without a valid value; kept the fact "
                                    f"in force since {_day(interval.valid_from)}"))
            held_groups.add(group)


class _Siblings:
    """The snapshot's rows indexed by what entries they state facts of, built per question asked."""

    def __init__(self, rows: list[Any]) -> None:
        self._by_type: dict[type, list[Any]] = {}
        for row in rows:
            self._by_type.setdefault(type(row), []).append(row)
        self._index: dict[tuple[type, tuple[str, ...]], set[tuple]] = {}

    def of(self, entry: dict[str, Any], name: str) -> bool:
        """Whether a row of any table that names whole entries (`name` and the entry's other fields) states another
        fact of the entry."""
        for row_type, rows in self._by_type.items():
            fields = tuple(f for f in entry if f in FACT_TABLES[row_type].columns)
            if fields != tuple(entry):
                # A table that cannot name the whole entry (a catalogue row has no board, no provider) does not
                # say the entry is still listed: LiveBench's model list keeps names its table dropped.
                continue
            if (row_type, fields) not in self._index:
                get = attrgetter(*fields)
                self._index[(row_type, fields)] = {(get(r),) if len(fields) == 1 else get(r) for r in rows}
            if tuple(entry[f] for f in fields) in self._index[(row_type, fields)]:
                return True
        return False

    def named(self, row_type: type, name: str, value: Any) -> bool:
        """Whether a row of `row_type` has `value` as its `name` field, whatever its other key fields."""
        return any(getattr(r, name) == value for r in self._by_type.get(row_type, ()))


def _keep_derived(parsed: ParseResult, alive: dict[type, dict[Key, Interval]],
                  held_groups: set[tuple[type, tuple]]) -> None:
    for i, row in enumerate(parsed.rows):
        spec = FACT_TABLES[type(row)]
        if not spec.derived or (type(row), _group(spec, key := spec.key_of(row))) not in held_groups:
            continue
        old = alive.get(type(row), {}).get(key)
        if old is None:
            continue
        before = dict(zip(spec.values, old.values, strict=True))
        if all(getattr(row, f) == v for f, v in before.items() if f not in spec.derived):
            parsed.rows[i] = replace(row, **{f: before[f] for f in spec.derived})


def _describe(spec: FactTable, key: Key) -> str:
    return f"{spec.name} {'/'.join(map(str, key))}"


def _day(at: datetime | Any) -> str:
    return at.strftime("%Y-%m-%d") if isinstance(at, datetime) else str(at)
