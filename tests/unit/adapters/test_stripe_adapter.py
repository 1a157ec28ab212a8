from __future__ import annotations

import pytest

from schemas.event import validate_event
from streams.adapters import normalize
from streams.errors import InvalidEvent
from tests.unit.adapters.adapter_fixtures import hook, load, raw, stripe_event

CREATED = "stripe/djstripe_assembled__event_charge.dispute.created.json"
CLOSED = "stripe/djstripe_assembled__event_charge.dispute.closed.json"
DISPUTE_01 = "stripe/djstripe__dispute_dp_fakefakefakefake01.json"
DISPUTE_02 = "stripe/djstripe__dispute_dp_fakefakefakefake02.json"
REINSTATED = "stripe/djstripe__dispute_dp_funds_reinstated_full.json"
INQUIRY = "stripe/openapi_fixtures3__dispute.json"
CHARGE = "stripe/djstripe__charge_ch_fakefakefakefakefake0001.json"
OPENAPI_CHARGE = "stripe/openapi_fixtures3__charge.json"
PAYMENT_INTENT = "stripe/openapi_fixtures3__payment_intent.json"
DJ_PAYMENT_INTENT = "stripe/djstripe__payment_intent_pi_fakefakefakefakefake0001.json"
REFUND = "stripe/openapi_fixtures3__refund.json"
EFW = "stripe/openapi_fixtures3__radar.early_fraud_warning.json"
PLAN_EVENT = "stripe/openapi_fixtures3__event.json"
CUSTOMER = "stripe/openapi_fixtures3__customer.json"

DP = "dp_1JAyTwJSZQVUcJYgPqasUEn1"
PI = "pi_1JAyTwJSZQVUcJYgBbsz0NuH"


def events(body, topic=None):
    outcome = normalize(hook("stripe", body, topic))
    for event in outcome.events:
        validate_event(dict(event))
    return outcome.events


def test_dispute_created_event_is_chargeback_notified_with_due_by_deadline():
    [event] = events(raw(CREATED))
    assert event == {
        "event_id": f"stripe:chargeback.notified:{DP}",
        "type": "chargeback.notified",
        "occurred_at": "2021-07-08T14:45:40Z",  # dispute.created 1625755540
        "marketplace": "stripe",
        "seller_id": "default",
        "order_id": PI,
        "chargeback_id": DP,
        "amount": "10.00",  # 1000 cents
        "currency": "USD",
        "reason": "fraudulent",
        "deadline_at": "2021-07-17T23:59:59Z",  # evidence_details.due_by 1626566399
        "device": {"ip": "223.182.253.19"},  # evidence.customer_purchase_ip
        "schema_version": 1,
    }


def test_dispute_closed_event_adds_the_resolution_with_its_outcome():
    notified, resolved = events(raw(CLOSED))
    assert notified["event_id"] == f"stripe:chargeback.notified:{DP}"
    assert resolved["event_id"] == f"stripe:chargeback.resolved:{DP}"
    assert (resolved["type"], resolved["outcome"]) == ("chargeback.resolved", "won")
    assert (resolved["chargeback_id"], resolved["amount"]) == (DP, "10.00")
    # the assembled event's created (2015) predates its dispute (2021): never resolve before opening
    assert resolved["occurred_at"] == "2021-07-08T14:45:40Z"


def test_redelivered_created_and_later_closed_share_the_notified_event():
    assert events(raw(CREATED))[0] == events(raw(CLOSED))[0]


def test_dispute_under_review_is_notified_and_appealed():
    body = stripe_event(load(REINSTATED), "charge.dispute.updated", created=1625800000)
    notified, appealed = events(body)
    assert notified["type"] == "chargeback.notified"
    assert (appealed["type"], appealed["occurred_at"]) == (
        "chargeback.appealed",
        "2021-07-09T03:06:40Z",
    )


