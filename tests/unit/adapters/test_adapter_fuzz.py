"""Fuzz every adapter: only InvalidEvent / BadSignature may escape, and every event is valid."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from schemas.event import validate_event
from streams.adapters import PLATFORMS, Secrets, Webhook, handle, normalize, verify
from streams.errors import BadSignature, InvalidEvent
from tests.unit.adapters.adapter_fixtures import (
    derived_topics,
    load,
    raw,
    sample_content,
    stripe_event,
    tmc_message,
)

NOW = datetime(2026, 3, 1, tzinfo=UTC)
FUZZ = settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values that reach the interesting branches: statuses, ids, times, amounts, edge numbers.
TRICKY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1.5",
        "1e999999",
        "NaN",
        "Infinity",
        "12.345678901234567890123",
        "2026-03-01 10:00:00",
        "2026-13-45T99:99:99Z",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+14:00",
        "1999999999999",
        "webhook_id=1",
        "ch_1",
        "pi_1",
        "TRADE_CLOSED_BY_TAOBAO",
        "TRADE_CLOSED",
        "WAIT_SELLER_SEND_GOODS",
        "PLACE_ORDER_SUCCESS",
        "IN_CANCEL",
        "cancelled",
        "failed",
        "pending",
        "won",
        "lost",
        "under_review",
        "warning_closed",
        "inquiry",
        "chargeback",
        "customer",
        "declined",
        "0.0.0.0",
        "::1",
        "a@b",
        "ÿ\x00\ud7ff",
        "https://x/orders/5",
        "usd",
        "JPY",
        "event",
    ]
)
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | TRICKY
)
KEYS = st.sampled_from(
    [
        "id",
        "order_id",
        "customer",
        "email",
        "status",
        "type",
        "amount",
        "currency",
        "created",
        "created_at",
        "updated_at",
        "cancelled_at",
        "closed_at",
        "line_items",
        "transactions",
        "refunds",
        "data",
        "object",
        "tid",
        "content",
        "payment",
        "financial_status",
        "cancel_reason",
        "evidence_due_by",
        "date_paid_gmt",
        "_links",
        "last_status",
    ]
) | st.text(max_size=8)
JSON = st.recursive(
    LEAVES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=12,
)


def mutate(data: st.DataObject, doc: Any) -> Any:
    """Replace or delete a few values at random paths of a copy of ``doc``."""
    root: dict[Any, Any] = {"root": copy.deepcopy(doc)}
    for _ in range(data.draw(st.integers(1, 3))):
        holder, key = root, "root"
        while True:
            node = holder[key]
            if isinstance(node, dict) and node:
                children: list[Any] = list(node)
            elif isinstance(node, list) and node:
                children = list(range(len(node)))
            else:
                break
            # usually go deeper: mutating envelopes only exercises the first checks
            if holder is not root and data.draw(st.integers(0, 5)) == 0:
                break
            nested = [c for c in children if isinstance(node[c], dict | list)]
            if nested and data.draw(st.integers(0, 2)) > 0:
                children = nested
            holder, key = node, data.draw(st.sampled_from(children))
        if holder is not root and isinstance(holder, dict) and data.draw(st.booleans()):
            del holder[key]
        else:
            holder[key] = data.draw(JSON)
    return root["root"]


def encode(doc: Any) -> bytes:
    return json.dumps(doc).encode()  # stdlib: writes ints beyond 64 bits too


def note(label: str) -> None:
    if currently_in_test_context():  # shown by --hypothesis-show-statistics
        event(label)


def check(hook: Webhook) -> None:
    """The fuzz contract: a valid Outcome, or an InvalidEvent raised on purpose."""
    try:
        outcome = normalize(hook)
    except InvalidEvent as exc:
        # raised by a field reader, not translated by the registry's safety net
        assert exc.__cause__ is None, f"unanticipated {exc.__cause__!r}"
        note(f"{hook.platform}: InvalidEvent")
        return
    note(f"{hook.platform}: {'events' if outcome.events else 'no events'}")
    for canonical in outcome.events:
        validate_event(copy.deepcopy(canonical))
        json.dumps(canonical, allow_nan=False)
    assert all(isinstance(k, str) and k for k in outcome.dedupe_keys)
    assert any(k.startswith("body:") for k in outcome.dedupe_keys)


SHOPIFY_BASES = [
    ("shopify/orders_create__order_2026-07.json", "orders/create"),
    ("shopify/orders_create__order_2026-07.json", "orders/paid"),
    ("shopify/orders_cancelled__order_after_cancel_2026-07.json", "orders/cancelled"),
    ("shopify/orders_updated__order_after_close_2026-07.json", "orders/updated"),
    ("shopify/refunds_create__refund_2026-07.json", "refunds/create"),
    ("shopify/disputes_create__dispute_2026-07.json", "disputes/update"),
    ("shopify/legacy_rest_fixture_order__shopify-api-ruby.json", "orders/create"),
]
WOO_BASES = [
    ("woocommerce/order_v3__retrieve_example.json", "order.created"),
    ("woocommerce/order_v3__update_example.json", "order.updated"),
    ("woocommerce/order_refund_v3__create_example.json", "refund.created"),
]


def _stripe_bases() -> list[dict[str, Any]]:
    refunded = load("stripe/openapi_fixtures3__charge.json") | {"amount_refunded": 100}
    refunded["refunds"]["data"] = [load("stripe/openapi_fixtures3__refund.json")]
    return [
        load("stripe/djstripe_assembled__event_charge.dispute.created.json"),
        load("stripe/djstripe_assembled__event_charge.dispute.closed.json"),
        stripe_event(load("stripe/openapi_fixtures3__dispute.json"), "charge.dispute.updated"),
        stripe_event(
            load("stripe/djstripe__charge_ch_fakefakefakefakefake0001.json"), "charge.failed"
        ),
        stripe_event(
            load("stripe/openapi_fixtures3__payment_intent.json"), "payment_intent.payment_failed"
        ),
        stripe_event(refunded, "charge.refunded"),
        stripe_event(load("stripe/openapi_fixtures3__refund.json"), "refund.updated"),
        stripe_event(
            load("stripe/openapi_fixtures3__radar.early_fraud_warning.json"),
            "radar.early_fraud_warning.created",
        ),
    ]


def _tmc_bases(name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    bases = []
    for topic, spec in derived_topics(name).items():
        content = sample_content(
            spec["fields"], status="TRADE_CLOSED_BY_TAOBAO", last_status="IN_CANCEL"
        )
        envelope = tmc_message(topic, {})
        del envelope["content"]
        bases.append((envelope, content))
    return bases


STRIPE_BASES = _stripe_bases()
TMC_BASES = {
    "taobao": _tmc_bases("taobao/tmc_trade_refund_topics__fields_DERIVED.json"),
    "aliexpress": _tmc_bases("aliexpress/tmc_order_topics__fields_DERIVED.json"),
}
GENERIC_BASE = {
    "event_id": "e1",
    "type": "order.created",
    "occurred_at": "2026-03-01T08:30:00Z",
    "marketplace": "generic",
    "seller_id": "s",
    "order_id": "o",
    "buyer_id": "b",
    "amount": "1.00",
    "currency": "USD",
}
TOPICS = {
    "shopify": [t for _, t in SHOPIFY_BASES] + ["products/create"],
    "woocommerce": [t for _, t in WOO_BASES] + ["coupon.created"],
    "stripe": ["charge.failed", "charge.dispute.closed", "charge.refunded"],
}


@FUZZ
@given(data=st.data())
def test_shopify_survives_mutated_fixtures(data):
    name, topic = data.draw(st.sampled_from(SHOPIFY_BASES))
    body = encode(mutate(data, load(name)))
    check(Webhook("shopify", {"X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": "s"}, body))


@FUZZ
@given(data=st.data())
def test_stripe_survives_mutated_events(data):
    check(Webhook("stripe", {}, encode(mutate(data, data.draw(st.sampled_from(STRIPE_BASES))))))


@FUZZ
@given(data=st.data())
def test_woocommerce_survives_mutated_fixtures(data):
    name, topic = data.draw(st.sampled_from(WOO_BASES))
    body = encode(mutate(data, load(name)))
    check(Webhook("woocommerce", {"X-WC-Webhook-Topic": topic}, body))


@pytest.mark.parametrize("platform", ["taobao", "aliexpress"])
@FUZZ
@given(data=st.data())
def test_tmc_survives_mutated_messages(platform, data):
    envelope, content = data.draw(st.sampled_from(TMC_BASES[platform]))
    message = mutate(data, {"envelope": envelope, "content": content})
    if isinstance(message, dict) and isinstance(message.get("envelope"), dict):
        inner = message.get("content")
        as_string = data.draw(st.booleans())
        body = message["envelope"] | {"content": json.dumps(inner) if as_string else inner}
    else:
        body = message
    check(Webhook(platform, {}, encode(body)))


@FUZZ
@given(data=st.data())
def test_generic_survives_mutated_events(data):
    doc = [GENERIC_BASE, GENERIC_BASE] if data.draw(st.booleans()) else GENERIC_BASE
    check(Webhook("generic", {}, encode(mutate(data, doc))))


@pytest.mark.parametrize("platform", PLATFORMS)
@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200), topic=st.none() | st.text(max_size=20))
def test_random_bytes_are_refused_cleanly(platform, body, topic):
    check(Webhook(platform, {}, body, topic))


@pytest.mark.parametrize("platform", PLATFORMS)
@settings(max_examples=200, deadline=None)
@given(doc=JSON, topic=st.none() | st.sampled_from(sum(TOPICS.values(), [])))
def test_arbitrary_json_is_refused_cleanly(platform, doc, topic):
    check(Webhook(platform, {}, encode(doc), topic))


TRUNCATABLE = [
    ("shopify", "shopify/orders_create__order_2026-07.json", "orders/create"),
    ("stripe", "stripe/djstripe_assembled__event_charge.dispute.closed.json", None),
    ("woocommerce", "woocommerce/order_v3__retrieve_example.json", "order.created"),
]


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_truncated_json_is_refused_cleanly(data):
    platform, name, topic = data.draw(st.sampled_from(TRUNCATABLE))
    body = raw(name)
    cut = data.draw(st.integers(0, len(body) - 1))
    check(Webhook(platform, {}, body[:cut], topic))


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("depth", [1000, 1023, 1024, 1025, 5000])
def test_deep_nesting_is_refused_cleanly(platform, depth):
    nested = "[" * depth + "]" * depth
    bodies = [
        nested.encode(),
        f'{{"id": 1, "data": {{"object": {nested}}}, "content": {nested}}}'.encode(),
        f'{{"topic": "taobao_trade_TradeCreate", "content": "{nested}"}}'.encode(),
    ]
    for body in bodies:
        check(Webhook(platform, {}, body, TOPICS.get(platform, [None])[0]))


@pytest.mark.parametrize("platform", PLATFORMS)
@settings(max_examples=100, deadline=None)
@given(
    headers=st.dictionaries(
        st.sampled_from(
            [
                "X-Shopify-Hmac-Sha256",
                "Stripe-Signature",
                "X-WC-Webhook-Signature",
                "X-Orderguard-Signature",
                "x-orderguard-signature",
            ]
        ),
        st.text(max_size=80)
        | st.sampled_from(["t=1,v1=ab", "sha256=00", "t=99999999999999999999,v1=a"]),
    ),
    body=st.binary(max_size=64),
    secrets=st.lists(st.text(max_size=10), max_size=2),
)
def test_verification_only_raises_bad_signature(platform, headers, body, secrets):
    hook = Webhook(platform, headers, body)
    configured = Secrets(**{platform: tuple(secrets)})
    try:
        verify(hook, configured, NOW)
    except BadSignature:
        pass
    try:
        handle(hook, configured, NOW)
    except (BadSignature, InvalidEvent):
        pass


@pytest.mark.parametrize("platform", PLATFORMS)
def test_invalid_utf8_is_an_invalid_event_on_every_platform(platform):
    topic = TOPICS.get(platform, [None])[0]
    with pytest.raises(InvalidEvent, match="UTF-8"):
        normalize(Webhook(platform, {}, b'{"id": "\xff\xfe"}', topic))
