"""Publishing: the snapshot holds exactly the committed state, stamped with its version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from warehouse import block_copy, db
from warehouse.publish import current_path, open_snapshot, publish

ROOT = Path(__file__).resolve().parents[2]  # reader processes import tests.held_snapshot_files from here


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


def _warehouse(tmp_path: Path, rows: int = 600_000) -> duckdb.DuckDBPyConnection:
    """A migrated warehouse with a data table of `rows` rows (a few MB: some dozen blocks)."""
    con = db.connect(tmp_path / "w.duckdb")
    con.execute("CREATE TABLE t (id INTEGER, price DOUBLE, note VARCHAR)")
    con.execute(f"INSERT INTO t SELECT range, range * 0.5, 'n' || (range % 977) FROM range({rows})")
    return con


def _same_bytes(con: duckdb.DuckDBPyConnection, target: Path) -> bool:
    """The snapshot is the warehouse file byte for byte (as of the publish's checkpoint)."""
    source = Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
                  .fetchall()[0][0])
    return source.read_bytes() == target.read_bytes()


def test_a_change_of_values_alone_is_published_and_only_its_blocks_are_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = _warehouse(tmp_path)
    target = tmp_path / "published" / "snap.duckdb"
    for _ in range(4):  # every slot written once: the next publishes rewrite a slot two publishes old
        con.execute("INSERT INTO t VALUES (-1, 0, 'x')")
        publish(con, target)
    # Same row counts, one value changed in the middle of the table: the count-based version stays, the data moves.
    con.execute("UPDATE t SET price = 12345.5 WHERE id = 300000")
    written = []
    real = block_copy.sync

    def counting(source: Path, dest: int) -> block_copy.Synced:
        written.append(real(source, dest))
        return written[-1]

    monkeypatch.setattr(block_copy, "sync", counting)
    publish(con, target)
    with open_snapshot(target) as snap:
        assert snap.execute("SELECT price FROM t WHERE id = 300000").fetchall() == [(12345.5,)]
    assert _same_bytes(con, target)
    assert written[0].size == target.stat().st_size
    assert written[0].written < written[0].size / 4, written  # two publishes' changes, not the file
    con.close()


