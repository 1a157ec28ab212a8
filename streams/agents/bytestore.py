"""A table store that keeps each value in memory as the bytes of its changelog record.

Faust's ``memory://`` store keeps every value as Python objects: a buyer's window state of
about 400 bytes of JSON costs kilobytes of dicts, lists and ints, for every buyer and order
a worker holds. This store keeps the JSON bytes the table writes to its changelog anyway
and decodes a value when an agent reads it (the agents read and write back one key per
event). It recovers as ``memory://`` does, from the changelog at every start, but keeps
the records' bytes as they come instead of decoding each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from faust.stores import STORES, base
from faust.types import TP, EventT
from faust.utils.json import on_default

_JSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z  # faust.utils.json's options


def store_url(name: str) -> str:
    """The faust ``store`` URL of a table store name, ``bytes`` being this module's store."""
    STORES.aliases.setdefault("bytes", f"{__name__}:Store")
    return f"{name}://"


class Store(base.SerializedStore):  # type: ignore[type-arg]
    """Table storage: a dict of encoded keys to encoded values, by ``bytes://``."""

    def __post_init__(self) -> None:
        """Start empty; remember which partition each recovered key came from."""
        self.data: dict[bytes, bytes] = {}
        self._key_partition: dict[bytes, int] = {}

    # Keys and values go through orjson directly, as faust's json codec writes them (the
    # tables' schema): a recovered record and a value set here are read alike, and a read
    # and write back costs a tenth of what faust's serializer registry adds around it.
    def _encode_key(self, key: Any) -> bytes:
        return orjson.dumps(key, default=on_default, option=_JSON)

    def _encode_value(self, value: Any) -> bytes | None:
        return orjson.dumps(value, default=on_default, option=_JSON)

    def _decode_key(self, key: bytes | None) -> Any:
        return None if key is None else orjson.loads(key)

    def _decode_value(self, value: bytes | None) -> Any:
        return None if value is None else orjson.loads(value)

    def _get(self, key: bytes) -> bytes | None:
        return self.data.get(key)

    def _set(self, key: bytes, value: bytes | None) -> None:
        if value is None:
            self.data.pop(key, None)
        else:
            # copies: orjson (faust's json codec) returns bytes that keep the whole 4 KiB
            # buffer it wrote into; kept as they are, each value would cost that much
            self.data[bytes(memoryview(key))] = bytes(memoryview(value))

    def _del(self, key: bytes) -> None:
        self.data.pop(key, None)

    def _iterkeys(self) -> Iterator[bytes]:
        yield from list(self.data)  # a copy: agents delete while they sweep

    def _itervalues(self) -> Iterator[bytes | None]:
        yield from list(self.data.values())

    def _iteritems(self) -> Iterator[tuple[bytes, bytes]]:
        yield from list(self.data.items())

    def _size(self) -> int:
        return len(self.data)

    def _contains(self, key: bytes) -> bool:
        return key in self.data

    def _clear(self) -> None:
        self.data.clear()
        self._key_partition.clear()

    def apply_changelog_batch(
        self,
        batch: Iterable[EventT],
        to_key: Callable[[Any], Any],
        to_value: Callable[[Any], Any],
    ) -> None:
        """Apply changelog records in order: a value sets its key, a tombstone deletes it."""
        data, partitions = self.data, self._key_partition
        for event in batch:
            message = event.message
            key = message.key
            if key is None:
                raise TypeError(f"Changelog entry is missing key: {message}")
            if message.value is None:
                data.pop(key, None)
            else:
                data[key] = message.value
            partitions[key] = message.partition

    async def on_recovery_completed(self, active_tps: set[TP], standby_tps: set[TP]) -> None:
        """Drop what was recovered from partitions this worker no longer holds (as memory://)."""
        held = {partition for _, partition in active_tps}
        for key in [k for k, p in self._key_partition.items() if p not in held]:
            self.data.pop(key, None)
            self._key_partition.pop(key, None)

    def persisted_offset(self, tp: TP) -> int | None:
        """Nothing persists: recovery reads the changelog from the start, as memory://."""
        return None

    def reset_state(self) -> None:
        """There is no local file state to remove."""

    async def backup_partition(
        self, tp: TP | int, flush: bool = True, purge: bool = False, keep: int = 1
    ) -> None:
        """Nothing to back up."""

    def restore_backup(self, tp: TP | int, latest: bool = True, backup_id: int = 0) -> None:
        """Nothing to restore."""
