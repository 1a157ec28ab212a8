"""The Taobao Message Channel (TMC) envelope shared by the taobao and aliexpress endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from streams.adapters.base import DEFAULT_SELLER, Webhook
from streams.adapters.canonical import body_key
from streams.adapters.fields import CHINA_TZ, loads, obj, opt_ident, opt_timestamp, text
from streams.errors import InvalidEvent


@dataclass(frozen=True)
class Message:
    """One TMC message: envelope fields plus its decoded ``content``.

    Attributes:
        topic: e.g. ``taobao_trade_TradeCreate`` (``hook.topic`` overrides the envelope).
        content: the topic's fields; ``content`` arrives as a JSON string (decoded so
            that 64-bit ids stay exact) or, from some relays, already as an object.
        time: the publish time as RFC 3339 UTC (naive times are China time, +08:00).
        seller: the envelope's ``userid`` (stable seller id), else ``nick``, else None.
        marketplace: the envelope's optional ``marketplace`` (e.g. ``tmall``), else None.
        dedupe_keys: the TMC message id and the body hash.

    """

    topic: str
    content: dict[str, Any]
    time: str | None
    seller: str | None
    marketplace: str | None
    dedupe_keys: tuple[str, ...]

    def seller_or(self, *fallbacks: str | None) -> str:
        """Return the envelope's seller id, else the first fallback, else the default."""
        return next((s for s in (self.seller, *fallbacks) if s), DEFAULT_SELLER)


def read_message(hook: Webhook) -> Message:
    """Decode the envelope and its content.

    Raises:
        InvalidEvent: when the body or its content is not a JSON object, or no topic is named.

    """
    envelope = obj(loads(hook.body), "body")
    topic = hook.topic or text(envelope, "topic")
    if topic is None:
        raise InvalidEvent("TMC message names no topic")
    raw = envelope.get("content")
    content = loads(raw, "content") if isinstance(raw, str) else raw
    keys = [body_key(hook, topic)]
    message_id = opt_ident(envelope, "id")
    if message_id:
        keys.append(f"{hook.platform}:message:{message_id}")
    return Message(
        topic=topic,
        content=obj(content, "content"),
        time=opt_timestamp(envelope, "time", CHINA_TZ),
        seller=opt_ident(envelope, "userid") or text(envelope, "nick"),
        marketplace=text(envelope, "marketplace"),
        dedupe_keys=tuple(keys),
    )
