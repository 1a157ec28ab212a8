"""JSON Lines in and out: canonical events from files, one clear error per bad line."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

from schemas.event import validate_event
from streams.core.lists import ListBook, ListEntry
from streams.errors import InvalidEvent, OrderguardError
from streams.skips import Skips

# compressed files are read as they are, recognised by their first bytes (not their name,
# so that standard input works too)
_COMPRESSED: tuple[tuple[bytes, Callable[[IO[bytes]], IO[bytes]]], ...] = (
    (b"\x1f\x8b", lambda raw: gzip.GzipFile(fileobj=raw, mode="rb")),
    (b"BZh", lambda raw: bz2.BZ2File(raw)),
    (b"\xfd7zXZ\x00", lambda raw: lzma.LZMAFile(raw)),
)
# what a damaged or cut-off compressed file raises while it is read
_DAMAGED = (EOFError, gzip.BadGzipFile, lzma.LZMAError, zlib.error)


@contextmanager
def open_lines(path: Path | str) -> Iterator[IO[bytes]]:
    """Open a file (``-`` is standard input) for reading lines, decompressing it if need be.

    gzip, bzip2 and xz files are recognised by their first bytes and read decompressed.

    Raises:
        OrderguardError: compressed data ends early or is damaged (the error names the file).

    """
    source: IO[bytes] = sys.stdin.buffer if str(path) == "-" else open(path, "rb")  # noqa: SIM115
    try:
        raw, head = _head(source)
        opener = next((o for magic, o in _COMPRESSED if head.startswith(magic)), None)
        stream = opener(raw) if opener else raw
        try:
            yield stream
        except _DAMAGED as exc:
            raise OrderguardError(f"{path}: the compressed data is damaged or cut off "
                                  f"({exc})") from None
        except OSError as exc:  # bz2 reports damage as a bare OSError
            if opener is None:
                raise
            raise OrderguardError(f"{path}: the compressed data is damaged ({exc})") from None
        finally:
            if stream is not raw:
                stream.close()
    finally:
        if source is not sys.stdin.buffer:
            source.close()


_MAGIC_LEN = max(len(magic) for magic, _ in _COMPRESSED)


class _Prefixed(io.RawIOBase):
    """A stream's first bytes, already read, put back in front of the rest of it."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._rest.read1(len(buffer))  # type: ignore[attr-defined]
        buffer[: len(data)] = data
        return len(data)


def _head(raw: IO[bytes]) -> tuple[IO[bytes], bytes]:
    """The stream to read, and its first bytes (enough to recognise a compressed format).

    ``peek`` returns what one read gave: a slow pipe may deliver fewer bytes than a magic
    number, so then the head is read in full and put back in front of the stream.
    """
    if not hasattr(raw, "peek"):
        raw = io.BufferedReader(raw)  # type: ignore[arg-type]  # e.g. a BytesIO stdin
    head: bytes = raw.peek(_MAGIC_LEN)[:_MAGIC_LEN]  # type: ignore[attr-defined]
    if len(head) >= _MAGIC_LEN or not head:
        return raw, head
    head = raw.read(_MAGIC_LEN)  # blocks until the whole head or the end of the stream
    return io.BufferedReader(_Prefixed(head, raw)), head


