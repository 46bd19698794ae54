"""Ingest one snapshot of a source: judge → validate → guards → apply history → record the run, as one call.

The same call serves live collection, backfill and reparse, so history written by a backfill is
indistinguishable from history collected live. `after` (the pipeline's hooks) runs once the run is recorded,
inside the ingest's transaction when facts were written, so what it derives commits with them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

import duckdb

from gapwatch.rows import Held, ParseResult
from gapwatch.source import HELD_EXAMPLES, Outcome, Source
from warehouse import drift, history, runs, validate
from warehouse.bad_rows import hold_bad_rows
from warehouse.facts import FACT_TABLES, table_for
from warehouse.rawstore import RawStore
from warehouse.run_book import RunBook
from warehouse.transforms import touched


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Document:
    url: str
    body: bytes
    sha256: str
    content_type: str | None = None


# Every row parsed from a snapshot's documents, and per row the sha256 of the document it came from.
Parsed = tuple[ParseResult, list[str]]


class Unparseable(Exception):
    """Raised by `ingest`'s `parse`: the documents cannot be parsed; the message says why (quarantine reason)."""


def run_record(outcome: Outcome, shas: list[str], started: datetime, trigger: str) -> runs.RunRecord:
    """`outcome` as the collection run that records it (finished now)."""
    added, changed, removed = outcome.diff.counts
    return runs.RunRecord(
        source=outcome.source, observed_at=outcome.observed_at, started_at=started, finished_at=utcnow(),
        status=outcome.status, documents=shas, rows_parsed=outcome.rows, rows_skipped=outcome.skipped,
        added=added, changed=changed, removed=removed, error=outcome.error, trigger=trigger,
        rows_held=len(outcome.held), held_back=outcome.held[:HELD_EXAMPLES * 4],
    )


def record(con: duckdb.DuckDBPyConnection, outcome: Outcome, shas: list[str], started: datetime,
           trigger: str, book: RunBook | None = None) -> None:
    """Record `outcome` as a collection run and set its run id; with `book`, booked there (the id comes with its
    `flush`)."""
    if book is not None:
        book.runs.append((outcome, run_record(outcome, shas, started, trigger)))
    else:
        outcome.run_id = runs.record_run(con, run_record(outcome, shas, started, trigger))


def ingest(
    con: duckdb.DuckDBPyConnection,
    raw: RawStore,
    source: Source,
    docs: Sequence[Document],
    observed_at: datetime,
    *,
    parse: Callable[[], Parsed],
    min_row_ratio: float,
    transaction: Callable[[], AbstractContextManager],
    after: Callable[[Outcome], None],
    trigger: str = "cli",
    started: datetime | None = None,
    force: bool = False,
    runs_at: runs.RunsAt | None = None,
    book: RunBook | None = None,
) -> Outcome:
    """Judge `docs` as the state of `source` at `observed_at` and write history in one `transaction()`.

    `parse` returns the parsed rows with their evidence, or raises `Unparseable`; `after` runs for every
    judged outcome but an unchanged one. `force` re-judges documents already ingested (reparse). `runs_at`: the
    source's runs at `observed_at` (`runs.runs_at`), when the caller read them with other sources' under the
    write lock it still holds (a whole collection). `book`: the documents, run and touches are booked there for
    the caller to write with other ingests' (`RunBook.flush`, in the same transaction), and the run id comes then.
    """
    started = started or utcnow()
    shas = [d.sha256 for d in docs]
    on_record = [(d.sha256, len(d.body), raw.put(d.body, d.sha256)[1], d.content_type, d.url) for d in docs]
    if book is not None:
        book.documents.append((started, on_record))
    else:
        runs.record_documents(con, on_record, started)
    known = (runs_at.judgement(shas) if runs_at is not None
             else runs.judgement(con, source.id, observed_at, shas))
    last, replayed = known.last, not force and known.replayed
    if not force and (
        replayed
        or (last is not None and sorted(last[1] or []) == sorted(shas) and last[0] != "rejected"
            and known.next_at is None)
    ):
        outcome = Outcome(source.id, "unchanged", observed_at, rows=(last[2] or 0) if last else 0)
        if not replayed:
            record(con, outcome, shas, started, trigger, book)
        return outcome
    # A source never judged before has no fact anywhere: nothing to read back (its first collection).
    fresh = known.last is None
    outcome, parsed, evidence, alive = judge(con, source, observed_at, parse, min_row_ratio,
                                              complete=len(docs) >= source.documents_per_collection,
                                              state={t: {} for t in FACT_TABLES} if fresh else None,
                                              previous={} if fresh else None,
                                              documents=lambda: [(d.sha256, d.body) for d in docs])
    # A rejected document writes only its run (no transaction of its own); accepted facts commit with theirs.
    with transaction() if outcome.status == "ok" else nullcontext():
        if outcome.status == "ok":
            by_type: dict[type, list] = {t: [] for t in source.row_types}
            for row, sha in zip(parsed.rows, evidence, strict=True):
                by_type.setdefault(type(row), []).append((row, sha))
            keep_held(by_type, parsed.held, alive, con, source.id, observed_at)
            for row_type, items in by_type.items():
                outcome.diff.extend(
                    history.apply_snapshot(con, table_for(row_type), source.id, items, observed_at,
                                           full_snapshot=source.full_snapshot, next_at=known.next_at,
                                           alive=alive.get(row_type))
                )
            if book is not None:  # what the derive stage must recompute
                book.touches.append((source.id, outcome))
            else:
                touched.record_touches(con, source.id, outcome)
        record(con, outcome, shas, started, trigger, book)
        after(outcome)
    return outcome


