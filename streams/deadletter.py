"""Dead-letter headers in Kafka Connect's style (contracts.md §4)."""

from __future__ import annotations

from streams.topics import DEADLETTER_HEADER


def deadletter_headers(
    *, topic: str, partition: int | None, offset: int | None, stage: str, exc: BaseException
) -> list[tuple[str, bytes]]:
    """The headers that travel with the original bytes to ``orderguard.deadletter``."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return [
        (f"{DEADLETTER_HEADER}.topic", topic.encode()),
        (f"{DEADLETTER_HEADER}.partition", str(-1 if partition is None else partition).encode()),
        (f"{DEADLETTER_HEADER}.offset", str(-1 if offset is None else offset).encode()),
        (f"{DEADLETTER_HEADER}.stage", stage.encode()),
        (f"{DEADLETTER_HEADER}.exception.class.name", type(exc).__qualname__.encode()),
        (f"{DEADLETTER_HEADER}.exception.message", message[:1000].encode()),
    ]
