from __future__ import annotations

import pytest

from schemas.event import validate_event
from streams.adapters import normalize
from streams.errors import InvalidEvent
from tests.unit.adapters.adapter_fixtures import hook, load, raw

ORDER = "shopify/orders_create__order_2026-07.json"
CANCELLED = "shopify/orders_cancelled__order_after_cancel_2026-07.json"
CANCELLED_REFUNDED = "shopify/orders_cancelled__order_after_cancel_with_refund_2026-07.json"
CLOSED = "shopify/orders_updated__order_after_close_2026-07.json"
REFUND = "shopify/refunds_create__refund_2026-07.json"
DISPUTE = "shopify/disputes_create__dispute_2026-07.json"
DISPUTES = "shopify/disputes__list_2026-07.json"
LEGACY_ORDER = "shopify/legacy_rest_fixture_order__shopify-api-ruby.json"
LEGACY_REFUND = "shopify/legacy_rest_fixture_refund__shopify-api-ruby.json"
SHOP = "example.myshopify.com"


def events(body, topic):
    outcome = normalize(hook("shopify", body, X_Shopify_Topic=topic, X_Shopify_Shop_Domain=SHOP))
    for event in outcome.events:
        validate_event(dict(event))
    return outcome.events


def only(body, topic):
    [event] = events(body, topic)
    return event


def test_orders_create_becomes_order_created_with_everything_the_order_says():
    event = only(raw(ORDER), "orders/create")
    assert event == {
        "event_id": "shopify:order.created:450789469",
        "type": "order.created",
        "occurred_at": "2008-01-10T16:00:00Z",  # created_at 11:00 -05:00
        "marketplace": "shopify",
        "seller_id": SHOP,
        "order_id": "450789469",
        "buyer_id": "shopify:207119551",
        "source_updated_at": "2008-01-10T16:00:00Z",
        "amount": "598.94",
        "currency": "USD",
        "items": [
            {"sku": "IPOD2008GREEN", "quantity": 1, "unit_price": "199.00"},
            {"sku": "IPOD2008RED", "quantity": 1, "unit_price": "199.00"},
            {"sku": "IPOD2008BLACK", "quantity": 1, "unit_price": "199.00"},
        ],
        "shipping": {
            "name": "Bob Norman",
            "phone": "+1(502)-459-2181",
            "email": "bob.norman@mail.example.com",
            "country": "US",
            "region": "KY",
            "city": "Louisville",
            "postal_code": "40202",
            "address1": "Chestnut Street 92",
        },
        "payment": {"method": "bogus"},
        "schema_version": 1,
    }


def test_placeholder_browser_ip_is_not_kept_as_a_device():
    order = load(ORDER)
    assert order["browser_ip"] == "0.0.0.0"
    assert "device" not in only(raw(ORDER), "orders/create")


def test_real_browser_ip_and_session_hash_become_the_device():
    order = load(ORDER)
    order["browser_ip"] = "203.0.113.7"
    order["client_details"]["session_hash"] = "abc123"
    assert only(order, "orders/create")["device"] == {"ip": "203.0.113.7", "fingerprint": "abc123"}


def test_order_without_customer_falls_back_to_the_normalized_email():
    order = load(ORDER)
    del order["customer"]
    order["email"] = "  Bob.Norman@Mail.Example.com "
    assert only(order, "orders/create")["buyer_id"] == "email:bob.norman@mail.example.com"


def test_order_with_payment_terms_carries_the_payment_deadline():
    order = load(ORDER)
    order["payment_terms"] = {"payment_schedules": [{"due_at": "2026-03-02T10:00:00+08:00"}]}
    assert only(order, "orders/create")["payment_deadline_at"] == "2026-03-02T02:00:00Z"


def created_with_note(body):
    """The legacy fixture's order was placed with a checkout note ("Test note")."""
    event, note = events(body, "orders/create")
    assert (note["type"], note["text"]) == ("buyer.message", "Test note")
    return event


def test_legacy_wrapped_order_is_unwrapped_and_reads_the_old_gateway_field():
    event = created_with_note(raw(LEGACY_ORDER))
    assert event["order_id"] == "450789469"
    assert event["amount"] == "409.94"
    assert event["buyer_id"] == "shopify:207119551"
    assert event["payment"] == {"method": "authorize_net"}  # card bin is null: no fingerprint
    assert event["shipping"]["phone"] == "555-625-1199"


