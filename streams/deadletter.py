"""Dead-letter headers in Kafka Connect's style (contracts.md §4)."""

from __future__ import annotations

from collections.abc import Mapping

from streams.topics import DEADLETTER_HEADER

# a refused webhook keeps its request's headers: Shopify and WooCommerce name the shop and
# the topic only there. Credentials and cookies stay behind; a header is cut at 1,000 bytes.
HTTP_HEADER = "orderguard.http."
_NOT_KEPT = frozenset({"authorization", "proxy-authorization", "cookie"})
_MAX_HEADERS, _MAX_VALUE = 64, 1000


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


def request_headers(headers: Mapping[str, str]) -> list[tuple[str, bytes]]:
    """A webhook request's headers as dead-letter headers (``orderguard.http.<name>``).

    Names are lower-cased; credentials and cookies are left out; at most 64 headers of at
    most 1,000 bytes each.
    """
    kept = []
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in _NOT_KEPT:
            continue
        kept.append((HTTP_HEADER + lowered, value.encode("utf-8", "replace")[:_MAX_VALUE]))
        if len(kept) == _MAX_HEADERS:
            break
    return kept
