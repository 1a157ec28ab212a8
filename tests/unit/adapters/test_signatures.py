from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from streams.adapters import Secrets, Webhook, handle, normalize, verify
from streams.errors import BadSignature, InvalidEvent
from tests.unit.adapters.adapter_fixtures import hook, load, orderguard_signature, raw

VECTORS = {v["platform"]: v for v in load("signature_test_vectors__GENERATED.json")["vectors"]}
STRIPE_T = 1767225600  # t= in the Stripe vector: 2026-01-01T00:00:00Z
AT_STRIPE_T = datetime.fromtimestamp(STRIPE_T, UTC)
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def vector_hook(platform: str, **header_overrides: str) -> Webhook:
    vector = VECTORS[platform]
    body = raw(vector["body_file"])
    assert hashlib.sha256(body).hexdigest() == vector["body_sha256"]
    return Webhook(platform, {**vector["headers"], **header_overrides}, body)


def secrets_for(platform: str, *values: str) -> Secrets:
    return Secrets(**{platform: values or (VECTORS[platform]["secret"],)})


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_generated_vector_verifies(platform):
    verify(vector_hook(platform), secrets_for(platform), NOW)


def test_stripe_vector_verifies_with_the_clock_at_its_timestamp():
    verify(vector_hook("stripe"), secrets_for("stripe"), AT_STRIPE_T)


def test_stripe_vector_is_refused_as_a_replay_an_hour_later():
    with pytest.raises(BadSignature, match="tolerance"):
        verify(vector_hook("stripe"), secrets_for("stripe"), AT_STRIPE_T + timedelta(hours=1))


@pytest.mark.parametrize("platform", ["shopify", "stripe", "woocommerce"])
def test_tampered_body_is_refused(platform):
    good = vector_hook(platform)
    tampered = Webhook(platform, good.headers, good.body.replace(b"1", b"2", 1))
    with pytest.raises(BadSignature, match="does not match"):
        verify(tampered, secrets_for(platform), AT_STRIPE_T)


@pytest.mark.parametrize("platform", ["shopify", "stripe", "woocommerce"])
def test_wrong_secret_is_refused(platform):
    with pytest.raises(BadSignature):
        verify(vector_hook(platform), secrets_for(platform, "not-the-secret"), AT_STRIPE_T)


@pytest.mark.parametrize(
    ("platform", "header"),
    [
        ("shopify", "X-Shopify-Hmac-Sha256"),
        ("stripe", "Stripe-Signature"),
        ("woocommerce", "X-WC-Webhook-Signature"),
    ],
)
def test_missing_signature_header_is_refused(platform, header):
    good = vector_hook(platform)
    headers = {k: v for k, v in good.headers.items() if k != header.lower()}
    with pytest.raises(BadSignature, match="missing"):
        verify(Webhook(platform, headers, good.body), secrets_for(platform), AT_STRIPE_T)


def test_shopify_accepts_either_secret_during_rotation():
    rotated = secrets_for("shopify", "new-secret-not-yet-used", VECTORS["shopify"]["secret"])
    verify(vector_hook("shopify"), rotated, NOW)


def test_header_names_are_case_insensitive():
    vector = VECTORS["shopify"]
    headers = {k.upper(): v for k, v in vector["headers"].items()}
    hook_ = Webhook("shopify", headers, raw(vector["body_file"]))
    verify(hook_, secrets_for("shopify"), NOW)
    assert hook_.header("x-shopify-topic") == "disputes/create"


def test_non_ascii_signature_header_is_a_bad_signature_not_a_crash():
    with pytest.raises(BadSignature):
        verify(
            vector_hook("shopify", **{"X-Shopify-Hmac-Sha256": "é" * 44}),
            secrets_for("shopify"),
            NOW,
        )


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_stripe_accepts_timestamps_within_300_seconds_either_way(offset):
    verify(vector_hook("stripe"), secrets_for("stripe"), AT_STRIPE_T + timedelta(seconds=offset))


@pytest.mark.parametrize("offset", [-301, 301])
def test_stripe_refuses_timestamps_beyond_300_seconds(offset):
    with pytest.raises(BadSignature, match="tolerance"):
        verify(
            vector_hook("stripe"), secrets_for("stripe"), AT_STRIPE_T + timedelta(seconds=offset)
        )


