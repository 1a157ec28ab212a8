"""Webhook deliveries kept on the worker's disk while Kafka cannot take them.

Not every platform sends a delivery again: WooCommerce never retries, and disables a
webhook after five failed deliveries in a row. So while Kafka is unreachable (or slow to
acknowledge), the ingest appends each delivery to a file here and flushes it to disk before
it answers 202; ``streams.agents.spooling`` publishes the files to Kafka once it answers
again and deletes each file after the broker acknowledged all of it. A delivery published
twice (the worker stopped mid-file, or the original send landed after all) is a duplicate,
which the dedupe stage drops.

Layout: one delivery per line (its JSON value on the deliveries topic). Appends go to
``open.jsonl``; :meth:`Spool.seal` renames it to ``sealed-<ns>.jsonl`` so that draining a
file never races an append. A line cut short by a crash was never answered 202, and is
skipped.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

OPEN = "open.jsonl"
SEGMENT_BYTES = 8 << 20  # the open file is sealed at this size: a file is drained whole


class Spool:
    """An append-only, fsynced queue of deliveries in ``folder``, at most ``max_bytes``."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder  # made at the first append
        self.max_bytes = max_bytes
        self._lock = threading.Lock()  # appends come from several threads

    def append(self, record: bytes) -> bool:
        """Write one delivery and flush it to disk; False when the spool is full."""
        line = record + b"\n"
        with self._lock:
            if self.size() + len(line) > self.max_bytes:
                return False
            path = self.folder / OPEN
            if _size(path) >= SEGMENT_BYTES:
                self._seal(path)
            new = not path.exists()
            if new:
                self.folder.mkdir(parents=True, exist_ok=True)
            with open(path, "ab") as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
            if new:
                fsync_path(self.folder)  # the new file's name must survive a crash too
        return True

    def seal(self) -> list[Path]:
        """Close the file being appended to; the files to publish, oldest first."""
        with self._lock:
            path = self.folder / OPEN
            if _size(path):
                self._seal(path)
        return sorted(self.folder.glob("sealed-*.jsonl"))

    def _seal(self, path: Path) -> None:
        path.rename(self.folder / f"sealed-{time.time_ns():020d}.jsonl")
        fsync_path(self.folder)

    def done(self, path: Path) -> None:
        """Forget a sealed file whose deliveries the broker has all acknowledged."""
        path.unlink(missing_ok=True)
        fsync_path(self.folder)

    def size(self) -> int:
        """Bytes held, sealed files and the open one."""
        return sum(_size(p) for p in self.folder.glob("*.jsonl"))

    def empty(self) -> bool:
        """Whether nothing is waiting to be published."""
        return self.size() == 0


def records(path: Path) -> Iterator[bytes]:
    """The deliveries of a spool file, in order; a last line cut short is left out."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    for line in data[:end].splitlines():
        if line:
            yield line


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:  # sealed or drained meanwhile
        return 0


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder's entries (a new or renamed name), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
