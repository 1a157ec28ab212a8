"""Identity keys of an order: normalized, pseudonymized phone, address, email, payment, device."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from streams.core.linking_normalize import (
    normalize_address,
    normalize_email,
    normalize_fingerprint,
    normalize_phone,
)

# key prefix -> what the explanation calls one such identity ("one phone number")
KIND_NOUNS: dict[str, str] = {
    "phone": "phone number",
    "addr": "address",
    "email": "email address",
    "pay": "payment account",
    "device": "device",
}
WEAK_KINDS: frozenset[str] = frozenset({"addr"})  # households, offices and dorms share these

# The event types the identities stage counts; the buyers stage need forward no others.
LINK_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "order.created",
        "order.paid",
        "order.cancelled",
        "order.closed_unpaid",
        "dispute.opened",
        "chargeback.notified",
    }
)
IDENTIFYING_TYPES: frozenset[str] = frozenset({"order.created", "order.paid"})
MAX_BUYER_KEYS = 8  # identity keys remembered per buyer (5 per order at most)
DIGEST_HEX = 16  # 64 bits of SHA-256: no collision in practice, and no raw value in any key


def identity_key(kind: str, value: str) -> str:
    """``kind:<16 hex digits of SHA-256>``: the kind stays readable, the value does not."""
    digest = hashlib.sha256(f"{kind}\x1f{value}".encode()).hexdigest()[:DIGEST_HEX]
    return f"{kind}:{digest}"


def identity_keys(event: dict[str, Any]) -> list[str]:
    """The identity keys of an ``order.created`` or ``order.paid`` event; ``[]`` for others.

    In this order, each when usable: ``phone:``, ``addr:``, ``email:``, ``pay:``,
    ``device:``. Each key is the kind and a hash of the normalized value, so keys, states
    and alerts never carry a raw phone number, address or email. The device IP is never a
    key (NAT, mobile carriers and VPNs share one address among many buyers). ``order.paid``
    counts because many platforms (Shopify, Stripe) name the payment account only there.

    Args:
        event: a canonical event.

    """
    if event.get("type") not in IDENTIFYING_TYPES:
        return []
    shipping = event.get("shipping")
    payment = event.get("payment")
    device = event.get("device")
    shipping = shipping if isinstance(shipping, dict) else {}
    payment = payment if isinstance(payment, dict) else {}
    device = device if isinstance(device, dict) else {}
    details = (
        shipping.get("phone"),
        shipping.get("country", ""),
        shipping.get("address1"),
        shipping.get("postal_code"),
        shipping.get("email"),
        payment.get("account_fingerprint"),
        device.get("fingerprint"),
    )
    try:
        return list(_keys_of(details))
    except TypeError:  # an unhashable value (a list where a string belongs): not a key
        return list(_keys_of.__wrapped__(tuple(v if isinstance(v, str) else None for v in details)))


# Sized for the active buyers of a replay: each has a set of details for its orders and
# one for its payments, and a miss costs a normalization and five SHA-256 digests.
@lru_cache(maxsize=1 << 16)
def _keys_of(details: tuple[Any, ...]) -> tuple[str, ...]:
    """The keys of one set of contact details (cached: a buyer's orders repeat them)."""
    phone, country, address1, postal_code, email, account, fingerprint = details
    found = (
        ("phone", normalize_phone(phone, country)),
        ("addr", normalize_address(address1, postal_code, country)),
        ("email", normalize_email(email)),
        ("pay", normalize_fingerprint(account)),
        ("device", normalize_fingerprint(fingerprint)),
    )
    return tuple(identity_key(kind, value) for kind, value in found if value is not None)


def buyer_identity_keys(buyer_keys: list[str], event: dict[str, Any]) -> list[str]:
    """The buyer's remembered identity keys after this event, the latest added last.

    An ``order.created`` (or an ``order.paid`` naming the payment account) that shows a key
    new to the buyer moves its keys to the end; the earliest go past ``MAX_BUYER_KEYS``. One
    that shows only keys the buyer has changes nothing: a buyer's orders and payments show
    different keys (the card only at payment), and moving them each time would rewrite the
    list, and the buyers stage's table, on almost every order and payment. The buyers stage
    keeps this list with the buyer and sends each of the buyer's events to every key in it,
    since follow-up events carry no shipping, payment or device.

    Args:
        buyer_keys: the list kept so far (``[]`` for a new buyer); never modified.
        event: the buyer's event.

    Returns:
        ``buyer_keys`` itself when the event adds nothing (callers may skip the write when
        ``result is buyer_keys``), else a new list.

    """
    found = identity_keys(event)
    for key in found:
        if key not in buyer_keys:
            break
    else:  # nothing new (or no key): a paid order shows its card, the next order its address
        return buyer_keys
    kept = [key for key in buyer_keys if key not in found] + found
    return kept[-MAX_BUYER_KEYS:]


def link_message(
    record: dict[str, Any] | None, event: dict[str, Any], key: str
) -> dict[str, Any]:
    """The message the buyers stage sends to the identities stage, Kafka key ``key``.

    It carries only what :func:`streams.core.linking.step_identity` reads, so no contact
    detail travels to the identities topic.

    Args:
        record: the account's kept record (``linking_state.account_record``) when ``key``
            is new to the account, else ``None``; it rides along as ``record``.
        event: a canonical event of the buyer, ``buyer_id`` resolved; the buyers stage
            need forward only ``LINK_EVENT_TYPES``.
        key: one of the buyer's identity keys (see :func:`buyer_identity_keys`).

    """
    message = {
        "identity": key,
        "event_id": event["event_id"],
        "type": event["type"],
        "occurred_at": event["occurred_at"],
        "buyer_id": event["buyer_id"],
        "seller_id": event["seller_id"],
        "marketplace": event["marketplace"],
        "order_id": event.get("order_id"),
    }
    actor = event.get("actor")
    if actor is not None:
        message["actor"] = actor
    if record is not None:
        message["record"] = record
    return message
