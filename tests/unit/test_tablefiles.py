"""Which rocksdb table files a starting worker keeps: those a clean stop left, and no others."""

from __future__ import annotations

import pytest

from streams.errors import ConfigError
from streams.tablefiles import CLEAN, claim, close_tables, describe, open_tables


def test_files_a_clean_stop_left_are_kept_and_the_mark_removed(tmp_path):
    (tmp_path / "buyer-windows-0.db").mkdir()
    close_tables(tmp_path)
    assert open_tables(tmp_path) == "kept"
    assert (tmp_path / "buyer-windows-0.db").is_dir()
    assert not (tmp_path / CLEAN).exists()  # a crash of this run must not find it


def test_files_without_the_mark_are_removed_as_a_crash_may_have_left_them_ahead(tmp_path):
    tables = tmp_path / "tables-og"
    (tables / "buyer-windows-0.db").mkdir(parents=True)
    assert open_tables(tables) == "dropped"
    assert not tables.exists()


def test_a_run_that_starts_after_a_kept_start_and_then_crashes_is_dropped(tmp_path):
    (tmp_path / "orders-1.db").mkdir()
    close_tables(tmp_path)
    assert open_tables(tmp_path) == "kept"
    assert open_tables(tmp_path) == "dropped"  # no clean stop in between


def test_nothing_on_disk_is_new_and_a_stop_before_any_table_marks_nothing(tmp_path):
    assert open_tables(tmp_path / "tables-og") == "new"
    close_tables(tmp_path / "tables-og")
    assert not (tmp_path / "tables-og").exists()
    assert open_tables(tmp_path) == "new"  # an empty folder holds nothing to distrust
    assert "changelogs" in describe("dropped") and "clean stop" in describe("kept")


def test_a_second_worker_on_the_same_files_is_refused_until_the_first_lets_go(tmp_path):
    tables = tmp_path / "v1" / "tables-og"
    held = claim(tables)
    with pytest.raises(ConfigError, match="its own ORDERGUARD_DATA_DIR"):
        claim(tables)
    held.close()  # the first worker exits
    claim(tables).close()
