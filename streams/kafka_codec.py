"""kafka-python (de)serializers: orjson values and UTF-8 string keys."""

from __future__ import annotations

from typing import Any

import orjson
from kafka.serializer import Deserializer, Serializer


class JsonValue(Serializer, Deserializer):  # type: ignore[misc]
    """JSON values via orjson (exact big integers, bytes out)."""

    def serialize(self, topic: str, headers: Any, data: Any) -> bytes:
        """Encode a JSON-compatible value."""
        return orjson.dumps(data)

    def deserialize(self, topic: str, headers: Any, data: bytes) -> Any:
        """Decode JSON bytes."""
        return orjson.loads(data)


class TextKey(Serializer, Deserializer):  # type: ignore[misc]
    """UTF-8 string keys (order ids, buyer ids)."""

    def serialize(self, topic: str, headers: Any, data: str | None) -> bytes | None:
        """Encode a key as UTF-8."""
        return None if data is None else data.encode()

    def deserialize(self, topic: str, headers: Any, data: bytes | None) -> str | None:
        """Decode a UTF-8 key."""
        return None if data is None else data.decode("utf-8", "replace")