def test_card_bin_and_last4_become_a_stable_hashed_fingerprint():
    order = load(LEGACY_ORDER)
    order["order"]["payment_details"]["credit_card_bin"] = "424242"
    first = created_with_note(order)["payment"]["account_fingerprint"]
    assert first.startswith("shopify:card:") and "4242" not in first.removeprefix("shopify:card:")
    order["order"]["id"] = 999
    assert created_with_note(order)["payment"]["account_fingerprint"] == first


def test_orders_paid_becomes_order_paid_at_the_update_time():
    event = only(raw(ORDER), "orders/paid")
    assert event["event_id"] == "shopify:order.paid:450789469"
    assert (event["type"], event["occurred_at"]) == ("order.paid", "2008-01-10T16:00:00Z")
    assert (event["amount"], event["currency"]) == ("598.94", "USD")


@pytest.mark.parametrize("name", [CANCELLED, CANCELLED_REFUNDED])
def test_cancel_reason_other_on_a_paid_order_is_a_seller_cancel(name):
    event = only(raw(name), "orders/cancelled")
    order = load(name)
    assert event["event_id"] == "shopify:order.cancelled:450789469"
    assert event["type"] == "order.cancelled"
    assert (event["actor"], event["reason"]) == ("seller", "other")
    assert order["cancelled_at"].endswith("-05:00")
    assert event["occurred_at"] == {CANCELLED: "2025-04-02T16:31:25Z"}.get(
        name, "2025-04-02T16:31:11Z"
    )


@pytest.mark.parametrize(
    ("reason", "financial_status", "etype", "actor"),
    [
        ("customer", "paid", "order.cancelled", "buyer"),
        ("customer", "pending", "order.cancelled", "buyer"),
        ("declined", "voided", "order.closed_unpaid", "platform"),
        ("fraud", "paid", "order.cancelled", "seller"),
        ("fraud", "pending", "order.cancelled", "seller"),
        ("inventory", "paid", "order.cancelled", "seller"),
        ("other", "pending", "order.closed_unpaid", "seller"),
        ("staff", "expired", "order.closed_unpaid", "seller"),
        ("other", "refunded", "order.cancelled", "seller"),
    ],
)
def test_cancel_reason_and_payment_decide_type_and_actor(reason, financial_status, etype, actor):
    order = load(CANCELLED)
    order.update(cancel_reason=reason, financial_status=financial_status)
    event = only(order, "orders/cancelled")
    assert (event["type"], event["actor"], event["reason"]) == (etype, actor, reason)
    assert event["event_id"] == f"shopify:{etype}:450789469"


def test_orders_updated_with_a_cancel_gives_the_same_event_as_orders_cancelled():
    assert events(raw(CANCELLED), "orders/updated") == events(raw(CANCELLED), "orders/cancelled")


def test_closing_a_paid_order_is_not_a_non_payment():
    assert load(CLOSED)["financial_status"] == "partially_refunded"
    assert events(raw(CLOSED), "orders/updated") == []


def test_closing_an_unpaid_order_is_closed_unpaid_at_closed_at():
    order = load(CLOSED)
    order["financial_status"] = "pending"
    event = only(order, "orders/updated")
    assert event["event_id"] == "shopify:order.closed_unpaid:450789469"
    assert (event["type"], event["actor"]) == ("order.closed_unpaid", "seller")
    assert event["occurred_at"] == "2025-04-02T16:30:51Z"
    assert event["source_updated_at"] == "2025-04-02T16:30:51Z"


def test_plain_order_update_yields_nothing():
    assert events(raw(ORDER), "orders/updated") == []


def test_cancelled_order_without_cancelled_at_is_invalid():
    with pytest.raises(InvalidEvent, match="cancelled_at"):
        events(raw(ORDER), "orders/cancelled")


