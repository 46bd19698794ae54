"""Publishing: the snapshot holds exactly the committed state, stamped with its version."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse import db
from warehouse.publish import open_snapshot, publish


def test_the_snapshot_is_the_committed_state_and_never_an_open_transaction(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "w.duckdb")
    target = tmp_path / "published" / "snap.duckdb"
    # A data table of its own: the version counts changes of data, not of bookkeeping such as the schedule.
    con.execute("CREATE TABLE t (source VARCHAR)")
    con.execute("INSERT INTO t VALUES ('a')")
    assert publish(con, target) == 1
    with open_snapshot(target) as snap:
        assert snap.execute("SELECT source FROM t").fetchall() == [("a",)]
        assert snap.execute("SELECT version FROM snapshot_info").fetchall() == [(1,)]

    other = con.cursor()  # another connection of the process with a transaction open: its rows stay out
    other.execute("BEGIN")
    other.execute("INSERT INTO t VALUES ('uncommitted')")
    con.execute("INSERT INTO t VALUES ('b')")
    assert publish(con, target) == 2
    other.execute("ROLLBACK")
    with open_snapshot(target) as snap:
        assert sorted(snap.execute("SELECT source FROM t").fetchall()) == [("a",), ("b",)]
        assert snap.execute("SELECT version FROM snapshot_info").fetchall() == [(2,)]
    assert not list(target.parent.glob(".*tmp*"))
    con.close()


def test_a_database_without_a_file_is_published_by_logical_copy(tmp_path: Path) -> None:
    con = duckdb.connect()
    db.migrate(con)
    con.execute("INSERT INTO source_schedule VALUES ('a', NULL, NULL)")
    target = tmp_path / "snap.duckdb"
    assert publish(con, target) == 1
    with open_snapshot(target) as snap:
        assert snap.execute("SELECT source FROM source_schedule").fetchall() == [("a",)]
        assert snap.execute("SELECT version FROM snapshot_info").fetchall() == [(1,)]