def keep_held(by_type: dict[type, list], held: Sequence[Held], alive: dict[type, dict],
               con: duckdb.DuckDBPyConnection, source: str, observed_at: datetime) -> None:
    """Add to `by_type`, as they are, the facts in force that held-back entries concern and the document lacks,
    so that an entry failing validation keeps its previous interval (as a price jump does) instead of closing it
    and raising a removal. An entry whose key is unknown (an empty id) concerns every fact of its type."""
    if not held:
        return
    for row_type, items in by_type.items():
        relevant = [h for h in held if h.row_type in (None, row_type)]
        if not relevant:
            continue
        spec = table_for(row_type)
        state = alive[row_type] if row_type in alive else history.alive_at(con, spec, source, observed_at)
        present = set(map(spec.key_of, (row for row, _ in items)))
        for key, interval in state.items():
            if key in present:
                continue
            fields = dict(zip(spec.key, key, strict=True))
            if any(all(f in fields and fields[f] == v for f, v in h.key.items()) for h in relevant):
                items.append((_Kept(**fields, **dict(zip(spec.values, interval.values, strict=True))),
                              interval.evidence))


class _Kept(SimpleNamespace):
    """A fact in force, carried over unchanged for a held-back entry (read by attribute like a row)."""


def judge(
    con: duckdb.DuckDBPyConnection, source: Source, observed_at: datetime, parse: Callable[[], Parsed],
    min_row_ratio: float, complete: bool = True, *,
    state: dict[type, dict] | None = None, previous: dict[tuple[str, tuple], int] | None = None,
    documents: Callable[[], Sequence[tuple[str, bytes]]] = list,
) -> tuple[Outcome, ParseResult, list[str], dict[type, dict]]:
    """Parse, hold bad rows, validate and guard: an `ok` outcome with what to write, or a `rejected` one
    (quarantined).

    `state` (the facts alive at `observed_at` per row type, every fact table) and `previous` (their counts per
    scope, `drift.previous_counts`) spare the warehouse reads, for a bulk writer that holds them in memory.
    `documents`: the snapshot's (sha256, body) pairs, which the bad-row rule reads when a fact would end.
    """
    try:
        parsed, evidence = parse()
    except Unparseable as exc:
        return (Outcome(source.id, "rejected", observed_at, error=f"{exc} — document quarantined, "
                        f"history unchanged; after a parser fix run `gapwatch reparse {source.id}`"),
                ParseResult(), [], {})
    # Read once: the bad-row rule, a table's guard and the history write compare the snapshot with the same state.
    alive = state if state is not None else {
        t: history.alive_at(con, table_for(t), source.id, observed_at)
        for t in dict.fromkeys([*source.row_types, *map(type, parsed.rows)])}
    hold_bad_rows(parsed, alive, source.row_types, full_snapshot=source.full_snapshot, documents=documents,
                  evidence=evidence)
    found = validate.problems(
        parsed,
        # Each document of a multi-document source yields some of its row types: only a snapshot of every
        # document (as a live collection fetches it) must yield them all.
        expected_types=source.row_types if complete else (),
        # A source's minimum counts a collection's rows; a lone document of several holds only its share.
        min_rows=source.min_rows if complete else 1,
    )
    # Row counts per board, never across boards; a per-target source covers a different subset each run, and a
    # partial snapshot (own evaluations: one file, one model) never ends a fact it omits, so their counts say nothing.
    if not source.paths_from and source.full_snapshot:
        found += drift.problems(drift.previous_counts(con, source.id, observed_at) if previous is None else previous,
                                drift.found_counts(parsed), min_row_ratio, complete=complete)
    found = found or _guard_problems(con, source.id, parsed, evidence, observed_at, alive)
    if found:
        return (Outcome(source.id, "rejected", observed_at, rows=len(parsed.rows), skipped=len(parsed.skipped),
                        error="; ".join(found) + " — document quarantined, history unchanged"),
                parsed, evidence, alive)
    return Outcome(source.id, "ok", observed_at, rows=len(parsed.rows), skipped=len(parsed.skipped),
                   held=[h.reason for h in parsed.held]), parsed, evidence, alive


def _guard_problems(con: duckdb.DuckDBPyConnection, source: str, parsed: ParseResult, evidence: list[str],
                    observed_at: datetime, alive: dict[type, dict]) -> list[str]:
    """Run the guard of every fact table the document has rows for; the first one's problems reject it."""
    present = {type(row) for row in parsed.rows}
    for spec in FACT_TABLES.values():
        if spec.guard is None or spec.row_type not in present:
            continue
        state = alive[spec.row_type] if spec.row_type in alive else history.alive_at(con, spec, source,
                                                                                      observed_at)
        found = spec.guard(con, spec, source, parsed, evidence, observed_at, state)
        if found:
            return found
    return []
