"""The allow and deny lists on their compacted topic: publish, remove, read back."""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from streams import durations
from streams.core.lists import ListBook, ListEntry
from streams.errors import InvalidEvent
from streams.kafka_codec import TextKey
from streams.kafka_security import client_options
from streams.topics import LISTS

log = logging.getLogger("orderguard.lists")


def _send(bootstrap: str, key: str, value: bytes | None) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", key_serializer=TextKey(),
                             client_id="orderguard-lists", **client_options())
    try:
        producer.send(LISTS, key=key, value=value).get(timeout=30)
    finally:
        producer.close()


def publish_entry(bootstrap: str, entry: ListEntry) -> None:
    """Add or replace an entry; every worker picks it up within moments."""
    _send(bootstrap, entry.key, orjson.dumps(entry.to_dict()))


def remove_entry(bootstrap: str, key: str) -> None:
    """Remove an entry: a tombstone, which compaction eventually drops."""
    _send(bootstrap, key, None)


def partitions(bootstrap: str, topic: str = LISTS) -> list[int]:
    """The lists topic's partitions.

    One when orderguard created the topic, but every one of them when a client's
    auto-creation got there first (an entry's key keeps it in one of them).
    """
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, **client_options())
    try:
        return _partitions(consumer, topic)
    finally:
        consumer.close()


def _partitions(consumer: KafkaConsumer, topic: str) -> list[int]:
    return sorted(consumer.partitions_for_topic(topic) or {0})


def read_book(bootstrap: str, timeout_s: float = 30, topic: str = LISTS) -> ListBook:
    """Read the lists topic from the start to its current end."""
    book = ListBook()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                             enable_auto_commit=False, auto_offset_reset="earliest",
                             **client_options())
    try:
        tps = [TopicPartition(topic, p) for p in _partitions(consumer, topic)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        deadline = time.monotonic() + timeout_s
        while (any(consumer.position(tp) < ends[tp] for tp in tps)
               and time.monotonic() < deadline):
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    apply_record(book, record)
    finally:
        consumer.close()
    return book


def apply_record(book: ListBook, record: Any) -> bool:
    """Fold one record of the lists topic into ``book``; a malformed one is skipped, logged.

    A bad record (not JSON, not an entry, no key) must not hide every other entry from
    the workers that apply the lists, nor from ``orderguard block list``.

    Returns:
        Whether the record was applied.

    """
    try:
        value = None if record.value is None else orjson.loads(record.value)
        book.apply(record.key.decode(), value)
    except (InvalidEvent, ValueError, AttributeError) as exc:
        log.warning("lists: skipped a malformed entry at %s[%s]@%s: %s",
                    record.topic, record.partition, record.offset, exc)
        return False
    return True


def parse_expiry(text: str | None, now: int) -> int | None:
    """``30d``/``12h``/``90m``/``2w`` from ``now``, a UTC day, or an RFC 3339 time, as epoch s.

    Raises:
        InvalidEvent: for anything else, or a time in the past.

    """
    if not text:
        return None
    duration = durations.seconds(text)
    if duration is not None:
        at = now + duration
    else:
        when = durations.instant(text)
        if when is None:
            raise InvalidEvent(
                f"--expires must be a duration like 30d, 12h, 2w, a day (2027-01-31, from its "
                f"start in UTC) or an RFC 3339 time, not {text!r}")
        at = int(when.timestamp())
    if at <= now:
        # an entry that has lapsed already would replace (and so lift) a live one
        raise InvalidEvent(f"--expires {text} is not in the future")
    if at - now > MAX_EXPIRY_S:
        raise InvalidEvent(f"--expires {text} is more than 100 years away; leave --expires "
                           "out for an entry that never lapses")
    return at


MAX_EXPIRY_S = 100 * 365 * 86400
