"""SQL text built from user input: string literals and event-time bounds.

The read-only ``/sql`` endpoint takes one statement and no parameters, so the commands that
scope their queries (``report``, ``backtest``) write values into the SQL text through these
two functions and nowhere else.
"""

from __future__ import annotations

from datetime import datetime

from streams.errors import OrderguardError


class InvalidValue(OrderguardError, ValueError):
    """A value a query cannot be scoped by (the CLI prints it as a one-line error)."""


def literal(text: str) -> str:
    """``text`` as a SQL string literal (DuckDB's standard strings: only ``'`` is special).

    Raises:
        InvalidValue: for a NUL character, which no id or name of the store holds.

    """
    text = str(text)
    if "\x00" in text:
        raise InvalidValue("a NUL character cannot be part of a value")
    return "'" + text.replace("'", "''") + "'"


def time_bounds(since: datetime | None, until: datetime | None, column: str = "occurred_at") -> str:
    """The SQL condition for ``since <= column < until`` (either may be open), in integers."""
    parts = ["true"]
    if since is not None:
        parts.append(f"epoch_us({column}) >= {micros(since)}")
    if until is not None:
        parts.append(f"epoch_us({column}) < {micros(until)}")
    return " AND ".join(parts)


def micros(at: datetime) -> int:
    """Epoch microseconds of a timezone-aware instant.

    Raises:
        ValueError: for a naive datetime, whose instant is not known.

    """
    if at.tzinfo is None:
        raise ValueError("since/until must be timezone-aware")
    return int(at.timestamp()) * 1_000_000 + at.microsecond
