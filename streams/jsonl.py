"""JSON Lines in and out: canonical events from files, one clear error per bad line."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from schemas.event import validate_event
from streams.core.lists import ListBook, ListEntry
from streams.errors import InvalidEvent


def read_events(
    path: Path | str, *, on_error: str = "raise", errors: IO[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield validated canonical events from a JSON Lines file (``-`` is standard input).

    Args:
        path: the file.
        on_error: ``"raise"`` stops at the first bad line; ``"skip"`` reports it and goes on.
        errors: where skipped lines are reported (standard error by default).

    """
    stream = sys.stdin.buffer if str(path) == "-" else open(path, "rb")  # noqa: SIM115
    report = errors or sys.stderr
    try:
        for lineno, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                yield validate_event(orjson.loads(line))
            except (orjson.JSONDecodeError, InvalidEvent) as exc:
                reason = _where(path, lineno, exc)
                if on_error == "raise":
                    raise InvalidEvent(reason) from None
                print(f"skipped {reason}", file=report)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def read_lists(path: Path | str) -> ListBook:
    """The allow and deny lists in a JSON Lines file, one entry per line.

    The format is what ``orderguard block list --all --format jsonl`` prints; a later line
    for the same kind, seller and buyer replaces an earlier one, as on the lists topic.

    Raises:
        InvalidEvent: a line is not an entry (the error names the file and line).

    """
    book = ListBook()
    with open(path, "rb") as stream:
        for lineno, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
                book.apply(ListEntry.from_dict(value).key, value)
            except (orjson.JSONDecodeError, InvalidEvent) as exc:
                raise InvalidEvent(_where(path, lineno, exc)) from None
    return book


def _where(path: Path | str, lineno: int, exc: Exception) -> str:
    """``file:line: reason``, the reason's first line: how a bad line is named."""
    return f"{path}:{lineno}: {str(exc).splitlines()[0]}"


def write_lines(values: Iterable[dict[str, Any]], out: IO[bytes] | None = None) -> int:
    """Write dicts as JSON Lines; return how many were written."""
    target = out or sys.stdout.buffer
    count = 0
    for value in values:
        target.write(orjson.dumps(value) + b"\n")
        count += 1
    target.flush()
    return count
