"""A lone document of a multi-document source (a backfill or reparse of one file) holds only its share of the
source's facts: it is judged on its own scopes, and the other documents' facts stay as they were. A complete
collection lacking a whole table is still quarantined as a layout change."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from collectors.leaderboards import arena_catalog
from gapwatch.settings import Settings
from jobs.pipeline import make_pipeline
from tests.conftest import fixture_bytes
from warehouse.ingest import Document

SCORES_URL, PRICES_URL = arena_catalog.SOURCE.urls()
SCORES = fixture_bytes("arena_catalog", "leaderboard-text_2025-12-11.json")
PRICES = fixture_bytes("arena_catalog", "scatterplot-data_2025-12-17.json")


def doc(url: str, body: bytes) -> Document:
    return Document(url, body, hashlib.sha256(body).hexdigest())


def alive(pipe, table: str) -> int:
    return pipe.con.execute(f"SELECT count(*) FROM {table} WHERE source = 'arena_catalog' AND valid_to IS NULL"
                            ).fetchone()[0]


def test_a_lone_document_is_judged_on_its_own_share(tmp_path: Path) -> None:
    source = arena_catalog.SOURCE
    with make_pipeline(Settings(data_dir=tmp_path / "data"), publish_after_ingest=False) as pipe:
        both = pipe.ingest_documents(source, [doc(SCORES_URL, SCORES), doc(PRICES_URL, PRICES)], datetime(2025, 12, 17))
        assert both.status == "ok", both.summary()
        before = {t: alive(pipe, t) for t in ("leaderboard_score", "price", "source_model")}
        # Each file alone, re-serialised (a new document, the same facts), as a backfill of one file replays it.
        for day, (url, body) in enumerate([(SCORES_URL, SCORES), (PRICES_URL, PRICES)], start=18):
            lone = pipe.ingest_documents(source, [doc(url, body + b"\n")], datetime(2025, 12, day))
            assert lone.status == "ok", lone.summary()
            assert lone.diff.counts == (0, 0, 0), lone.summary()
        assert {t: alive(pipe, t) for t in before} == before


def test_a_complete_collection_without_a_whole_table_is_still_quarantined(tmp_path: Path) -> None:
    source = arena_catalog.SOURCE
    no_prices = b"[]"  # the prices file answering an empty list
    with make_pipeline(Settings(data_dir=tmp_path / "data"), publish_after_ingest=False) as pipe:
        assert pipe.ingest_documents(source, [doc(SCORES_URL, SCORES), doc(PRICES_URL, PRICES)],
                                     datetime(2025, 12, 17)).status == "ok"
        outcome = pipe.ingest_documents(source, [doc(SCORES_URL, SCORES), doc(PRICES_URL, no_prices)],
                                        datetime(2025, 12, 18))
    assert outcome.status == "rejected" and "no PriceRow rows at all" in (outcome.error or ""), outcome.summary()
