"""The values every platform adapter exchanges with the HTTP layer and the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PLATFORMS: tuple[str, ...] = ("shopify", "stripe", "woocommerce", "taobao", "aliexpress", "generic")

MAX_BODY = 1024 * 1024
"""Largest body the HTTP layer accepts (it answers 413 above it)."""

DEFAULT_SELLER = "default"
"""seller_id used when neither the body nor the headers name the shop (documented)."""


@dataclass(frozen=True)
class Secrets:
    """Webhook secrets per platform; several may be valid at once during a rotation."""

    shopify: tuple[str, ...] = ()
    stripe: tuple[str, ...] = ()
    woocommerce: tuple[str, ...] = ()
    taobao: tuple[str, ...] = ()
    aliexpress: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()

    def for_platform(self, platform: str) -> tuple[str, ...]:
        """Return the secrets configured for ``platform`` (empty when none or unknown)."""
        value = getattr(self, platform, ())
        return tuple(value) if isinstance(value, tuple) else ()


@dataclass(frozen=True)
class Webhook:
    """One delivery as the HTTP layer (or the CLI) received it.

    Header names are matched case-insensitively: they are stored lower-cased.
    """

    platform: str
    headers: Mapping[str, str]
    body: bytes
    topic: str | None = None

    def __post_init__(self) -> None:
        lowered = {str(k).lower(): str(v) for k, v in self.headers.items()}
        object.__setattr__(self, "headers", lowered)

    def header(self, name: str) -> str | None:
        """Return header ``name`` (any case), stripped; None when absent or empty."""
        value = self.headers.get(name.lower())
        if value is None:
            return None
        value = value.strip()
        return value or None


@dataclass(frozen=True)
class Outcome:
    """What one delivery becomes.

    Attributes:
        events: canonical events, each already checked with ``validate_event``.
        dedupe_keys: delivery ids plus a ``body:`` hash; any key seen before means
            the delivery is a duplicate.
        ping: a WooCommerce ping: answer 200 and store nothing.
        unknown_topic: a topic no mapping covers: answer 202 and dead-letter the body.

    """

    events: list[dict[str, Any]] = field(default_factory=list)
    dedupe_keys: tuple[str, ...] = ()
    ping: bool = False
    unknown_topic: str | None = None
