"""The stored history: canonical events read back from the analytics store, oldest first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

import orjson

from analytics.report import Query
from analytics.sqltext import literal, time_bounds
from schemas.event import validate_event
from streams.errors import InvalidEvent
from streams.skips import Skips

# Event time first; within one order, the order its events arrived in on orderguard.events
# (one order is one partition, and offsets are its arrival order); the id breaks what is left.
_ORDER = (
    "epoch_us(occurred_at), coalesce(kafka_partition, -1), coalesce(kafka_offset, -1), event_id"
)
PAGE_SIZE = 50_000
_SPAN = "epoch_us(min(occurred_at)), epoch_us(max(occurred_at)), count(*)"


def count_events(query: Query, since: datetime | None = None, until: datetime | None = None) -> int:
    """How many stored events fall in ``[since, until)``."""
    sql = f"SELECT count(*) FROM events WHERE {time_bounds(since, until)}"  # noqa: S608 - ints only
    return int(query(sql).rows[0][0])


def stored_events(
    query: Query,
    since: datetime | None = None,
    until: datetime | None = None,
    page_size: int = PAGE_SIZE,
    on_error: str = "raise",
    errors: IO[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield the stored canonical events in ``[since, until)``, by event time, validated.

    Events of one order at the same instant come in the order they arrived. The store is
    read in pages (keyset pagination), so that a history of any length goes through a
    running worker's ``/sql`` endpoint as well as through the file. Each page also keeps
    to a slice of event time (sized from the pages before it) that DuckDB can find by the
    ``occurred_at`` column alone, skipping the rest of the table: a page that had to rank
    every later event would make reading a long history quadratic.

    Args:
        query: runs one read-only SQL statement (``analytics.client.run_sql``).
        since: the first instant to include, if any.
        until: the first instant to leave out, if any.
        page_size: rows per query.
        on_error: ``"raise"`` stops at the first stored payload that is not a valid
            canonical event; ``"skip"`` reports it and goes on (stores written before the
            sink checked events hold the ones the orders stage dead-lettered).
        errors: where skipped events are reported (standard error by default). The first
            :data:`~streams.skips.REPORTED_SKIPS` are named, the rest counted at the end.

    Raises:
        InvalidEvent: with ``on_error="raise"``, a stored payload that is not a valid
            canonical event.

    """
    skips = Skips(errors)
    yield from _pages(query, time_bounds(since, until), page_size, on_error, skips)
    skips.close("stored events")


def _pages(
    query: Query, where: str, page_size: int, on_error: str, skips: Skips
) -> Iterator[dict[str, Any]]:
    """:func:`stored_events` over ``where``, page by page."""
    # the bounds are integers
    span_sql = f"SELECT {_SPAN} FROM events WHERE {where}"  # noqa: S608
    first, last, total = query(span_sql).rows[0]
    if not total:
        return
    # as long as page_size events take on average, at least a second
    span = max((int(last) - int(first)) * page_size // int(total), 1_000_000)
    start, after = int(first), "true"  # events from start on, past the keyset cursor
    while start <= last:
        end = start + span
        # the bounds are integers and the cursor's id is quoted by literal
        sql = (
            f"SELECT payload, epoch_us(occurred_at), coalesce(kafka_partition, -1), "  # noqa: S608
            f"coalesce(kafka_offset, -1), event_id FROM events WHERE {where} "
            f"AND occurred_at >= make_timestamptz({start}) "
            f"AND occurred_at < make_timestamptz({end}) AND {after} "
            f"ORDER BY {_ORDER} LIMIT {int(page_size)}"
        )
        rows = query(sql).rows
        for row in rows:
            payload = row[0]
            try:
                yield validate_event(orjson.loads(payload))
            except (orjson.JSONDecodeError, InvalidEvent) as exc:
                reason = f"stored event {row[4]!r}: {str(exc).splitlines()[0]}"
                if on_error == "raise":
                    raise InvalidEvent(reason) from None
                skips.skip(reason)
        if len(rows) < page_size:  # the slice is done: the next one starts where it ended
            start, after = end, "true"
            if 2 * len(rows) < page_size:  # under half a page: wider slices
                span *= 2
            continue
        at, partition, offset, event_id = rows[-1][1:]
        start = int(at)  # the slice goes on past the page's last event
        after = (
            f"({_ORDER}) > ({int(at)}, {int(partition)}, {int(offset)}, {literal(event_id)})"
        )
        span = max(span // 2, 1_000_000) if int(at) < end - span // 2 else span