def test_refunds_create_sums_successful_refund_transactions():
    event = only(raw(REFUND), "refunds/create")
    assert event == {
        "event_id": "shopify:refund.completed:929361472",
        "type": "refund.completed",
        "occurred_at": "2025-04-02T16:38:34Z",
        "marketplace": "shopify",
        "seller_id": SHOP,
        "order_id": "450789469",
        "refund_id": "929361472",
        "amount": "41.94",
        "currency": "USD",
        "reason": "wrong size",
        "schema_version": 1,
    }


def test_legacy_wrapped_refund():
    event = only(raw(LEGACY_REFUND), "refunds/create")
    assert (event["refund_id"], event["order_id"]) == ("509562969", "450789469")
    assert (event["amount"], event["occurred_at"]) == ("209.00", "2016-03-22T15:15:00Z")
    assert event["reason"] == "it broke during shipping"


def test_restock_only_refund_without_money_yields_nothing():
    refund = load(REFUND)
    refund["transactions"] = []
    assert events(refund, "refunds/create") == []


def test_chargeback_dispute_create_is_chargeback_notified_with_the_evidence_deadline():
    event = only(raw(DISPUTE), "disputes/create")
    assert event == {
        "event_id": "shopify:chargeback.notified:598735659",
        "type": "chargeback.notified",
        "occurred_at": "2013-05-04T00:00:00Z",  # initiated_at 20:00 -04:00
        "marketplace": "shopify",
        "seller_id": SHOP,
        "order_id": "625362839",
        "chargeback_id": "598735659",
        "amount": "11.50",
        "currency": "USD",
        "reason": "fraudulent",
        "deadline_at": "2099-12-30T00:00:00Z",  # evidence_due_by 19:00 -05:00
        "schema_version": 1,
    }


EXPECTED_BY_DISPUTE = {
    815713555: (["chargeback.notified"], None),
    782360659: (["chargeback.notified", "chargeback.appealed", "chargeback.resolved"], "won"),
    670893524: (["dispute.opened"], None),
    598735659: (["chargeback.notified"], None),
    297752803: (["chargeback.notified", "chargeback.resolved"], "lost"),
    257169523: (["chargeback.notified"], None),
    85190714: (["chargeback.notified", "chargeback.appealed"], None),
    46484353: (["chargeback.notified", "chargeback.resolved"], "lost"),
    35982383: (["chargeback.notified"], None),
}


@pytest.mark.parametrize(
    "dispute",
    [d for d in load(DISPUTES)["disputes"] if d["order_id"]],
    ids=lambda d: f"{d['type']}-{d['status']}-{d['id']}",
)
def test_dispute_update_emits_every_step_its_status_implies(dispute):
    types, outcome = EXPECTED_BY_DISPUTE[dispute["id"]]
    got = events(dispute, "disputes/update")
    assert [e["type"] for e in got] == types
    id_field = "dispute_id" if dispute["type"] == "inquiry" else "chargeback_id"
    assert {e[id_field] for e in got} == {str(dispute["id"])}
    assert {e["amount"] for e in got} == {dispute["amount"]}
    assert got[0]["occurred_at"] == "2013-05-04T00:00:00Z"
    if dispute["evidence_due_by"]:
        assert "deadline_at" in got[0]
    if outcome:
        assert got[-1]["outcome"] == outcome


def test_inquiry_without_a_deadline_is_dispute_opened_without_deadline():
    [inquiry] = [d for d in load(DISPUTES)["disputes"] if d["type"] == "inquiry"]
    event = only(inquiry, "disputes/create")
    assert (event["type"], event["dispute_id"]) == ("dispute.opened", "670893524")
    assert "deadline_at" not in event


def test_won_dispute_without_finalized_on_is_resolved_at_the_webhook_trigger_time():
    won = next(d for d in load(DISPUTES)["disputes"] if d["id"] == 782360659)
    outcome = normalize(
        hook(
            "shopify",
            won,
            X_Shopify_Topic="disputes/update",
            X_Shopify_Triggered_At="2013-07-10T12:00:00.000000000Z",
        )
    )
    resolved = outcome.events[-1]
    assert (resolved["type"], resolved["occurred_at"]) == (
        "chargeback.resolved",
        "2013-07-10T12:00:00Z",
    )
    assert outcome.events[1]["occurred_at"] == "2013-07-04T11:00:00Z"  # evidence_sent_on