def test_stripe_accepts_any_matching_v1_among_several():
    good = VECTORS["stripe"]["headers"]["Stripe-Signature"]
    t, v1 = good.split(",")
    header = f"{t},v1={'0' * 64},{v1},v0=deadbeef"
    verify(
        vector_hook("stripe", **{"Stripe-Signature": header}), secrets_for("stripe"), AT_STRIPE_T
    )


def test_stripe_timestamp_is_part_of_the_signed_payload():
    good = VECTORS["stripe"]["headers"]["Stripe-Signature"]
    forged = good.replace(f"t={STRIPE_T}", f"t={STRIPE_T + 60}")
    with pytest.raises(BadSignature, match="does not match"):
        verify(
            vector_hook("stripe", **{"Stripe-Signature": forged}),
            secrets_for("stripe"),
            AT_STRIPE_T + timedelta(seconds=60),
        )


@pytest.mark.parametrize("header", ["v1=abc", f"t={STRIPE_T}", "t=abc,v1=abc", "garbage", ""])
def test_stripe_malformed_header_is_refused(header):
    with pytest.raises(BadSignature):
        verify(
            vector_hook("stripe", **{"Stripe-Signature": header}),
            secrets_for("stripe"),
            AT_STRIPE_T,
        )


@pytest.mark.parametrize("platform", ["shopify", "stripe", "woocommerce", "taobao", "aliexpress"])
def test_platform_without_a_secret_is_refused(platform):
    with pytest.raises(BadSignature, match=f"no secret configured for {platform}"):
        verify(hook(platform, b"{}"), Secrets(), NOW)


def test_generic_without_a_secret_is_accepted_unsigned():
    verify(hook("generic", b"{}"), Secrets(), NOW)


def test_generic_with_a_secret_requires_the_orderguard_signature():
    body = b'{"x": 1}'
    with pytest.raises(BadSignature, match="missing X-Orderguard-Signature"):
        verify(hook("generic", body), Secrets(generic=("s",)), NOW)
    signed = hook("generic", body, X_Orderguard_Signature=orderguard_signature("s", body))
    verify(signed, Secrets(generic=("s",)), NOW)


@pytest.mark.parametrize("platform", ["taobao", "aliexpress"])
def test_tmc_relay_signature_is_hex_hmac_sha256_of_the_body(platform):
    body = b'{"topic": "t", "content": "{}"}'
    digest = hmac.new(b"relay-secret", body, hashlib.sha256).hexdigest()
    secrets = Secrets(**{platform: ("relay-secret",)})
    verify(hook(platform, body, X_Orderguard_Signature=f"sha256={digest}"), secrets, NOW)
    verify(hook(platform, body, X_Orderguard_Signature=f"SHA256={digest.upper()}"), secrets, NOW)
    for bad in (f"md5={digest}", digest, f"sha256={digest[:-1]}0", "sha256="):
        with pytest.raises(BadSignature):
            verify(hook(platform, body, X_Orderguard_Signature=bad), secrets, NOW)
    with pytest.raises(BadSignature):
        verify(hook(platform, body + b" ", X_Orderguard_Signature=f"sha256={digest}"), secrets, NOW)


def test_woocommerce_ping_is_accepted_unsigned_and_stores_nothing():
    ping = hook("woocommerce", b"webhook_id=15")
    verify(ping, Secrets(woocommerce=("s",)), NOW)
    verify(ping, Secrets(), NOW)
    outcome = handle(ping, Secrets(woocommerce=("s",)), NOW)
    assert outcome.ping is True
    assert outcome.events == []
    assert outcome.unknown_topic is None


def test_woocommerce_ping_lookalike_still_needs_a_signature():
    with pytest.raises(BadSignature):
        verify(hook("woocommerce", b"webhook_id=15&x=1"), Secrets(woocommerce=("s",)), NOW)


def test_handle_checks_the_signature_before_parsing():
    with pytest.raises(BadSignature):
        handle(hook("shopify", b"not json", "orders/create"), Secrets(shopify=("s",)), NOW)


def test_handle_without_verification_normalizes_unsigned_input():
    outcome = handle(vector_hook("shopify"), Secrets(), NOW, verify_signatures=False)
    assert [e["type"] for e in outcome.events] == ["chargeback.notified"]


def test_unknown_platform_is_invalid():
    with pytest.raises(InvalidEvent, match="unknown platform"):
        verify(hook("ebay", b"{}"), Secrets(), NOW)
    with pytest.raises(InvalidEvent, match="unknown platform"):
        normalize(hook("ebay", b"{}"))