def test_a_slot_left_damaged_by_a_publish_cut_short_is_made_whole_by_the_next(tmp_path: Path) -> None:
    con = _warehouse(tmp_path, rows=200_000)
    target = tmp_path / "published" / "snap.duckdb"
    for _ in range(3):
        con.execute("INSERT INTO t VALUES (-1, 0, 'x')")
        publish(con, target)
    current = target.stat().st_ino
    for slot in target.parent.glob(".snap.duckdb.slot*"):  # what kill -9 mid-copy leaves: garbage, a short file
        if slot.stat().st_ino != current:
            data = slot.read_bytes()
            slot.write_bytes(data[: len(data) // 3] + os.urandom(4096))
    with open_snapshot(target) as snap:  # the snapshot itself was never touched
        assert snap.execute("SELECT count(*) FROM t").fetchall() == [(200_003,)]
    for n in range(3):
        con.execute("UPDATE t SET note = ? WHERE id = ?", [f"changed {n}", n])
        publish(con, target)
        assert _same_bytes(con, target)
        with open_snapshot(target) as snap:
            assert snap.execute("SELECT note FROM t WHERE id = ?", [n]).fetchall() == [(f"changed {n}",)]
    con.close()


def test_a_block_write_cut_short_is_never_taken_for_a_copied_block(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kill -9 can land between the writes of one block: what is left must not carry the new block's checksum
    over old content, or the next sync would skip that block and publish a torn file."""
    con = _warehouse(tmp_path, rows=200_000)
    con.execute("CHECKPOINT")
    source = Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                              ).fetchall()[0][0])
    dest_path = tmp_path / "copy.duckdb"
    dest = os.open(dest_path, os.O_RDWR | os.O_CREAT)
    try:
        block_copy.sync(source, dest)
        con.execute("UPDATE t SET note = 'moved' WHERE id < 50000")
        con.execute("CHECKPOINT")
        real = os.pwrite

        def cut_mid_write(fd: int, data: bytes, offset: int) -> int:
            if fd == dest and offset >= block_copy.HEADERS and len(data) > 64:
                real(fd, data[: len(data) // 2], offset)  # a short write, then the process dies
                raise KeyboardInterrupt
            return real(fd, data, offset)

        monkeypatch.setattr(os, "pwrite", cut_mid_write)
        with pytest.raises(KeyboardInterrupt):
            block_copy.sync(source, dest)
        monkeypatch.setattr(os, "pwrite", real)
        block_copy.sync(source, dest)
    finally:
        os.close(dest)
    assert dest_path.read_bytes() == source.read_bytes()
    con.close()


def _slots(target: Path) -> dict[int, tuple[int, int]]:
    return {p.stat().st_ino: (p.stat().st_mtime_ns, p.stat().st_size)
            for p in target.parent.glob(f".{target.name}.slot*")}


HOLDER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("SELECT max(version) FROM snapshot_info").fetchall()[0][0], flush=True)
    sys.stdin.readline()  # held open until told
    print(con.execute("SELECT count(*) FROM t").fetchall()[0][0], flush=True)
""")


def test_a_snapshot_a_reader_holds_is_never_written_by_later_publishes(tmp_path: Path) -> None:
    con = _warehouse(tmp_path, rows=100_000)
    target = tmp_path / "published" / "snap.duckdb"
    publish(con, target)
    here = open_snapshot(target)  # a reader in this process (DuckDB's file lock does not cover its own process)
    con.execute("INSERT INTO t VALUES (-1, 0, 'x')")
    publish(con, target)
    other = subprocess.Popen([sys.executable, "-c", HOLDER, str(target)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout is not None and other.stdin is not None
        assert other.stdout.readline().strip() == "2"
        held = {here.execute("SELECT max(version) FROM snapshot_info").fetchall()[0][0]: None}
        before = _slots(target)
        for n in range(6):
            con.execute("INSERT INTO t VALUES (?, 0, 'x')", [n])
            publish(con, target)
        out, _ = other.communicate("\n", timeout=30)
        assert out.strip() == "100001"  # version 2's rows, read after six publishes
        assert other.returncode == 0
    finally:
        if other.poll() is None:
            other.kill()
            other.communicate()
    assert list(held) == [1]
    assert here.execute("SELECT count(*) FROM t").fetchall() == [(100_000,)]
    here.close()
    after = _slots(target)
    # The two held slots were left as they were (or, beyond the slots kept, only unlinked); others were reused.
    assert len([i for i in before if after.get(i, before[i]) == before[i]]) >= 2
    with open_snapshot(target) as snap:
        assert snap.execute("SELECT count(*) FROM t").fetchall() == [(100_007,)]
    con.close()


OPENED_NOT_LOCKED = textwrap.dedent("""
    import hashlib, sys
    with open(sys.argv[1], "rb") as fh:  # opened as DuckDB opens a file, before it takes its lock
        print("open", flush=True)
        sys.stdin.readline()
        print(hashlib.sha256(fh.read()).hexdigest(), flush=True)
""")


def test_a_snapshot_opened_but_not_yet_locked_is_never_written(tmp_path: Path) -> None:
    """A reader held up between opening the snapshot and locking it (DuckDB does one, then the other) while
    publishes go on: the file it opened is not taken as a free slot, whatever the number of publishes."""
    import hashlib

    con = _warehouse(tmp_path, rows=50_000)
    target = tmp_path / "published" / "snap.duckdb"
    publish(con, target)
    original = hashlib.sha256(target.read_bytes()).hexdigest()
    reader = subprocess.Popen([sys.executable, "-c", OPENED_NOT_LOCKED, str(target)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
        for n in range(5):
            con.execute("UPDATE t SET price = price + 1 WHERE id % 100 = ?", [n])
            publish(con, target)
        out, _ = reader.communicate("\n", timeout=30)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.communicate()
    assert out.strip() == original
    con.close()


def test_without_hard_links_each_publish_renames_a_whole_copy_into_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise PermissionError(1, "Operation not permitted")  # what a file system without hard links answers

    monkeypatch.setattr(os, "link", no_links)
    con = _warehouse(tmp_path, rows=10_000)
    target = tmp_path / "published" / "snap.duckdb"
    for n in range(3):
        con.execute("UPDATE t SET note = ? WHERE id = 1", [f"v{n}"])
        publish(con, target)
        assert _same_bytes(con, target)
        with open_snapshot(target) as snap:
            assert snap.execute("SELECT note FROM t WHERE id = 1").fetchall() == [(f"v{n}",)]
    assert sorted(p.name for p in target.parent.iterdir()) == ["snap.duckdb"]
    con.close()


def test_a_publish_of_the_same_version_gets_a_name_of_its_own(tmp_path: Path) -> None:
    """A name a reader resolved never comes to mean another file. (The per-version name `.v<version>` was linked
    again to the new copy when a publish kept the version: a reader between look-up and open got another file.)"""
    con = _warehouse(tmp_path, rows=1_000)
    target = tmp_path / "published" / "snap.duckdb"
    seen: dict[Path, int] = {}
    for n in range(6):
        con.execute("INSERT INTO source_schedule VALUES (?, NULL, NULL)", [f"s{n}"])  # bookkeeping: version stays
        assert publish(con, target) == 1
        name = current_path(target)
        assert name != target and name.stat().st_ino == target.stat().st_ino
        assert name not in seen
        seen[name] = name.stat().st_ino
    for name, inode in seen.items():
        assert not name.exists() or name.stat().st_ino == inode
    con.close()


LOOPING_READER = textwrap.dedent("""
    import json, os, sys, time
    import duckdb
    from tests.held_snapshot_files import held_files
    path, seconds = sys.argv[1], float(sys.argv[2])
    opened, errors = 0, []
    folder = os.path.dirname(path)  # the snapshot files held open here: (size, mtime) must not move meanwhile

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        con = None
        try:
            con = duckdb.connect(path, read_only=True)
            before = held_files(folder)
            for _ in range(3):
                con.execute("SELECT max(version) FROM snapshot_info").fetchall()
                con.execute("SELECT count(*), sum(price) FROM t").fetchall()
                time.sleep(0.002)
            after = held_files(folder)
            if any(after.get(i, was) != was for i, was in before.items()):
                errors.append("written while open")
            opened += 1
        except Exception as exc:
            errors.append(repr(exc)[:200])
        finally:
            if con is not None:
                con.close()
    print(json.dumps({"opened": opened, "errors": errors[:5], "count": len(errors)}))
""")


def test_readers_opening_the_snapshot_in_a_loop_never_meet_a_file_being_written(tmp_path: Path) -> None:
    """Two reader processes reopen the snapshot in a loop while the writer publishes as fast as it can (data
    changed, and unchanged: the version kept). No reader may see an error, or a file it holds written."""
    con = _warehouse(tmp_path, rows=50_000)
    target = tmp_path / "published" / "snap.duckdb"
    publish(con, target)
    readers = [subprocess.Popen([sys.executable, "-c", LOOPING_READER, str(target), "6"], stdout=subprocess.PIPE,
                                text=True, cwd=ROOT) for _ in range(2)]
    publishes = 0
    try:
        while any(r.poll() is None for r in readers):
            if publishes % 2:
                con.execute("UPDATE t SET price = price + 1 WHERE id % 1000 = ?", [publishes % 1000])
            publish(con, target)
            publishes += 1
        seen = [json.loads(r.communicate(timeout=30)[0]) for r in readers]
    finally:
        for r in readers:
            if r.poll() is None:
                r.kill()
                r.communicate()
    assert publishes >= 20
    for got in seen:
        assert got["count"] == 0, got
        assert got["opened"] >= 10, got
    con.close()
