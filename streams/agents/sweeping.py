"""Forgetting idle table entries from inside a stream iteration (``streams.core.sweep``).

Faust writes a table deletion to the changelog partition of the event being processed. So
an agent deletes only the entries that live in that partition: the orders agent stamps the
partition in each order's state (``orderguard.events`` may come from any producer), the
buyers and identities agents recompute it from the key, as their internal topics were
partitioned by the app's own producer (aiokafka's default: murmur2 of the key, as the Java
client does). A restart then recovers the tables without the forgotten entries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiokafka.partitioner import murmur2

from streams.agents.wiring import log
from streams.core import sweep
from streams.core.sweep import Sweeper, day_start, watermark_idle


def partition_of(key: str, partitions: int) -> int:
    """The partition the app's producer gave a key (the default partitioner's murmur2)."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def forget(table: Any, doomed: Callable[[Any, Any], bool], what: str) -> list[Any]:
    """Delete the entries of ``table`` for which ``doomed(key, value)`` holds; their keys."""
    gone = sweep.forget(table, doomed)
    if gone:
        log.info("%s: forgot %d idle entries", what, len(gone))
    return gone


def sweep_by_key(
    sweeper: Sweeper, table: Any, partition: int, occurred_at: str, partitions: int, what: str
) -> list[Any]:
    """Forget, when a sweep is due, the partition's entries with no event for too long.

    For the tables keyed like the topic they are fed from (buyer id, identity key): an
    entry is the partition's when the app's producer put its key there.
    """
    before = sweeper.due(partition, occurred_at)
    if before is None:
        return []
    since = day_start(before)
    return forget(
        table,
        lambda k, v: watermark_idle(v, since) and partition_of(k, partitions) == partition,
        f"{what}, partition {partition}",
    )
