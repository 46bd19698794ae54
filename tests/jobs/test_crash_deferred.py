"""kill -9 inside a deferred backfill: the next command's `settle()` detects the events it owed, as if never killed.

A backfill that appends is written in bulk and defers identity and change detection to the batch's end
(`Pipeline.batch(defer_events=True)`); each flush commits its snapshots' facts, runs and debt (`hooks_owed`)
together. Here every snapshot is its own flush (`BULK_FLUSH_ROWS = 1`), so a kill after some snapshots leaves
them committed with their events owed: `make_pipeline` (every command opens one) runs `settle()`, which
rebuilds each owed run's diff from interval bounds (`history.diff_at`) and runs the hooks. The result must be
what an uninterrupted deferred backfill of the committed snapshots leaves: the same events, event by event, and
the same identity, with nothing owed afterwards. As in test_crash.py, the process is a real subprocess stopped at
a marked moment and killed with SIGKILL; the moment is marked from outside production code (a backfill
callback, a Pipeline subclass).
"""

from __future__ import annotations

import hashlib
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from collectors import registry
from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.backfill.backfill import Snapshot, Version, backfill
from jobs.hooks import default_hooks
from jobs.pipeline import Document, Pipeline, make_pipeline
from tests.conftest import fixture_bytes
from tests.jobs.backfill.test_backfill import DEEPSEEK, repriced
from tests.jobs.test_crash import gapwatch_env, kill_9_at_marker
from tests.jobs.test_deferred_equality import FIXTURE_HISTORIES, assert_same_warehouse, compare_events, fixture_history
from warehouse import db

SOURCE = "litellm"  # three snapshots: a price list, its successor, then the first list again
SNAPS = fixture_history(SOURCE, FIXTURE_HISTORIES[SOURCE])

# Killed after `sys.argv[2]` snapshots committed (the next not written), or, with "end", once every snapshot is
# committed and the batch's end (identity, events, derive stage) not begun.
BACKFILL_KILLED = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from collectors import registry
    from gapwatch.settings import Settings
    from jobs.backfill import backfill as module
    from jobs.backfill.backfill import backfill
    from jobs.hooks import default_hooks
    from jobs.pipeline import Pipeline
    from tests.jobs.test_crash_deferred import SNAPS, SOURCE

    marker, after = Path(sys.argv[1]), sys.argv[2]
    module.BULK_FLUSH_ROWS = 1  # every snapshot flushed (committed) as soon as it is judged

    def stop():
        marker.write_text("stopped")
        time.sleep(120)

    class KilledAtTheBatchsEnd(Pipeline):
        def _finish(self, batch):
            if after == "end":
                stop()
            super()._finish(batch)

    def on_snapshot(snap, outcome):
        if after != "end" and outcome is not None and snap.observed_at == SNAPS[int(after) - 1].observed_at:
            stop()  # this snapshot committed; the next one not started

    settings = Settings()
    backfill(KilledAtTheBatchsEnd(settings, hooks=default_hooks(settings)), registry.get(SOURCE), SNAPS,
             on_snapshot=on_snapshot)