def test_dispute_without_order_is_invalid():
    [orphan] = [d for d in load(DISPUTES)["disputes"] if d["order_id"] is None]
    with pytest.raises(InvalidEvent, match="order_id"):
        events(orphan, "disputes/update")


def test_dedupe_keys_cover_webhook_id_topic_scoped_event_id_and_body():
    body = raw(DISPUTE)
    first = normalize(
        hook(
            "shopify",
            body,
            X_Shopify_Topic="disputes/create",
            X_Shopify_Webhook_Id="w1",
            X_Shopify_Event_Id="e1",
        )
    )
    assert "shopify:webhook:w1" in first.dedupe_keys
    assert "shopify:event:disputes/create:e1" in first.dedupe_keys
    forged = normalize(
        hook(
            "shopify",
            body,
            X_Shopify_Topic="disputes/create",
            X_Shopify_Webhook_Id="w2",
            X_Shopify_Event_Id="e2",
        )
    )
    body_keys = {k for k in first.dedupe_keys if k.startswith("body:")}
    assert len(body_keys) == 1 and body_keys <= set(forged.dedupe_keys)
    assert forged.events == first.events


def test_same_body_on_another_topic_is_not_a_duplicate():
    created = normalize(hook("shopify", raw(ORDER), X_Shopify_Topic="orders/create"))
    updated = normalize(hook("shopify", raw(ORDER), X_Shopify_Topic="orders/updated"))
    assert not set(created.dedupe_keys) & set(updated.dedupe_keys)


def test_cli_topic_overrides_the_header():
    outcome = normalize(hook("shopify", raw(ORDER), "orders/paid", X_Shopify_Topic="orders/create"))
    assert [e["type"] for e in outcome.events] == ["order.paid"]


def test_seller_defaults_when_no_shop_domain_header():
    outcome = normalize(hook("shopify", raw(ORDER), "orders/create"))
    assert outcome.events[0]["seller_id"] == "default"


def test_unknown_topic_is_reported_not_lost():
    outcome = normalize(hook("shopify", raw(ORDER), "products/create"))
    assert (outcome.unknown_topic, outcome.events) == ("products/create", [])
    assert any(k.startswith("body:") for k in outcome.dedupe_keys)


def test_missing_topic_is_invalid():
    with pytest.raises(InvalidEvent, match="topic"):
        normalize(hook("shopify", raw(ORDER)))


def test_redelivery_yields_identical_events():
    assert events(raw(ORDER), "orders/create") == events(raw(ORDER), "orders/create")


def test_the_buyers_checkout_note_becomes_a_buyer_message():
    order = load(ORDER)
    order["note"] = "  Please leave it at the back door  "
    created, note = events(order, "orders/create")
    assert created["type"] == "order.created"
    assert note == {
        "event_id": "shopify:buyer.message:450789469",
        "type": "buyer.message",
        "occurred_at": created["occurred_at"],
        "marketplace": "shopify",
        "seller_id": SHOP,
        "order_id": "450789469",
        "buyer_id": "shopify:207119551",
        "source_updated_at": created["source_updated_at"],
        "text": "Please leave it at the back door",
        "actor": "buyer",
        "schema_version": 1,
    }
    order["note"] = "   "
    assert [e["type"] for e in events(order, "orders/create")] == ["order.created"]


def test_a_guest_order_by_phone_is_the_phone_s_buyer():
    order = load(ORDER)
    del order["customer"]
    order["email"] = order["contact_email"] = None
    order["shipping_address"]["phone"] = "07700 900123"
    order["shipping_address"]["country_code"] = "GB"
    created = only(order, "orders/create")
    assert created["buyer_id"] == "phone:+447700900123"
    # follow-ups carry the whole order: the same buyer
    paid = [e for e in events(order, "orders/paid") if e["type"] == "order.paid"]
    assert paid[0]["buyer_id"] == created["buyer_id"]


def test_an_order_with_no_contact_at_all_is_a_guest_of_its_own():
    order = load(ORDER)
    del order["customer"]
    order["email"] = order["contact_email"] = order["phone"] = None
    order.pop("shipping_address")
    order.pop("billing_address")
    assert only(order, "orders/create")["buyer_id"] == "shopify:guest:450789469"
