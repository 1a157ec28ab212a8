"""Traffic builders and a downstream alert reader for the integration tests."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

import orjson
from kafka import KafkaConsumer

from streams.topics import ALERTS
from tests.factories import make_event, unpaid_order


def post(url: str, body: bytes | Any, path: str = "/webhooks/generic") -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else orjson.dumps(body)
    request = urllib.request.Request(f"{url}{path}", data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, orjson.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, orjson.loads(exc.read())


def nonpayer(buyer: str, start: datetime, prefix: str, orders: int = 5) -> list[dict]:
    """Orders that close unpaid, a few hours apart; the closes carry no buyer id."""
    events: list[dict] = []
    for n in range(orders):
        events += unpaid_order(buyer, start + timedelta(hours=6 * n), prefix, n)
    return events


def churner(buyer: str, start: datetime, prefix: str, orders: int = 6) -> list[dict]:
    """Orders the buyer cancels within the hour."""
    events: list[dict] = []
    for n in range(orders):
        at = start + timedelta(hours=3 * n)
        order = f"{prefix}-co{n}"
        events.append(make_event("order.created", buyer=buyer, order=order, at=at,
                                 event_id=f"{prefix}-c{n}-c"))
        events.append(make_event("order.cancelled", buyer=buyer, order=order,
                                 at=at + timedelta(minutes=40), event_id=f"{prefix}-c{n}-x",
                                 reason="changed my mind"))
    return events


def honest(buyer: str, start: datetime, prefix: str, orders: int = 5) -> list[dict]:
    events: list[dict] = []
    for n in range(orders):
        at = start + timedelta(hours=5 * n)
        order = f"{prefix}-ho{n}"
        events.append(make_event("order.created", buyer=buyer, order=order, at=at,
                                 event_id=f"{prefix}-h{n}-c"))
        events.append(make_event("order.paid", order=order, buyer=None,
                                 at=at + timedelta(minutes=5), event_id=f"{prefix}-h{n}-p"))
    return events


def read_alerts(bootstrap: str, buyers: set[str], until: Any, timeout_s: float = 90) -> list[dict]:
    """Read orderguard.alerts as a downstream system would (kafka-python, own group).

    Like ``orderguard alerts``, it skips a message that is not a JSON alert.

    Returns the alerts about ``buyers`` once ``until(alerts)`` is true.
    """
    consumer = KafkaConsumer(
        ALERTS, bootstrap_servers=bootstrap, group_id=f"it-reader-{time.time_ns()}",
        auto_offset_reset="earliest", enable_auto_commit=False,
        consumer_timeout_ms=1000,
    )
    found: list[dict] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            for message in consumer:
                try:  # other tests put garbage on the topic on purpose
                    alert = orjson.loads(message.value)
                except orjson.JSONDecodeError:
                    continue
                if isinstance(alert, dict) and set(alert.get("buyer_ids") or ()) & buyers:
                    found.append(alert)
            if until(found):
                return found
    finally:
        consumer.close()
    raise AssertionError(f"alerts for {sorted(buyers)} not complete after {timeout_s}s: {found}")
