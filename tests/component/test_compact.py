"""`orderguard compact` on real DuckDB files: smaller, same rows, still a working store."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from click.testing import CliRunner

from analytics.compact import compact
from analytics.migrations import MIGRATIONS
from analytics.store import Store, StoreBusy, StoredMessage
from streams.cli import main
from tests.factories import T0, make_event

TABLES = ("events", "orders", "alerts", "suppressions", "_migrations")


def _events(n, *, start=0):
    return [StoredMessage(make_event(event_id=f"e-{i}", order=f"o-{i}", buyer=f"b-{i % 50}",
                                     at=T0 + timedelta(minutes=i)))
            for i in range(start, start + n)]


def _contents(path):
    store = Store(path, read_only=True)
    try:
        return {table: sorted(map(repr, store.query(f"SELECT * FROM {table}").rows))
                for table in TABLES}
    finally:
        store.close()


@pytest.fixture
def pruned(tmp_path):
    """A store that held 20,000 events, of which the last 1,000 are left."""
    path = tmp_path / "og.duckdb"
    store = Store(path)
    events = _events(20_000)
    for i in range(0, len(events), 5_000):
        store.write(events[i:i + 5_000], [])
    store.close()  # checkpointed into the file, as a store's old rows are
    store = Store(path)
    store.prune(T0 + timedelta(minutes=19_000))
    store.close()
    return path


def test_compacting_shrinks_the_file_and_keeps_every_row(pruned):
    before = _contents(pruned)
    assert len(before["events"]) == 1_000
    size = pruned.stat().st_size
    done = compact(pruned)
    assert done.before == size
    assert done.after == pruned.stat().st_size < size // 2
    assert done.rows["events"] == 1_000 and done.rows["orders"] == 1_000
    assert _contents(pruned) == before
    assert not pruned.with_name("og.duckdb.compacting").exists()


def test_a_store_behind_a_symbolic_link_is_compacted_where_it_is(pruned, tmp_path):
    before = _contents(pruned)
    link = tmp_path / "link.duckdb"
    link.symlink_to(pruned)
    size = pruned.stat().st_size
    done = compact(link)
    assert link.is_symlink() and link.resolve() == pruned  # the link still names the store
    assert done.after == pruned.stat().st_size < size // 2
    assert _contents(pruned) == before


def test_the_compacted_file_keeps_the_store_s_permissions(pruned):
    pruned.chmod(0o640)
    compact(pruned)
    assert pruned.stat().st_mode & 0o777 == 0o640


def test_a_compacted_store_is_a_store_a_worker_goes_on_writing(pruned):
    compact(pruned)
    store = Store(pruned)  # migrations already recorded: none runs again
    try:
        assert store.query("SELECT count(*) FROM _migrations").rows[0][0] == len(MIGRATIONS)
        # the primary keys came along: a redelivered event is still stored once
        store.write(_events(1, start=19_500) + _events(1, start=30_000), [])
        assert store.query("SELECT count(*) FROM events").rows[0][0] == 1_001
        assert store.query("SELECT count(*) FROM events_resolved").rows[0][0] == 1_001
    finally:
        store.close()


def test_a_log_a_killed_writer_left_is_folded_in_first(tmp_path):
    path = tmp_path / "og.duckdb"
    Store(path).close()
    # a writer killed before its checkpoint: its last batch is only in og.duckdb.wal
    script = ("import os, sys; sys.path.insert(0, '.'); from analytics.store import Store, "
              "StoredMessage; from tests.factories import make_event; "
              f"s = Store({str(path)!r}); s.write([StoredMessage(make_event(event_id='late'))], "
              "[]); os._exit(0)")
    subprocess.run([sys.executable, "-c", script], check=True)
    assert path.with_name("og.duckdb.wal").exists()
    compact(path)
    assert not path.with_name("og.duckdb.wal").exists()
    assert [row[0] for row in Store(path, read_only=True).query(
        "SELECT event_id FROM events").rows] == ["late"]


def test_a_store_a_worker_holds_is_left_alone(pruned):
    before = pruned.read_bytes()
    script = (f"import duckdb, time; c = duckdb.connect({str(pruned)!r}); "
              "print('locked', flush=True); time.sleep(30)")
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"locked"
        with pytest.raises(StoreBusy, match="stop it first"):
            compact(pruned)
    finally:
        holder.kill()
        holder.wait()
    assert pruned.read_bytes() == before


def test_the_command_reports_sizes_and_rows(pruned, monkeypatch):
    monkeypatch.setenv("ORDERGUARD_DUCKDB", str(pruned))
    result = CliRunner().invoke(main, ["compact"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"compacting {pruned} (")
    assert result.stdout.startswith(f"compacted {pruned}: ")
    assert "events 1,000, orders 1,000, suppressions 0 rows)" in result.stdout


def test_the_command_without_a_store_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERGUARD_DUCKDB", str(tmp_path / "none.duckdb"))
    result = CliRunner().invoke(main, ["compact"])
    assert result.exit_code == 2
    assert result.output == (f"Error: no analytics store at {tmp_path / 'none.duckdb'} "
                             "(ORDERGUARD_DUCKDB)\n")
    assert not (tmp_path / "none.duckdb").exists()


def test_free_space_counts_what_deleted_rows_left_and_compacting_gives_back(pruned):
    store = Store(pruned)
    try:
        size, free = store.free_space()
    finally:
        store.close()
    assert size == pruned.stat().st_size and free > size // 10
    compact(pruned)
    store = Store(pruned)
    try:
        assert store.free_space() == (pruned.stat().st_size, 0)
    finally:
        store.close()
    assert pruned.stat().st_size <= size - free


def test_a_pruning_that_frees_much_of_the_file_says_compact_would_give_it_back(
        tmp_path, monkeypatch, caplog):
    import logging

    from streams.agents import sink

    path = tmp_path / "og.duckdb"
    store = Store(path)
    store.write(_events(20_000), [])
    store.close()  # checkpointed into the file, as a store's old rows are
    store = Store(path)
    try:
        monkeypatch.setattr(sink, "COMPACT_HINT_BYTES", 1)
        with caplog.at_level(logging.INFO, logger="orderguard.sink"):
            assert sink._prune(store, T0 + timedelta(minutes=19_000))["events"] == 19_000
            assert sink._prune(store, T0 + timedelta(minutes=19_000))["events"] == 0
    finally:
        store.close()
    hints = [r.getMessage() for r in caplog.records if "orderguard compact" in r.getMessage()]
    assert len(hints) == 1  # the second pruning deleted nothing, and says nothing of space
    assert "of the store's" in hints[0] and "are free now" in hints[0]
