"""Publishing canonical events to ``orderguard.events`` with kafka-python, keyed per contract."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kafka import KafkaProducer

from schemas.event import kafka_key
from streams.kafka_codec import JsonValue, TextKey
from streams.kafka_security import client_options
from streams.topics import EVENTS


def produce(bootstrap: str, events: Iterable[dict[str, Any]], topic: str = EVENTS) -> int:
    """Send events (key: order id, else buyer id) and wait until the broker acknowledged all."""
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, client_id="orderguard-produce",
        key_serializer=TextKey(), value_serializer=JsonValue(), **client_options(),
    )
    count = 0
    try:
        for event in events:
            producer.send(
                topic, key=kafka_key(event), value=event,
                headers=[("content-type", b"application/json")],
            )
            count += 1
        producer.flush()
    finally:
        producer.close()
    return count
