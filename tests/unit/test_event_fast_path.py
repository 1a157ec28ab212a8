"""validate_event's quick pass accepts and rejects exactly as the full checks do."""

from __future__ import annotations

import copy
import random

import orjson

from schemas import event as schema
from streams.errors import InvalidEvent
from streams.simulator import simulate

ODD_VALUES = [
    None, "", 0, 1, True, 1.5, [], {}, ["x"], {"a": 1}, "x", "12.5", "1e3", "NaN", "12.",
    "²", "2026-10-01T08:00:00", "2026-10-01T08:00:00Z", "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00", "buyer", "seller", "order.created", "buyer.message",
    "shopify",
]
FIELDS = [
    "event_id", "type", "occurred_at", "marketplace", "seller_id", "order_id", "buyer_id",
    "dispute_id", "chargeback_id", "refund_id", "actor", "shipping", "payment", "device",
    "amount", "items", "payment_deadline_at", "deadline_at", "schema_version",
]


def _outcome(check, obj):
    try:
        return ("ok", check(obj), obj)
    except InvalidEvent as exc:
        return ("invalid", str(exc), obj)


def test_quick_pass_agrees_with_the_full_checks():
    rng = random.Random(3)
    events = simulate(4, buyers=200, days=2).events
    for n in range(6000):
        event = orjson.loads(orjson.dumps(rng.choice(events)))
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            field = rng.choice(FIELDS)
            if rng.random() < 0.2:
                event.pop(field, None)
            else:
                event[field] = copy.deepcopy(rng.choice(ODD_VALUES))
        assert _outcome(schema.validate_event, copy.deepcopy(event)) == _outcome(
            schema._validate, copy.deepcopy(event)
        ), (n, event)
    assert _outcome(schema.validate_event, [1]) == _outcome(schema._validate, [1])
