from __future__ import annotations

import pytest

from schemas.event import validate_event
from streams.adapters import Webhook, normalize
from streams.core.orders import step_order
from streams.errors import InvalidEvent
from tests.unit.adapters.adapter_fixtures import hook, load, raw

RETRIEVED = "woocommerce/order_v3__retrieve_example.json"  # status processing, date_paid set
UPDATED = "woocommerce/order_v3__update_example.json"  # status completed
REFUND = "woocommerce/order_refund_v3__create_example.json"
SOURCE = "https://shop.example.org/"
VECTORS = "signature_test_vectors__GENERATED.json"


def outcome(body, topic, **headers):
    result = normalize(hook("woocommerce", body, X_WC_Webhook_Topic=topic, **headers))
    for event in result.events:
        validate_event(dict(event))
    return result


def events(body, topic, **headers):
    return outcome(body, topic, **headers).events


def test_order_created_already_paid_gives_order_created_and_order_paid():
    created, paid = events(raw(RETRIEVED), "order.created")
    assert created == {
        "event_id": "woocommerce:order.created:example.com:727",
        "type": "order.created",
        "occurred_at": "2017-03-22T19:28:02Z",  # date_created_gmt
        "marketplace": "woocommerce",
        "seller_id": "example.com",  # from _links.self
        "order_id": "example.com:727",  # numbers restart on every site: scoped by the shop
        "buyer_id": "email:john.doe@example.com",  # guest: customer_id 0
        "source_updated_at": "2017-03-22T19:28:08Z",
        "amount": "29.35",
        "currency": "USD",
        "items": [
            {"sku": "product:93", "quantity": 2, "unit_price": "3"},
            {"sku": "Bar3", "quantity": 1, "unit_price": "12"},
        ],
        "shipping": {
            "name": "John Doe",
            "phone": "(555) 555-5555",
            "email": "john.doe@example.com",
            "country": "US",
            "region": "CA",
            "city": "San Francisco",
            "postal_code": "94103",
            "address1": "969 Market",
        },
        "payment": {"method": "bacs"},
        "schema_version": 1,
    }
    assert paid["event_id"] == "woocommerce:order.paid:example.com:727"
    assert (paid["type"], paid["occurred_at"]) == ("order.paid", "2017-03-22T19:28:08Z")
    assert (paid["amount"], paid["currency"]) == ("29.35", "USD")


def test_completed_update_repeats_the_paid_fact_with_the_same_id():
    [paid] = events(raw(UPDATED), "order.updated")
    assert paid["event_id"] == "woocommerce:order.paid:example.com:727"
    assert paid["occurred_at"] == "2017-03-22T19:28:08Z"
    assert paid["source_updated_at"] == "2017-03-22T19:30:35Z"  # newer snapshot


def test_webhook_source_header_names_the_seller():
    [paid] = events(raw(UPDATED), "order.updated", X_WC_Webhook_Source=SOURCE)
    assert paid["seller_id"] == "shop.example.org"
    assert paid["event_id"] == "woocommerce:order.paid:shop.example.org:727"
    assert paid["order_id"] == "shop.example.org:727"


def test_two_shops_order_727_are_two_orders_all_the_way_through_the_orders_stage():
    here, there = (events(raw(RETRIEVED), "order.created", X_WC_Webhook_Source=source)
                   for source in (SOURCE, "https://other-shop.example.net"))
    assert here[0]["order_id"] != there[0]["order_id"]
    states: dict[str, dict] = {}
    forwarded = []
    for event in [*here, *there]:  # as the orders stage keys its table: by order_id
        state, out = step_order(states.get(event["order_id"]), event)
        states[event["order_id"]] = state
        forwarded += out
    assert [e["type"] for e in forwarded] == ["order.created", "order.paid"] * 2
    assert len(states) == 2


def test_pending_order_cancelled_without_payment_is_closed_unpaid():
    order = load(RETRIEVED)
    order.update(status="cancelled", date_paid=None, date_paid_gmt=None)
    [event] = events(order, "order.updated")
    assert event["event_id"] == "woocommerce:order.closed_unpaid:example.com:727"
    assert (event["type"], event["actor"]) == ("order.closed_unpaid", "system")
    assert event["occurred_at"] == "2017-03-22T19:28:08Z"  # date_modified_gmt


def test_order_cancelled_after_payment_is_a_cancel():
    order = load(RETRIEVED) | {"status": "cancelled"}
    paid, cancelled = events(order, "order.updated")
    assert paid["type"] == "order.paid"
    assert (cancelled["type"], cancelled["actor"]) == ("order.cancelled", "seller")


