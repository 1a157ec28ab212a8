"""Webhook ingest, independent of the web framework: one delivery in, an HTTP answer out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from schemas.event import parse_ts
from streams.adapters import MAX_BODY, PLATFORMS, Outcome, Secrets, Webhook, handle, normalize
from streams.errors import BadSignature, InvalidEvent
from streams.settings import Settings

__all__ = ["MAX_BODY", "PLATFORMS", "Answer", "decide", "normalize_body", "secrets_of"]


@dataclass(frozen=True)
class Answer:
    """What the HTTP layer does with a delivery.

    Attributes:
        status: the HTTP status to answer.
        body: the JSON body of the answer.
        outcome: the normalized delivery to publish (only on 202 with events).
        dead_letter: why the raw bytes go to the dead-letter topic, if they do.

    """

    status: int
    body: dict[str, Any]
    outcome: Outcome | None = None
    dead_letter: Exception | None = None


def secrets_of(settings: Settings) -> Secrets:
    """The adapters' view of the configured webhook secrets."""
    return Secrets(**{p: settings.secrets.get(p, ()) for p in PLATFORMS})


# A webhook from the future would push a buyer's event-time watermark ahead and evict the
# windows of everything that really happened; platform clocks are not that far off.
MAX_CLOCK_SKEW_S = 24 * 3600


def check_clock(events: list[dict[str, Any]], now: datetime) -> None:
    """Refuse events that claim to happen more than a day after ``now``.

    Raises:
        InvalidEvent: naming the first such event.

    """
    limit = now.timestamp() + MAX_CLOCK_SKEW_S
    for event in events:
        if parse_ts(event["occurred_at"]).timestamp() > limit:
            raise InvalidEvent(
                f"event {event['event_id']!r}: occurred_at {event['occurred_at']} is more than "
                "24 hours in the future"
            )


def decide(
    platform: str, headers: dict[str, str], body: bytes, secrets: Secrets,
    now: datetime | None = None,
) -> Answer:
    """Verify and normalize one delivery and decide the answer (no I/O here)."""
    if platform not in PLATFORMS:
        return Answer(404, {"error": f"unknown platform {platform[:40]!r}"})
    if len(body) > MAX_BODY:
        return Answer(413, {"error": f"body over {MAX_BODY} bytes"})
    hook = Webhook(platform=platform, headers=headers, body=body)
    now = now or datetime.now(UTC)
    try:
        outcome = handle(hook, secrets, now)
        check_clock(outcome.events, now)
    except BadSignature as exc:
        return Answer(401, {"error": str(exc)})
    except InvalidEvent as exc:
        return Answer(422, {"error": str(exc)}, dead_letter=exc)
    if outcome.ping:
        return Answer(200, {"ping": "ok"})
    if outcome.unknown_topic is not None:
        reason = InvalidEvent(f"unknown topic {outcome.unknown_topic!r}: kept in the dead letters")
        return Answer(202, {"accepted": 0, "dead_lettered": str(reason)}, dead_letter=reason)
    return Answer(202, {"accepted": len(outcome.events)}, outcome=outcome)


def normalize_body(platform: str, body: bytes, topic: str | None = None) -> Outcome:
    """What a raw webhook body becomes, without a signature check (``orderguard normalize``)."""
    return normalize(Webhook(platform=platform, headers={}, body=body, topic=topic))
