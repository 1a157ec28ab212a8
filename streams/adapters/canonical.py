"""Builders shared by the adapters: deterministic event ids, canonical dicts, dedupe keys."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from streams.adapters.base import Webhook
from streams.adapters.fields import body_hash, compact


def make_event(
    marketplace: str,
    etype: str,
    business_id: str,
    *,
    seller_id: str,
    occurred_at: str | None,
    order_id: str | None,
    **fields: Any,
) -> dict[str, Any]:
    """Build a canonical event whose ``event_id`` is ``<marketplace>:<type>:<business_id>``.

    The id is derived from the business event, never from the delivery, so a
    redelivery or the same fact reported by another topic yields the same id.
    None and empty values are left out; nested dicts are compacted and dropped when empty.
    """
    event: dict[str, Any] = {
        "event_id": f"{marketplace}:{etype}:{business_id}",
        "type": etype,
        "occurred_at": occurred_at,
        "marketplace": marketplace,
        "seller_id": seller_id,
        "order_id": order_id,
    }
    for key, value in fields.items():
        if isinstance(value, dict):
            value = compact(value) or None
        event[key] = value
    return compact(event)


def body_key(hook: Webhook, topic: str | None) -> str:
    """``body:<sha256>`` of the raw body, scoped by platform and topic.

    Scoping matters because Shopify and WooCommerce send byte-identical bodies to
    different topics (orders/create and orders/updated): a plain body hash would
    drop the second topic as a duplicate. The hash still ignores every other
    header, so a replayed body with forged delivery ids is a duplicate.
    """
    prefix = f"{hook.platform}\n{topic or ''}\n".encode()
    return "body:" + body_hash(prefix + hook.body)


def sum_decimals(amounts: list[str]) -> str:
    """Add plain decimal strings exactly."""
    return format(sum((Decimal(a) for a in amounts), Decimal(0)), "f")