@pytest.mark.parametrize("status", ["won", "lost"])
def test_dispute_closed_status_is_the_outcome(status):
    dispute = load(DISPUTE_02) | {"status": status}
    types = [e["type"] for e in events(stripe_event(dispute, "charge.dispute.closed"))]
    assert types == ["chargeback.notified", "chargeback.resolved"]
    assert events(stripe_event(dispute, "charge.dispute.closed"))[-1]["outcome"] == status


def test_inquiry_warning_is_dispute_opened_not_a_chargeback():
    [event] = events(stripe_event(load(INQUIRY), "charge.dispute.created"))
    assert event["event_id"] == "stripe:dispute.opened:dp_1Pgc71B7WZ01zgkWMevJiAUx"
    assert (event["type"], event["dispute_id"]) == ("dispute.opened", "dp_1Pgc71B7WZ01zgkWMevJiAUx")
    assert (event["order_id"], event["reason"]) == ("ch_1PgafuB7WZ01zgkWXYmPNZs8", "general")
    assert event["deadline_at"] == "2024-08-14T23:59:59Z"
    assert "chargeback_id" not in event


def test_closed_inquiry_is_resolved():
    inquiry = load(INQUIRY) | {"status": "warning_closed"}
    assert [e["type"] for e in events(stripe_event(inquiry, "charge.dispute.closed"))] == [
        "dispute.opened",
        "dispute.resolved",
    ]


def test_charge_failed_is_payment_failed_with_card_fingerprint_and_customer():
    charge = load(CHARGE) | {"status": "failed", "failure_code": "card_declined"}
    [event] = events(stripe_event(charge, "charge.failed"))
    assert event == {
        "event_id": "stripe:payment.failed:ch_fakefakefakefakefake0001",
        "type": "payment.failed",
        "occurred_at": "2019-05-16T08:26:17Z",
        "marketplace": "stripe",
        "seller_id": "default",
        "order_id": "pi_fakefakefakefakefake0001",
        "buyer_id": "stripe:cus_6lsBvm5rJ0zyHc",
        "amount": "20.00",
        "currency": "USD",
        "reason": "card_declined",
        "payment": {"method": "card", "account_fingerprint": "stripe:card:88PuXw9tEmvYe69o"},
        "risk_level": "normal",
        "schema_version": 1,
    }


def test_bare_object_with_topic_is_accepted_for_the_cli():
    [event] = events(raw(CHARGE), "charge.failed")
    assert event["event_id"] == "stripe:payment.failed:ch_fakefakefakefakefake0001"


def test_bare_object_without_topic_is_invalid():
    with pytest.raises(InvalidEvent, match="--topic"):
        normalize(hook("stripe", raw(CHARGE)))


def test_payment_intent_failure_naming_its_charge_shares_the_charge_failed_id():
    intent = load(DJ_PAYMENT_INTENT)
    intent["last_payment_error"] = {
        "charge": "ch_fakefakefakefakefake0001",
        "decline_code": "fraudulent",
    }
    [event] = events(stripe_event(intent, "payment_intent.payment_failed"))
    assert event["event_id"] == "stripe:payment.failed:ch_fakefakefakefakefake0001"
    assert (event["order_id"], event["buyer_id"]) == (
        "pi_fakefakefakefakefake0001",
        "stripe:cus_6lsBvm5rJ0zyHc",
    )
    assert (event["reason"], event["amount"]) == ("fraudulent", "20.00")


def test_payment_intent_failure_without_charge_is_keyed_by_the_stripe_event():
    [event] = events(stripe_event(load(PAYMENT_INTENT), "payment_intent.payment_failed"))
    assert event["event_id"] == (
        "stripe:payment.failed:pi_1PgafyB7WZ01zgkWSjxsAJo3:evt_test_payment_intent.payment_failed"
    )
    assert (event["amount"], event["reason"]) == ("10.99", "idempotency_error")
    assert event["occurred_at"] == "2023-11-14T22:13:20Z"  # the event's created


