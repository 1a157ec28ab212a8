"""Dispatch a delivery to its platform adapter; the only entry points the edges call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from schemas.event import validate_event
from streams.adapters import aliexpress, generic, shopify, stripe, taobao, woocommerce
from streams.adapters.base import Outcome, Secrets, Webhook
from streams.adapters.signatures import verify
from streams.errors import InvalidEvent

ADAPTERS: dict[str, Callable[[Webhook], Outcome]] = {
    "shopify": shopify.parse,
    "stripe": stripe.parse,
    "woocommerce": woocommerce.parse,
    "taobao": taobao.parse,
    "aliexpress": aliexpress.parse,
    "generic": generic.parse,
}

# Shapes the field readers did not anticipate; translated so callers only see InvalidEvent.
_MALFORMED = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    ArithmeticError,
    RecursionError,
)


def normalize(hook: Webhook) -> Outcome:
    """Turn a delivery into canonical events without checking its signature.

    Args:
        hook: the delivery; ``hook.topic`` (e.g. the CLI's ``--topic``) overrides the
            topic found in headers or in the body.

    Returns:
        The events (each passed ``validate_event``), the dedupe keys, and the ping /
        unknown-topic flags.

    Raises:
        InvalidEvent: with a one-line reason, for an unknown platform or malformed input.

    """
    adapter = ADAPTERS.get(hook.platform)
    if adapter is None:
        raise InvalidEvent(f"unknown platform {hook.platform[:40]!r}")
    try:
        outcome = adapter(hook)
        for event in outcome.events:
            validate_event(event)
    except InvalidEvent:
        raise
    except _MALFORMED as exc:
        raise InvalidEvent(f"malformed {hook.platform} payload ({type(exc).__name__})") from exc
    return outcome


def handle(
    hook: Webhook, secrets: Secrets, now: datetime, verify_signatures: bool = True
) -> Outcome:
    """Verify the signature (unless told not to), then normalize.

    Args:
        hook: the delivery with its raw body.
        secrets: the configured secrets.
        now: the current aware time (Stripe's replay tolerance).
        verify_signatures: False for trusted local input (``orderguard normalize``).

    Returns:
        The normalized outcome.

    Raises:
        BadSignature: when the signature is missing or wrong (checked first: 401).
        InvalidEvent: for malformed input (422).

    """
    if verify_signatures:
        verify(hook, secrets, now)
    return normalize(hook)
