"""Give back the space deleted rows left in the analytics store, by rewriting it.

DuckDB reuses the blocks that deleted rows (a retention's pruning, say) free for new rows,
but it does not shrink its file. Compacting copies the tables, views and constraints into a
fresh file (``COPY FROM DATABASE``), checks that every table holds the same number of
rows, and puts the fresh file in the old one's place in one rename. The store must not be
open for writing meanwhile: a worker's sink would be writing into the file being replaced.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analytics.sqltext import literal
from analytics.store import StoreBusy, connect
from streams.errors import OrderguardError
from streams.spool import fsync_path


@dataclass(frozen=True)
class Compacted:
    """What a compaction did: sizes in bytes, rows by table, seconds taken."""

    before: int
    after: int
    rows: dict[str, int]
    seconds: float


def compact(path: Path | str) -> Compacted:
    """Rewrite the store at ``path`` into a fresh file of the same content, smaller if it can.

    The store is first checkpointed (a log a stopped worker left is folded in), then read
    under a read-only lock that keeps any worker from opening it for writing until the fresh
    file has replaced it. A failure leaves the store as it was.

    Raises:
        StoreBusy: a worker (or another process) has the store open for writing.
        OrderguardError: there is no store at ``path``, or the copy does not match it.

    """
    path = Path(path)
    if not path.is_file():
        raise OrderguardError(f"no analytics store at {path} (ORDERGUARD_DUCKDB)")
    started = time.monotonic()
    before = path.stat().st_size
    # a store reached through a symbolic link is rewritten where it is; the link stays
    real = path.resolve()
    fresh = real.with_name(real.name + ".compacting")
    for leftover in (fresh, _wal(fresh)):  # an earlier compaction that was stopped
        leftover.unlink(missing_ok=True)
    _connect(path, read_only=False).close()  # folds in a write-ahead log left behind
    source = _connect(path, read_only=True)
    try:
        rows = _copy(source, fresh)
        _same_access(real, fresh)
        fsync_path(fresh)
        os.replace(fresh, real)  # the read-only lock is still held: nobody wrote meanwhile
        fsync_path(real.parent)
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return Compacted(before, path.stat().st_size, rows, time.monotonic() - started)


def _same_access(store: Path, fresh: Path) -> None:
    """Give the fresh file the store's permissions and, where allowed, its owner.

    The store holds buyers' contact details: a file kept at 0640 must not come back 0644.
    """
    mode = store.stat()
    os.chmod(fresh, stat.S_IMODE(mode.st_mode))
    if (mode.st_uid, mode.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(fresh, mode.st_uid, mode.st_gid)
        except PermissionError:
            pass  # not ours to give away; the mode still holds


def _copy(source: duckdb.DuckDBPyConnection, fresh: Path) -> dict[str, int]:
    """Copy the whole database into ``fresh``; the rows by table, checked on both sides."""
    name = source.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
    source.execute(f"ATTACH {literal(str(fresh))} AS compacted (READ_WRITE)")
    try:
        source.execute(f"COPY FROM DATABASE {_ident(name)} TO compacted")
        rows = {}
        for (table,) in source.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY 1", [name]
        ).fetchall():
            counts = [
                source.execute(f"SELECT count(*) FROM {_ident(db)}.main.{_ident(table)}")  # noqa: S608
                .fetchone()[0]  # type: ignore[index]
                for db in (name, "compacted")
            ]
            if counts[0] != counts[1]:
                raise OrderguardError(
                    f"compacting stopped: table {table} has {counts[0]:,} rows but its copy "
                    f"{counts[1]:,}; the store is unchanged")
            rows[table] = int(counts[0])
        source.execute("CHECKPOINT compacted")
    finally:
        source.execute("DETACH compacted")
    return rows


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return connect(path, read_only=read_only, files=True)
    except StoreBusy:
        raise StoreBusy(
            f"{path} is open in another process, a worker's sink most likely; stop it "
            "first: compacting needs the file to itself") from None


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'