def test_charge_refunded_emits_one_refund_completed_per_listed_refund():
    charge = load(OPENAPI_CHARGE)
    charge.update(refunded=True, amount_refunded=100)
    charge["refunds"]["data"] = [load(REFUND)]
    [event] = events(stripe_event(charge, "charge.refunded"))
    assert event == {
        "event_id": "stripe:refund.completed:re_1Pgc72B7WZ01zgkWqPvrRrPE",
        "type": "refund.completed",
        "occurred_at": "2009-02-13T23:31:30Z",
        "marketplace": "stripe",
        "seller_id": "default",
        "order_id": "ch_1PgafuB7WZ01zgkWXYmPNZs8",
        "refund_id": "re_1Pgc72B7WZ01zgkWqPvrRrPE",
        "amount": "1.00",
        "currency": "USD",
        "schema_version": 1,
    }


def test_charge_refunded_without_listed_refunds_uses_the_cumulative_amount():
    charge = load(OPENAPI_CHARGE)
    charge.update(refunded=True, amount_refunded=60)
    del charge["refunds"]
    [event] = events(stripe_event(charge, "charge.refunded"))
    assert event["event_id"] == "stripe:refund.completed:ch_1PgafuB7WZ01zgkWXYmPNZs8:0.60"
    assert event["amount"] == "0.60"


def test_charge_with_nothing_refunded_yields_no_refund():
    assert events(stripe_event(load(OPENAPI_CHARGE), "charge.refunded")) == []


def test_refund_created_gives_the_same_event_as_charge_refunded():
    [event] = events(stripe_event(load(REFUND), "refund.created"))
    assert event["event_id"] == "stripe:refund.completed:re_1Pgc72B7WZ01zgkWqPvrRrPE"
    pending = load(REFUND) | {"status": "pending"}
    assert events(stripe_event(pending, "refund.created"))[0]["type"] == "refund.requested"
    assert events(stripe_event(load(REFUND) | {"status": "failed"}, "refund.updated")) == []


def test_early_fraud_warning_is_a_dispute_signal():
    [event] = events(stripe_event(load(EFW), "radar.early_fraud_warning.created"))
    assert event == {
        "event_id": "stripe:dispute.opened:issfr_1Pgc79B7WZ01zgkWxwDzEIPX",
        "type": "dispute.opened",
        "occurred_at": "2009-02-13T23:31:30Z",
        "marketplace": "stripe",
        "seller_id": "default",
        "order_id": "ch_1234",
        "dispute_id": "issfr_1Pgc79B7WZ01zgkWxwDzEIPX",
        "dispute_kind": "early_fraud_warning",
        "reason": "misc",
        "actionable": True,
        "schema_version": 1,
    }


def test_connect_account_is_the_seller():
    body = load(CREATED) | {"account": "acct_123"}
    assert events(body)[0]["seller_id"] == "acct_123"


def test_zero_decimal_currency_amounts_are_not_divided():
    dispute = load(DISPUTE_01) | {"currency": "jpy", "amount": 5000}
    assert events(stripe_event(dispute, "charge.dispute.created"))[0]["amount"] == "5000"


def test_unknown_event_type_is_reported_with_its_event_id_for_dedupe():
    outcome = normalize(hook("stripe", raw(PLAN_EVENT)))
    assert (outcome.unknown_topic, outcome.events) == ("plan.created", [])
    assert "stripe:event:evt_1Pgc76B7WZ01zgkWwyRHS12y" in outcome.dedupe_keys
    assert (
        normalize(hook("stripe", raw(CUSTOMER), "customer.created")).unknown_topic
        == "customer.created"
    )


def test_dedupe_keys_are_the_stripe_event_id_and_the_body_hash():
    keys = normalize(hook("stripe", raw(CREATED))).dedupe_keys
    assert keys[1] == "stripe:event:evt_16YKQi2eZvKYlo2CT2oe5ff3"
    assert keys[0].startswith("body:") and len(keys[0]) == len("body:") + 64