""")

IDENTITY = ("model", "model_alias", "model_alias_interval", "model_name_key", "openness_evidence", "license_term",
            "identity_state")


def killed_script(after: str) -> str:
    # kill_9_at_marker passes the marker path as the one argument: the moment is baked into the script.
    return BACKFILL_KILLED.replace("sys.argv[2]", repr(after))


@pytest.mark.process  # kills a gapwatch process with SIGKILL
@pytest.mark.parametrize("after", ["1", "2", "end"], ids=lambda a: f"after-{a}")
def test_kill_9_in_a_deferred_backfill_then_settle_leaves_what_an_uninterrupted_one_does(
    tmp_path: Path, after: str,
) -> None:
    committed = len(SNAPS) if after == "end" else int(after)
    settings = Settings(_env_file=None, data_dir=tmp_path / "killed")
    kill_9_at_marker(killed_script(after), tmp_path / "marker", gapwatch_env(tmp_path, settings))

    con = db.connect(settings.warehouse_file)  # the crash window, as the next command finds it
    try:
        assert con.execute("SELECT count(*) FROM collection_run WHERE status = 'ok'").fetchone()[0] == committed
        owed = con.execute("SELECT source, observed_at, status FROM hooks_owed ORDER BY observed_at").fetchall()
        assert owed == [(SOURCE, s.observed_at, "ok") for s in SNAPS[:committed]]
        # Nothing the batch's end writes is there yet: no event, no identity, no derived table.
        assert con.execute("SELECT count(*) FROM change_event").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM model").fetchone()[0] == 0
        # The derive stage is owed through the accepted runs in hooks_owed, not derive_owed.
        assert con.execute("SELECT count(*) FROM derive_owed").fetchone()[0] == 0
    finally:
        con.close()

    with make_pipeline(settings) as recovered:  # settle(): the owed hooks run from interval bounds
        assert recovered.con.execute("SELECT count(*) FROM hooks_owed").fetchone()[0] == 0
        assert recovered.con.execute("SELECT count(*) FROM derive_owed").fetchone()[0] == 0
        with make_pipeline(Settings(_env_file=None, data_dir=tmp_path / "whole")) as whole:
            backfill(whole, registry.get(SOURCE), SNAPS[:committed])  # the same snapshots, never interrupted
            if committed > 1:  # a first snapshot is a baseline: events come with the next ones
                assert whole.con.execute("SELECT count(*) FROM change_event").fetchone()[0] > 0
            compare_events(whole.con, recovered.con)  # event by event, all fields but detected_at
            for table in IDENTITY:
                a, b = (sorted(map(repr, p.con.execute(f"SELECT * FROM {table}").fetchall()))
                        for p in (whole, recovered))
                assert a == b, table
            # And the rest of the warehouse too (the derive stage settle() ran, the publish it made).
            assert_same_warehouse(whole, recovered)
    with make_pipeline(settings) as again:  # settled once: nothing owed, nothing run twice
        assert again.con.execute("SELECT count(*) FROM hooks_owed").fetchone()[0] == 0


class _DiesBeforeTheBatchsEnd(Pipeline):
    """In-process stand-in for the kill at "end" above (same moment: every snapshot committed with its debt, the
    batch's end never run); the real kill -9 is exercised by the test above."""

    def _finish(self, batch: object) -> None:
        pass


# settle() rebuilds an owed run's diff with history.diff_at. A snapshot fitted under newer data whose value
# equals its successor's is written by extending the successor's interval backwards, which keeps the successor's
# evidence (tests/warehouse/test_diff_at.py), so such a backfill must not defer its events: it runs every hook
# after each snapshot, and nothing is owed when it dies.
def test_settle_of_a_backfill_fitted_under_newer_data_cites_the_fitted_document(tmp_path: Path) -> None:
    may, july = fixture_bytes("openrouter", "models_2026-05-15.json"), fixture_bytes("openrouter",
                                                                                     "models_2026-07-17.json")
    june = repriced(may, DEEPSEEK, "0.00000018", "0.00000072")  # June already charges July's price
    url = "https://openrouter.ai/api/v1/models"
    t1, t2, t3 = datetime(2026, 5, 15), datetime(2026, 6, 1), datetime(2026, 7, 17)
    snaps = [Snapshot(at, (Version(at, url, lambda body=body: body),)) for at, body in ((t1, may), (t2, june))]

    def collected_in_july(name: str, cls: type[Pipeline]) -> Pipeline:
        settings = Settings(_env_file=None, data_dir=tmp_path / name)
        pipe = cls(settings, hooks=default_hooks(settings))
        assert pipe.ingest_documents(openrouter.SOURCE, [Document(url, july, hashlib.sha256(july).hexdigest())],
                                     t3).status == "ok"
        return pipe

    with collected_in_july("whole", Pipeline) as whole:
        backfill(whole, openrouter.SOURCE, snaps)  # the past fitted under July, uninterrupted
        with collected_in_july("killed", _DiesBeforeTheBatchsEnd) as killed:
            backfill(killed, openrouter.SOURCE, snaps)
            assert killed.con.execute("SELECT count(*) FROM hooks_owed").fetchone()[0] == 0
        with make_pipeline(Settings(_env_file=None, data_dir=tmp_path / "killed")) as recovered:
            cut = ("SELECT evidence FROM change_event WHERE kind = 'price_cut' AND observed_at = ? "
                   "AND entity = 'openrouter/' || ?")
            assert recovered.con.execute(cut, [t2, DEEPSEEK]).fetchall()[0][0][0] == hashlib.sha256(
                june).hexdigest()  # June's own document, as live
            compare_events(whole.con, recovered.con)
