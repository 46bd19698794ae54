"""Every registered source × {one bad value, one missing value} in one entry of its recorded document: the
entry's facts keep their intervals, the run says it held them, and no removal, leader or gap event follows.

The list of sources is the registry's, so a new source is covered by adding it (its fixture must be spoilable
by tests/jobs/bad_rows.py). The documents are ingested through the pipeline's one ingest path."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from collectors.registry import SOURCES
from gapwatch.settings import Settings
from gapwatch.source import Source
from jobs.pipeline import make_pipeline
from tests.conftest import FIXTURES
from tests.jobs.bad_rows import BAD, MISSING, case_for, documents
from warehouse.facts import FACT_TABLES
from warehouse.ingest import Document

T1, T2 = datetime(2025, 6, 1, 12), datetime(2025, 6, 8, 12)


def _doc(url: str, body: bytes) -> Document:
    return Document(url, body, hashlib.sha256(body).hexdigest())


def closed_at(con, source: str, at: datetime) -> list[tuple]:
    return [(spec.name, *row) for spec in FACT_TABLES.values()
            for row in con.execute(f"SELECT {', '.join(spec.key)} FROM {spec.name} WHERE source = ? AND valid_to = ?",
                                   [source, at]).fetchall()]


@pytest.mark.parametrize("how", [BAD, MISSING])
@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.id)
def test_one_spoilt_entry_never_ends_history(source: Source, how: str, settings: Settings) -> None:
    case = case_for(source, FIXTURES / source.id)
    plain, spoilt = documents(case, how)
    others = [_doc(url, path.read_bytes()) for url, path in case.snapshot.items() if url != case.url]
    with make_pipeline(settings) as pipe:
        first = pipe.ingest_documents(source, [*others, _doc(case.url, plain)], T1)
        assert first.status == "ok", first.summary()
        events_before = pipe.con.execute("SELECT count(*) FROM change_event").fetchone()[0]
        outcome = pipe.ingest_documents(source, [*others, _doc(case.url, spoilt)], T2)
        closed = closed_at(pipe.con, source.id, T2)
        events = pipe.con.execute("SELECT kind, entity FROM change_event WHERE observed_at = ? AND kind NOT IN "
                                  "('source_quarantined', 'source_failing') ORDER BY ALL", [T2]).fetchall()
    where = f"{source.id} ({case.path.name}, {case.name()}): {outcome.summary()}"
    assert closed == [], f"{where}: history ended for {closed}"
    assert outcome.status in ("ok", "rejected"), where
    # A document of one entry (one licence text) that is unreadable as a whole is quarantined: history unchanged.
    if case.entries() > 1:  # the entry's siblings are there: the document is taken, the entry held and said
        assert outcome.status == "ok", where
        assert outcome.held, f"{where}: nothing reported held"
        assert outcome.diff.counts == (0, 0, 0), f"{where}: {outcome.diff.counts}"
    assert events == [], f"{where}: events {events} (before: {events_before})"