def read_events(
    path: Path | str, *, on_error: str = "raise", errors: IO[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield validated canonical events from a JSON Lines file (``-`` is standard input).

    The file may be gzip, bzip2 or xz compressed (see :func:`open_lines`).

    Args:
        path: the file.
        on_error: ``"raise"`` stops at the first bad line; ``"skip"`` reports it and goes on.
            The first :data:`~streams.skips.REPORTED_SKIPS` skipped lines are named, the
            rest counted at the end.
        errors: where skipped lines are reported (standard error by default).

    Raises:
        InvalidEvent: a bad line with ``on_error="raise"``; or, when skipping, a file none
            of whose lines is a canonical event (likely not an events file at all).

    """
    skips, valid = Skips(errors), 0
    with open_lines(path) as stream:
        for lineno, line in enumerate(stream, 1):
            if lineno == 1:
                line = _unmarked(path, line)
            if not line.strip():
                continue
            try:
                event = validate_event(orjson.loads(line))
            except (orjson.JSONDecodeError, InvalidEvent) as exc:
                reason = _where(path, lineno, exc)
                if on_error == "raise":
                    raise InvalidEvent(reason) from None
                skips.skip(reason)
                continue
            valid += 1
            yield event
    _finish(path, skips, valid)


def feed_batches(
    path: Path | str,
    feed_lines: Callable[[list[bytes]], tuple[list[Any], list[tuple[int, Exception]], int]],
    *,
    errors: IO[str] | None = None,
    batch_bytes: int = 1 << 20,
) -> Iterator[tuple[list[Any], int]]:
    """Feed a JSON Lines file to ``feed_lines`` a batch of lines at a time.

    Yields what each batch gave: ``(alerts, events fed)``.

    ``feed_lines`` is the native engine's ``Engine.feed_lines``: it passes over blank lines
    and returns, with the alerts and the count, the lines that are no canonical event
    (their index in the batch and the error). Those are reported and skipped as
    :func:`read_events` reports them with ``on_error="skip"``, and the file is refused as
    it refuses one, when none of its lines is an event.
    """
    skips, valid, base = Skips(errors), 0, 0
    with open_lines(path) as stream:
        while lines := stream.readlines(batch_bytes):
            if not base:
                lines[0] = _unmarked(path, lines[0])
            alerts, bad, fed = feed_lines(lines)
            for index, exc in bad:
                skips.skip(_where(path, base + index + 1, exc))
            valid += fed
            base += len(lines)
            yield alerts, fed
    _finish(path, skips, valid)


def _finish(path: Path | str, skips: Skips, valid: int) -> None:
    """The end of a file's events: count the skipped lines; refuse a file without events."""
    skips.close(f"lines of {path}")
    if skips.count and not valid:
        raise InvalidEvent(f"{path}: none of its {skips.count:,} lines is a canonical event "
                           "(is it a JSON Lines file of events?)")
    if not valid:
        raise InvalidEvent(f"{path}: no events in it (the file is empty or blank)")


def read_lists(path: Path | str) -> ListBook:
    """The allow and deny lists in a JSON Lines file, one entry per line.

    The format is what ``orderguard block list --all --format jsonl`` prints; a later line
    for the same kind, seller and buyer replaces an earlier one, as on the lists topic.

    Raises:
        InvalidEvent: a line is not an entry (the error names the file and line).

    """
    book = ListBook()
    with open_lines(path) as stream:
        for lineno, line in enumerate(stream, 1):
            if lineno == 1:
                line = _unmarked(path, line)
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
                book.apply(ListEntry.from_dict(value).key, value)
            except (orjson.JSONDecodeError, InvalidEvent) as exc:
                raise InvalidEvent(_where(path, lineno, exc)) from None
    return book


_BOM = b"\xef\xbb\xbf"
# formats recognised only to say what to do with them
_UNREAD = ((b"\x28\xb5\x2f\xfd", "zstd-compressed (decompress it first: zstd -dc FILE)"),
           (b"PK\x03\x04", "a zip archive (unzip it first)"),
           (b"\xff\xfe", "UTF-16 text (convert it to UTF-8: iconv -f UTF-16 -t UTF-8)"),
           (b"\xfe\xff", "UTF-16 text (convert it to UTF-8: iconv -f UTF-16 -t UTF-8)"))


def _unmarked(path: Path | str, first: bytes) -> bytes:
    """A file's first line without a UTF-8 byte order mark (Windows editors write one).

    Raises:
        OrderguardError: the file is in a format read only decompressed or converted.

    """
    for magic, what in _UNREAD:
        if first.startswith(magic):
            raise OrderguardError(f"{path} is {what}")
    return first[len(_BOM):] if first.startswith(_BOM) else first


def _where(path: Path | str, lineno: int, exc: Exception) -> str:
    """``file:line: reason``, the reason's first line: how a bad line is named."""
    reason = str(exc).splitlines()[0]
    if isinstance(exc, orjson.JSONDecodeError):
        if "UTF-8" in reason:  # "str is not valid UTF-8: surrogates not allowed"
            reason = "not UTF-8 text (convert the file first, e.g. iconv -f GBK -t UTF-8)"
        else:
            reason = f"not JSON: {reason}"  # orjson's own words name no file format
    return f"{path}:{lineno}: {reason}"


def write_lines(values: Iterable[dict[str, Any]], out: IO[bytes] | None = None) -> int:
    """Write dicts as JSON Lines; return how many were written."""
    target = out or sys.stdout.buffer
    count = 0
    for value in values:
        target.write(orjson.dumps(value) + b"\n")
        count += 1
    target.flush()
    return count
