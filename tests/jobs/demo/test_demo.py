"""The demo's parts without the browser: the replay server, and history built from demo/recordings over HTTP."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import httpx
import pytest

from jobs.demo.demo import MARKER, RECORDINGS, build_history, demo_settings, demo_sources, prepare_data_dir
from jobs.demo.replay import ReplayServer
from jobs.service import Service
from tests.jobs.test_service import wait_until
from warehouse.progress import read_progress
from warehouse.publish import open_snapshot

KEPT_SHORT = ("openrouter", "lmarena")


@pytest.fixture
def recordings(tmp_path: Path) -> Path:
    root = tmp_path / "recordings"
    for date, path, body in [
        ("2026-01-01", "api/models", b'{"v": 1}'),
        ("2026-01-01", "files/board.csv", b"model,score\na,1\n"),
        ("2026-02-01", "api/models", b'{"v": 2}'),
    ]:
        target = root / "src" / date / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    (tmp_path / "secret.txt").write_text("outside the recordings")
    return root


def test_replay_server_serves_each_source_as_of_its_current_date(recordings: Path) -> None:
    with ReplayServer(recordings) as server, httpx.Client(base_url=server.url) as http:
        assert server.recordings.dates("src") == ["2026-01-01", "2026-02-01"]
        assert server.date("src") == "2026-02-01"  # the newest recording unless told otherwise
        latest = http.get("/src/api/models")
        assert (latest.status_code, latest.content) == (200, b'{"v": 2}')
        assert latest.headers["content-type"] == "application/json"
        # A document not re-recorded on a later date is served from the newest earlier one.
        assert http.get("/src/files/board.csv").content == b"model,score\na,1\n"
        server.set_date("src", "2026-01-01")
        older = http.get("/src/api/models")
        assert older.content == b'{"v": 1}' and older.headers["etag"] != latest.headers["etag"]
        assert http.get("/src/api/models", headers={"If-None-Match": older.headers["etag"]}).status_code == 304
        assert http.get("/robots.txt").status_code == 200
        assert http.get("/src/api/nothing").status_code == 404
        assert http.get("/other/api/models").status_code == 404
        assert http.get("/src/..%2F..%2Fsecret.txt").status_code == 404
        with pytest.raises(ValueError, match="no recording"):
            server.set_date("src", "2025-12-31")


def test_demo_refuses_to_delete_a_directory_it_did_not_create(tmp_path: Path) -> None:
    live = tmp_path / "live"
    live.mkdir()
    (live / "gapwatch.duckdb").write_bytes(b"precious")
    with pytest.raises(RuntimeError, match="refusing"):
        prepare_data_dir(live, fresh=True)
    assert (live / "gapwatch.duckdb").read_bytes() == b"precious"
    demo = tmp_path / "demo"
    prepare_data_dir(demo, fresh=True)
    (demo / "old.duckdb").write_bytes(b"last run")
    prepare_data_dir(demo, fresh=True)
    assert sorted(p.name for p in demo.iterdir()) == [MARKER]


def test_demo_history_from_the_recordings_then_the_service_keeps_collecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "environ", dict(os.environ))  # demo_settings exports its settings for the app
    data = tmp_path / "demo"
    prepare_data_dir(data, fresh=True)
    with ReplayServer(RECORDINGS) as server:
        recorded = demo_sources(server.recordings)
        assert "openrouter" in [s.id for s in recorded]
        # Two sources keep this test short; `make demo` replays every recording (~1 s per collection).
        sources = [s for s in recorded if s.id in KEPT_SHORT]
        settings = demo_settings(data, server, sources)
        assert settings.data_dir == data.resolve() and settings.host_min_interval_s == 0
        assert settings.base_urls["openrouter"] == f"{server.url}/openrouter"

        outcomes = build_history(settings, server, sources)
        per_source = Counter(o.source for o in outcomes)
        assert per_source == {s.id: len(server.recordings.dates(s.id)) for s in sources}
        broken = [o.summary() for o in outcomes if o.status not in ("ok", "unchanged")]
        assert broken == [], broken

        with open_snapshot(settings.published_file) as snap:
            history = snap.execute(
                "SELECT input_per_mtok, valid_from::DATE::VARCHAR, valid_to::DATE::VARCHAR FROM v_price_history "
                "WHERE source = 'openrouter' AND model = 'deepseek/deepseek-chat-v3-0324' ORDER BY valid_from"
            ).fetchall()
            assert history == [(0.2, "2026-05-15", "2026-07-17"), (0.18, "2026-07-17", None)]
            assert snap.execute("SELECT count(*) FROM change_event").fetchone()[0] > 0
            # The arena's older CSV exports and its parquet dataset: more than a year of gap history.
            first, last = snap.execute("SELECT min(date), max(date) FROM v_gap_over_time "
                                       "WHERE board = 'lmarena-text' AND definition = 'open-weights'").fetchone()
            assert (last - first).days > 365, (first, last)
        assert not read_progress(settings.published_file), "the loading notice ends with the history build"

        service = Service(settings)  # the demo's live phase: recorded data is old, so every source runs now
        service.start()
        wait_until(lambda: all(sum(n for (s, _), n in service.outcomes.items() if s == src.id) >= 1
                               for src in sources), timeout_s=60)
        service.stop()
    # answered 304 by the replay server; the demo's own evaluations (demo/evals) imported from the watched folder
    assert {status for (src, status) in service.outcomes if src != "own_evals"} == {"unchanged"}
    assert {status for (src, status) in service.outcomes if src == "own_evals"} <= {"ok"}
