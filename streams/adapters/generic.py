"""The generic endpoint: canonical events (contracts.md §1) posted as-is, one or an array."""

from __future__ import annotations

from typing import Any

from schemas.event import validate_event
from streams.adapters.base import Outcome, Webhook
from streams.adapters.canonical import body_key
from streams.adapters.fields import loads
from streams.errors import InvalidEvent

MAX_EVENTS = 10_000


def _check(event: Any, where: str) -> dict[str, Any]:
    try:
        return validate_event(event)
    except InvalidEvent as exc:
        raise InvalidEvent(f"{where}{exc}") from None


def parse(hook: Webhook) -> Outcome:
    """Accept a canonical event or a JSON array of them, each checked with validate_event.

    Raises:
        InvalidEvent: when the body is not one valid event or a non-empty array of them
            (any invalid element refuses the whole body).

    """
    doc = loads(hook.body)
    if isinstance(doc, list):
        if not doc:
            raise InvalidEvent("empty array: no events")
        if len(doc) > MAX_EVENTS:
            raise InvalidEvent(f"at most {MAX_EVENTS} events per request")
        events = [_check(event, f"event {index}: ") for index, event in enumerate(doc)]
    else:
        events = [_check(doc, "")]
    return Outcome(events=events, dedupe_keys=(body_key(hook, hook.topic),))
