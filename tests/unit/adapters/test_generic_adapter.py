from __future__ import annotations

import pytest

from streams.adapters import normalize
from streams.errors import InvalidEvent
from tests.unit.adapters.adapter_fixtures import dumps, hook


def canonical(**overrides):
    event = {
        "event_id": "erp:order.created:A-1",
        "type": "order.created",
        "occurred_at": "2026-03-01T08:30:00Z",
        "marketplace": "aliexpress",
        "seller_id": "s1",
        "order_id": "8190000000000001",
        "buyer_id": "aliexpress:cn1234",
        "amount": "35.20",
        "currency": "USD",
    }
    return event | overrides


def test_single_canonical_event_passes_through_with_schema_version():
    outcome = normalize(hook("generic", canonical()))
    assert outcome.events == [canonical(schema_version=1)]
    assert [k[:5] for k in outcome.dedupe_keys] == ["body:"]


def test_array_of_events_is_accepted_in_order():
    second = canonical(event_id="erp:order.paid:A-1", type="order.paid")
    outcome = normalize(hook("generic", [canonical(), second]))
    assert [e["event_id"] for e in outcome.events] == [
        "erp:order.created:A-1",
        "erp:order.paid:A-1",
    ]


def test_unknown_extra_fields_are_kept():
    assert normalize(hook("generic", canonical(note="vip"))).events[0]["note"] == "vip"


def test_invalid_item_in_an_array_is_named_by_its_index():
    with pytest.raises(InvalidEvent, match="event 1: missing required field 'buyer_id'"):
        normalize(hook("generic", [canonical(), canonical(buyer_id=None)]))


@pytest.mark.parametrize(
    "body",
    [
        b"42",
        b'"text"',
        b"[1]",
        b"[]",
        dumps(canonical(amount=129.9)),
        dumps(canonical(order_id=4000000000000000001)),
        dumps(canonical(type=["order.created"])),
        dumps(canonical(marketplace={"x": 1})),
        dumps(canonical(occurred_at="9999-12-31T23:59:59-23:59")),
    ],
)
def test_wrong_shapes_are_invalid_events(body):
    with pytest.raises(InvalidEvent):
        normalize(hook("generic", body))


def test_invalid_utf8_is_invalid():
    with pytest.raises(InvalidEvent, match="UTF-8"):
        normalize(hook("generic", b'{"event_id": "\xff"}'))
