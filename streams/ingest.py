"""Webhook ingest, independent of the web framework: bytes in, canonical events or a refusal out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from schemas.event import validate_event
from streams.errors import InvalidEvent

MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class Parsed:
    """What a webhook body became: events to publish, or a ping / unknown topic."""

    events: list[dict[str, Any]] = field(default_factory=list)
    dedupe_keys: tuple[str, ...] = ()
    ping: bool = False
    unknown_topic: str | None = None


def parse_generic(body: bytes) -> Parsed:
    """A canonical event, or a JSON array of them; any invalid element refuses the whole body."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidEvent("body is not valid UTF-8") from None
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidEvent(f"body is not JSON: {exc}") from None
    items = doc if isinstance(doc, list) else [doc]
    if not items:
        raise InvalidEvent("empty array: no events")
    events = []
    for index, item in enumerate(items):
        try:
            events.append(validate_event(item))
        except InvalidEvent as exc:
            where = f"event {index}: " if isinstance(doc, list) else ""
            raise InvalidEvent(f"{where}{exc}") from None
    return Parsed(events=events)