def test_failed_order_is_a_payment_failure_per_modification():
    order = load(RETRIEVED)
    order.update(status="failed", date_paid=None, date_paid_gmt=None)
    [event] = events(order, "order.updated")
    assert event["type"] == "payment.failed"
    assert event["event_id"] == "woocommerce:payment.failed:example.com:727:2017-03-22T19:28:08Z"


def test_registered_customer_id_is_scoped_by_shop():
    order = load(RETRIEVED) | {"customer_id": 12}
    assert events(order, "order.created")[0]["buyer_id"] == "woocommerce:example.com:12"


def test_customer_ip_becomes_the_device():
    order = load(RETRIEVED) | {"customer_ip_address": "198.51.100.4"}
    assert events(order, "order.created")[0]["device"] == {"ip": "198.51.100.4"}


def test_refunds_listed_on_an_order_update_become_refund_completed():
    order = load(UPDATED)
    order["status"] = "refunded"
    order["refunds"] = [{"id": 726, "reason": "damaged", "total": "-10.00"}]
    paid, refund = events(order, "order.updated")
    assert refund["event_id"] == "woocommerce:refund.completed:example.com:726"
    assert (refund["refund_id"], refund["amount"], refund["currency"]) == ("726", "10.00", "USD")
    assert refund["reason"] == "damaged"


def test_refund_resource_becomes_refund_completed_for_the_order_in_its_links():
    [event] = events(raw(REFUND), "refund.created")
    assert event == {
        "event_id": "woocommerce:refund.completed:example.com:726",
        "type": "refund.completed",
        "occurred_at": "2017-03-21T20:07:11Z",
        "marketplace": "woocommerce",
        "seller_id": "example.com",
        "order_id": "example.com:723",  # from _links.up .../orders/723
        "refund_id": "726",
        "amount": "10.00",
        "schema_version": 1,
    }


def test_refund_resource_without_an_order_is_invalid():
    refund = load(REFUND)
    del refund["_links"]
    with pytest.raises(InvalidEvent, match="order"):
        events(refund, "refund.created")


def test_ping_is_a_ping_with_no_events():
    result = normalize(hook("woocommerce", b"webhook_id=3"))
    assert (result.ping, result.events, result.unknown_topic) == (True, [], None)


def test_dedupe_key_is_order_modified_and_status_per_topic():
    keys = outcome(raw(RETRIEVED), "order.updated").dedupe_keys
    assert "woocommerce:example.com:order.updated:727:2017-03-22T19:28:08Z:processing" in keys
    created_keys = outcome(raw(RETRIEVED), "order.created").dedupe_keys
    assert not set(keys) & set(created_keys)


def test_unknown_topic_is_reported():
    result = outcome(raw(RETRIEVED), "product.updated")
    assert (result.unknown_topic, result.events) == ("product.updated", [])


def test_missing_topic_is_invalid():
    with pytest.raises(InvalidEvent, match="topic"):
        normalize(hook("woocommerce", raw(RETRIEVED)))


def test_signature_vector_headers_drive_topic_and_seller():
    [vector] = [v for v in load(VECTORS)["vectors"] if v["platform"] == "woocommerce"]
    result = normalize(Webhook("woocommerce", vector["headers"], raw(vector["body_file"])))
    assert [e["type"] for e in result.events] == ["order.created", "order.paid"]
    assert {e["seller_id"] for e in result.events} == {"example.com"}


def test_the_buyers_checkout_note_becomes_a_buyer_message_when_the_order_is_created():
    order = load(RETRIEVED)
    order["customer_note"] = "可以私下交易吗？微信转账给你"
    created, note, _paid = events(order, "order.created")
    assert note == {
        "event_id": "woocommerce:buyer.message:example.com:727:note",
        "type": "buyer.message",
        "occurred_at": created["occurred_at"],
        "marketplace": "woocommerce",
        "seller_id": "example.com",
        "order_id": "example.com:727",
        "buyer_id": "email:john.doe@example.com",
        "source_updated_at": created["source_updated_at"],
        "text": "可以私下交易吗？微信转账给你",
        "actor": "buyer",
        "schema_version": 1,
    }
    # later snapshots of the order carry the same note: it is a message once
    assert "buyer.message" not in [e["type"] for e in events(order, "order.updated")]


def test_a_checkout_note_asking_to_pay_off_the_platform_raises_the_alert():
    from streams.core.replay import Replay
    from streams.core.rules import load_rules

    order = load(RETRIEVED)
    order["customer_note"] = "Can I pay you with Zelle instead? cheaper for both"
    engine = Replay(load_rules())
    alerts = [a for e in events(order, "order.created") for a in engine.feed(dict(e))]
    asked = [a for a in alerts if a["rule_id"] == "off_platform_payment"]
    assert [(a["buyer_ids"], a["order_id"]) for a in asked] == [
        (["email:john.doe@example.com"], "example.com:727")]
