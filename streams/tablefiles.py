"""The rocksdb table store's local files: kept across a clean stop, dropped after a crash.

With ``ORDERGUARD_TABLE_STORE=rocksdb`` a worker keeps its tables in files under its data
directory, and faust records in them the last changelog offset each one holds. A restart
then reads only the changelog records written since, instead of whole changelogs.

That is only sound when the files hold nothing the changelogs lack. A worker killed
between writing a table and producing that write's changelog record, or committing its
source offset, leaves files ahead of Kafka: the event comes again, and the state, which
already counts it, takes the redelivery for a duplicate, so an alert it should raise
would never be sent. So the files are kept only when the worker that wrote them stopped
cleanly (its last act is to leave :data:`CLEAN` beside them); otherwise they are removed
and the tables read back from their changelogs whole, as the in-memory stores always do.
Kafka Streams makes the same choice for its local stores after an unclean stop.

A worker holds its files for as long as it runs (:func:`claim`): a second worker on the
same data directory would otherwise find no mark and remove the files under the first.
"""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path
from typing import IO

from streams.errors import ConfigError

CLEAN = "clean-stop"


def claim(tabledir: Path) -> IO[str]:
    """Hold ``tabledir`` for this process until it exits (keep the returned file open).

    Raises:
        ConfigError: when another running worker holds it.

    """
    tabledir.parent.mkdir(parents=True, exist_ok=True)
    handle = open(tabledir.parent / f"{tabledir.name}.lock", "a")  # noqa: SIM115 - held
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ConfigError(
            f"another worker is running on {tabledir}: give each worker on a machine its own "
            "ORDERGUARD_DATA_DIR"
        ) from None
    return handle


def open_tables(tabledir: Path) -> str:
    """Prepare ``tabledir`` for a starting worker; say what it found.

    Returns ``"kept"`` (a clean stop left the files: only newer changelog records are
    read), ``"dropped"`` (files without the mark: a crash or a kill left them, and they are
    removed), or ``"new"`` (nothing there yet). The mark is removed in any case: it must
    not survive into a run that may crash.
    """
    mark = tabledir / CLEAN
    if mark.exists():
        mark.unlink()
        return "kept"
    if tabledir.exists() and any(tabledir.iterdir()):
        shutil.rmtree(tabledir)
        return "dropped"
    return "new"


def close_tables(tabledir: Path) -> None:
    """Mark ``tabledir`` as left by a clean stop (after the worker has stopped)."""
    if tabledir.is_dir():
        (tabledir / CLEAN).touch()


def describe(found: str) -> str:
    """One line for the worker's log about what :func:`open_tables` found."""
    return {
        "kept": "tables: kept from the last clean stop; reading only newer changelog records",
        "dropped": "tables: the last run did not stop cleanly; its files are removed and the "
                   "tables read back from their changelogs",
        "new": "tables: none on disk yet; reading them from their changelogs",
    }[found]
