"""streams.jsonl.open_lines on a pipe that delivers a file's first bytes in pieces."""

from __future__ import annotations

import lzma
import os
import threading
import time

import pytest

from streams.jsonl import open_lines

LINES = b"".join(b'{"n": %d}\n' % n for n in range(2_000))


def _slow_pipe(data: bytes, first: int) -> str:
    """A pipe's path that gives ``first`` bytes, then, a moment later, the rest."""
    read_end, write_end = os.pipe()

    def write() -> None:
        with os.fdopen(write_end, "wb", buffering=0) as out:
            out.write(data[:first])
            time.sleep(0.2)
            out.write(data[first:])

    threading.Thread(target=write, daemon=True).start()
    return f"/dev/fd/{read_end}"


@pytest.mark.parametrize(("data", "first"), [
    (lzma.compress(LINES), 2),  # xz's magic is 6 bytes: cut inside it
    (lzma.compress(LINES), 5),
    (LINES, 1),  # a plain file is read whole, first byte included
])
def test_a_head_split_across_reads_is_still_recognised(data, first):
    path = _slow_pipe(data, first)
    try:
        with open_lines(path) as stream:
            assert stream.read() == LINES
            assert list(stream) == []
    finally:
        os.close(int(path.rsplit("/", 1)[1]))


def test_an_empty_stream_has_no_lines(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    with open_lines(tmp_path / "empty") as stream:
        assert list(stream) == []
