"""Platform webhook adapters: verify a delivery, then map it to canonical events (pure code)."""

from streams.adapters.base import MAX_BODY, PLATFORMS, Outcome, Secrets, Webhook
from streams.adapters.registry import handle, normalize
from streams.adapters.signatures import verify

__all__ = [
    "MAX_BODY",
    "PLATFORMS",
    "Outcome",
    "Secrets",
    "Webhook",
    "handle",
    "normalize",
    "verify",
]
