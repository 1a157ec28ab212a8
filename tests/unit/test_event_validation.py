import pytest

from schemas.event import kafka_key, validate_event
from streams.errors import InvalidEvent
from tests.factories import make_event


def test_valid_order_created_passes_and_defaults_schema_version():
    event = validate_event(make_event())
    assert event["schema_version"] == 1


def test_unknown_extra_fields_are_kept():
    event = validate_event(make_event(platform_extra={"x": 1}))
    assert event["platform_extra"] == {"x": 1}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"event_id": ""}, "missing required field 'event_id'"),
        ({"type": "order.exploded"}, "unknown event type"),
        ({"marketplace": "ebay"}, "unknown marketplace"),
        ({"occurred_at": "2026-10-01 08:30"}, "no UTC offset"),
        ({"occurred_at": "yesterday"}, "not an RFC 3339 timestamp"),
        ({"order_id": 4503599627370497}, "order_id must be a string"),
        ({"amount": 129.9}, "amount must be a decimal string"),
        ({"amount": "12,90"}, "amount is not a decimal"),
        ({"amount": "NaN"}, "amount must be finite"),
        ({"buyer_id": None}, "buyer_id"),
        ({"actor": "robot"}, "unknown actor"),
        ({"shipping": "Main St 1"}, "shipping must be an object"),
        ({"schema_version": 2}, "unsupported schema_version"),
        ({"type": ["order.created"]}, "unknown event type"),
        ({"marketplace": {"x": 1}}, "unknown marketplace"),
        ({"actor": ["buyer"]}, "unknown actor"),
        ({"occurred_at": "9999-12-31T23:59:59-23:59"}, "out of range"),
        # the stock rules read it: an order stops holding stock at its payment deadline
        ({"payment_deadline_at": "in 3 days"}, "payment_deadline_at is not an RFC 3339"),
        ({"payment_deadline_at": "2026-10-04T08:30:00"}, "payment_deadline_at has no UTC"),
        ({"payment_deadline_at": 1791187200}, "payment_deadline_at must be an RFC 3339"),
    ],
)
def test_invalid_events_are_refused_with_a_one_line_reason(change, reason):
    event = make_event()
    event.update(change)
    with pytest.raises(InvalidEvent, match=reason) as info:
        validate_event(event)
    assert "\n" not in str(info.value)


def test_follow_up_may_omit_buyer_but_not_order():
    validate_event(make_event("order.paid", buyer=None))
    with pytest.raises(InvalidEvent, match="order_id"):
        validate_event(make_event("order.paid", buyer=None, order_id=""))


def test_buyer_message_is_keyed_by_buyer_when_it_has_no_order():
    event = validate_event(make_event("buyer.message", order_id="", text="pay by wire?"))
    event.pop("order_id")
    assert kafka_key(event) == "b1"


def test_non_object_is_refused():
    with pytest.raises(InvalidEvent, match="JSON object"):
        validate_event([1, 2])
