"""Webhook signature checks per platform, all constant-time over the raw body bytes."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime

from streams.adapters.base import PLATFORMS, Secrets, Webhook
from streams.adapters.woocommerce import is_ping
from streams.errors import BadSignature, InvalidEvent

STRIPE_TOLERANCE_SECONDS = 300
"""Stripe timestamps further than this from ``now`` (either way) are refused (replays, skew)."""

ORDERGUARD_SIGNATURE_HEADER = "X-Orderguard-Signature"
"""``sha256=<hex HMAC-SHA256(secret, raw body)>`` for taobao, aliexpress and generic."""


def _mac(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def _equal(expected: str, given: str) -> bool:
    # bytes, not str: compare_digest raises TypeError on non-ASCII str input.
    return hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "replace"))


def _require(hook: Webhook, name: str) -> str:
    value = hook.header(name)
    if value is None:
        raise BadSignature(f"missing {name} header")
    return value


def _verify_base64(hook: Webhook, secrets: tuple[str, ...], name: str) -> None:
    given = _require(hook, name)
    for secret in secrets:
        if _equal(base64.b64encode(_mac(secret, hook.body)).decode("ascii"), given):
            return
    raise BadSignature(f"{name} does not match the body")


def verify_shopify(hook: Webhook, secrets: tuple[str, ...], now: datetime) -> None:
    """Check ``X-Shopify-Hmac-Sha256``: base64 HMAC-SHA256 of the raw body, any secret may match.

    Raises:
        BadSignature: when the header is missing or matches none of the secrets.

    """
    _verify_base64(hook, secrets, "X-Shopify-Hmac-Sha256")


def verify_woocommerce(hook: Webhook, secrets: tuple[str, ...], now: datetime) -> None:
    """Check ``X-WC-Webhook-Signature`` (base64 HMAC-SHA256); the unsigned ping passes.

    Raises:
        BadSignature: when the header is missing or matches none of the secrets.

    """
    if is_ping(hook.body):
        return
    _verify_base64(hook, secrets, "X-WC-Webhook-Signature")


def _parse_stripe_header(value: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for item in value.split(","):
        key, _, val = item.strip().partition("=")
        if key == "t" and timestamp is None and val.isascii() and val.isdigit() and len(val) < 16:
            timestamp = int(val)
        elif key == "v1" and val:
            signatures.append(val)
    if timestamp is None:
        raise BadSignature("Stripe-Signature has no timestamp")
    if not signatures:
        raise BadSignature("Stripe-Signature has no v1 signature")
    return timestamp, signatures


def verify_stripe(hook: Webhook, secrets: tuple[str, ...], now: datetime) -> None:
    """Check ``Stripe-Signature`` (``t=…,v1=…``): hex HMAC-SHA256 of ``"{t}." + body``.

    Any ``v1`` may match any secret; ``t`` must be within 300 s of ``now`` either way.

    Raises:
        BadSignature: when the header is malformed, no signature matches, or ``t`` is stale.

    """
    timestamp, given = _parse_stripe_header(_require(hook, "Stripe-Signature"))
    signed = str(timestamp).encode("ascii") + b"." + hook.body
    expected = [_mac(secret, signed).hex() for secret in secrets]
    if not any(_equal(e, g) for e in expected for g in given):
        raise BadSignature("Stripe-Signature does not match the body")
    if abs(now.timestamp() - timestamp) > STRIPE_TOLERANCE_SECONDS:
        raise BadSignature("Stripe-Signature timestamp is outside the 300 s tolerance")


def verify_orderguard(hook: Webhook, secrets: tuple[str, ...], now: datetime) -> None:
    """Check ``X-Orderguard-Signature: sha256=<hex HMAC-SHA256 of the raw body>``.

    Used by the taobao and aliexpress relays and, when a secret is set, by generic.

    Raises:
        BadSignature: when the header is missing, malformed or matches no secret.

    """
    scheme, _, given = _require(hook, ORDERGUARD_SIGNATURE_HEADER).partition("=")
    if scheme.strip().lower() != "sha256" or not given:
        raise BadSignature(f"{ORDERGUARD_SIGNATURE_HEADER} must be sha256=<hex>")
    given = given.strip().lower()
    for secret in secrets:
        if _equal(_mac(secret, hook.body).hex(), given):
            return
    raise BadSignature(f"{ORDERGUARD_SIGNATURE_HEADER} does not match the body")


_VERIFIERS: dict[str, Callable[[Webhook, tuple[str, ...], datetime], None]] = {
    "shopify": verify_shopify,
    "stripe": verify_stripe,
    "woocommerce": verify_woocommerce,
    "taobao": verify_orderguard,
    "aliexpress": verify_orderguard,
    "generic": verify_orderguard,
}


def verify(hook: Webhook, secrets: Secrets, now: datetime) -> None:
    """Check the signature of a delivery against the configured secrets.

    A platform without a configured secret is refused, except ``generic`` which is
    then accepted unsigned (the local default). WooCommerce's unsigned ping
    (``webhook_id=<n>``) always passes: it stores nothing.

    Args:
        hook: the delivery, with its raw body bytes.
        secrets: the secrets from settings.
        now: the current time (aware), for Stripe's replay tolerance.

    Raises:
        BadSignature: when the signature is missing or wrong, or no secret is configured.
        InvalidEvent: when the platform is not one of ``PLATFORMS``.

    """
    if hook.platform not in PLATFORMS:
        raise InvalidEvent(f"unknown platform {hook.platform[:40]!r}")
    if hook.platform == "woocommerce" and is_ping(hook.body):
        return
    configured = tuple(s for s in secrets.for_platform(hook.platform) if s)
    if not configured:
        if hook.platform == "generic":
            return
        raise BadSignature(f"no secret configured for {hook.platform}")
    _VERIFIERS[hook.platform](hook, configured, now)
