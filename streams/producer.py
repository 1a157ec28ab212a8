"""Publishing canonical events to ``orderguard.events`` with kafka-python, keyed per contract."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from kafka import KafkaProducer
from kafka.errors import KafkaTimeoutError

from schemas.event import kafka_key
from streams import topics
from streams.errors import OrderguardError
from streams.kafka_admin import broker_answers
from streams.kafka_codec import TextKey
from streams.kafka_security import client_options

# what a record may be: the topics take MAX_MESSAGE_BYTES; the key, headers and the record's
# framing need a little of it
MAX_EVENT_BYTES = topics.MAX_MESSAGE_BYTES - 16 * 1024
# how long the broker may acknowledge nothing, while it does not answer either, before the
# sending stops: kafka-python would otherwise wait in flush() for as long as it is down
STALL_S = 60.0
# what re-sending costs: nothing but time, which is why every failure says so
AGAIN = "producing the same events again is safe: the orders stage drops an event_id it has seen"


class ProduceFailed(OrderguardError):  # noqa: N818
    """Some events were not acknowledged; the message says how many were."""


def produce(
    bootstrap: str,
    events: Iterable[dict[str, Any]],
    topic: str = topics.EVENTS,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Send events (key: order id, else buyer id) and wait until the broker acknowledged all.

    Every event is encoded and measured before the first is sent: one over the topic's
    size limit stops the call with nothing sent.

    Args:
        bootstrap: Kafka bootstrap servers.
        events: canonical events, already checked.
        topic: where to send them.
        progress: called now and then with (sent, acknowledged).

    Returns:
        How many events the broker acknowledged: all of them.

    Raises:
        ProduceFailed: an event too large to send (nothing sent); the broker refused some,
            or stopped answering for a minute, or the user interrupted: the message says
            how many were acknowledged.

    """
    records = []  # each event encoded once: measured here, sent as these bytes
    for n, event in enumerate(events, 1):
        value = orjson.dumps(event)
        if len(value) > MAX_EVENT_BYTES:
            raise ProduceFailed(f"event {n} ({event.get('event_id')!r}) is {len(value):,} "
                                f"bytes; the topic takes {MAX_EVENT_BYTES:,} at most: nothing "
                                "was sent")
        records.append((kafka_key(event), value))
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, client_id="orderguard-produce",
        key_serializer=TextKey(), max_request_size=topics.MAX_MESSAGE_BYTES, **client_options(),
    )
    acks = _Acks()
    sent = 0
    try:
        for key, value in records:
            future = _send(producer, topic, key, value, acks, sent, bootstrap)
            future.add_callback(acks.ok).add_errback(acks.failed)
            sent += 1
            if progress is not None and sent % 50_000 == 0:
                progress(sent, acks.count)
        _wait(producer, acks, sent, bootstrap)
    except KeyboardInterrupt:
        raise ProduceFailed(f"interrupted: {acks.count:,} of {len(records):,} events were "
                            f"acknowledged; {AGAIN}") from None
    except KafkaTimeoutError as exc:
        raise ProduceFailed(f"Kafka did not take the events ({exc}): {acks.count:,} of "
                            f"{len(records):,} were acknowledged; {AGAIN}") from None
    finally:
        _close(producer)
    if acks.errors:
        raise ProduceFailed(f"{acks.errors:,} of {len(records):,} events were not acknowledged "
                            f"({acks.first_error}); {acks.count:,} were; {AGAIN}")
    if progress is not None:
        progress(sent, acks.count)
    return acks.count


def _send(producer: KafkaProducer, topic: str, key: str, value: bytes, acks: _Acks,
          sent: int, bootstrap: str) -> Any:
    """Send one record; if the send buffer stays full, wait for the answers and try again.

    kafka-python raises KafkaTimeoutError from ``send`` after ``max_block_ms`` without
    buffer room (a slow broker), the record not taken: waiting for the ``sent`` records'
    answers (:func:`_wait`, which raises when no broker answers) makes room for it.
    """
    try:
        return producer.send(topic, key=key, value=value, headers=HEADERS)
    except KafkaTimeoutError:
        _wait(producer, acks, sent, bootstrap)
    return producer.send(topic, key=key, value=value, headers=HEADERS)


HEADERS = [("content-type", b"application/json")]


def _close(producer: KafkaProducer) -> None:
    """Close the producer; with sends still unanswered (no broker), without waiting on them.

    kafka-python's ``close`` flushes first and raises when that times out, leaving its
    sender thread retrying; that thread is stopped here instead.
    """
    try:
        producer.close(timeout=5)
    except KafkaTimeoutError:
        sender = getattr(producer, "_sender", None)
        if sender is not None:
            sender.force_close()


class _Acks:
    """Counts the broker's answers to the sends."""

    def __init__(self) -> None:
        self.count = 0
        self.errors = 0
        self.first_error = ""

    def ok(self, _metadata: Any) -> None:
        self.count += 1

    def failed(self, exc: BaseException) -> None:
        self.errors += 1
        self.first_error = self.first_error or f"{type(exc).__name__}: {exc}"

    @property
    def answered(self) -> int:
        return self.count + self.errors


def _wait(producer: KafkaProducer, acks: _Acks, sent: int, bootstrap: str) -> None:
    """Flush until every send is answered; stop when nothing moves and no broker answers.

    Raises:
        ProduceFailed: no answer for :data:`STALL_S` seconds and no broker at ``bootstrap``.

    """
    moved_at, answered = time.monotonic(), acks.answered
    while acks.answered < sent:
        try:
            producer.flush(timeout=5)
        except KafkaTimeoutError:
            pass
        if acks.answered != answered:
            moved_at, answered = time.monotonic(), acks.answered
        elif time.monotonic() - moved_at >= STALL_S and not broker_answers(bootstrap):
            raise ProduceFailed(f"Kafka at {bootstrap} stopped answering: {acks.count:,} of "
                                f"{sent:,} events sent were acknowledged; {AGAIN}")
