"""A table store that keeps each value in memory as the bytes of its changelog record.

Faust's ``memory://`` store keeps every value as Python objects: a buyer's window state of
about 400 bytes of JSON costs kilobytes of dicts, lists and ints, for every buyer and order
a worker holds. This store keeps the bytes the table writes to its changelog anyway (a
state's MessagePack, ``streams.statecodec``) and decodes a value when an agent reads it
(the agents read and write back one key per event). It recovers as ``memory://`` does,
from the changelog at every start, but keeps the records' bytes as they come instead of
decoding each.

``ORDERGUARD_TABLE_STORE=rocksdb`` keeps the tables in faust's rocksdb store instead (files
that outlive the worker, see ``streams.tablefiles``), with the same codec.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from faust.stores import STORES, base, rocksdb
from faust.types import TP, AppT, CollectionT, EventT
from faust.utils.json import on_default
from yarl import URL

from streams import statecodec

_JSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z  # faust.utils.json's options


def store_url(name: str) -> str:
    """The faust ``store`` URL of a table store name (``bytes``, ``memory`` or ``rocksdb``).

    ``bytes`` is this module's :class:`Store`; ``rocksdb`` is faust's rocksdb store (with
    the rocksdict driver) reading and writing values as :class:`Store` does
    (:class:`RocksStore`).
    """
    STORES.aliases.setdefault("bytes", f"{__name__}:Store")
    STORES.aliases.setdefault("orderguard-rocksdb", f"{__name__}:RocksStore")
    return "orderguard-rocksdb://" if name == "rocksdb" else f"{name}://"


class TableCodec:
    """Keys through orjson and values through ``streams.statecodec``, directly.

    The tables' schema writes keys with faust's json codec and values with
    ``statecodec``'s: a recovered record and a value set here are read alike, and a read
    and write back costs a tenth of what faust's serializer registry adds around it.
    """

    def _encode_key(self, key: Any) -> bytes:
        return orjson.dumps(key, default=on_default, option=_JSON)

    def _encode_value(self, value: Any) -> bytes | None:
        return statecodec.dumps(value)

    def _decode_key(self, key: bytes | None) -> Any:
        return None if key is None else orjson.loads(key)

    def _decode_value(self, value: bytes | None) -> Any:
        return None if value is None else statecodec.loads(value)


# faust opens one RocksDB per table partition, each by default with a 2 GiB block cache of
# its own and up to three 64 MiB memtables: 20 of them (5 tables, 4 partitions) could grow
# to tens of GiB. A table value is read once per event and is hardly ever read again soon,
# so a small cache loses little; memtables only need to absorb a burst of writes.
ROCKSDB_OPTIONS = {
    "write_buffer_size": 4 * 1024**2,
    "max_write_buffer_number": 2,
    "block_cache_size": 8 * 1024**2,
}


class RocksStore(TableCodec, rocksdb.Store):
    """faust's rocksdb store (files per table partition, kept across restarts), our codec."""

    def __init__(
        self, url: str | URL, app: AppT, table: CollectionT,
        options: dict[str, Any] | None = None, **kwargs: Any,
    ) -> None:
        """Open with the rocksdict driver (faust's other one, python-rocksdb, is unkept)."""
        super().__init__(url, app, table, driver="rocksdict",
                         options={**ROCKSDB_OPTIONS, **(options or {})}, **kwargs)


class Store(TableCodec, base.SerializedStore):  # type: ignore[type-arg]
    """Table storage: a dict of encoded keys to encoded values, by ``bytes://``."""

    def __post_init__(self) -> None:
        """Start empty; remember which partition each recovered key came from."""
        self.data: dict[bytes, bytes] = {}
        self._key_partition: dict[bytes, int] = {}

    def _get(self, key: bytes) -> bytes | None:
        return self.data.get(key)

    def _set(self, key: bytes, value: bytes | None) -> None:
        if value is None:
            self.data.pop(key, None)
        else:
            # the key is copied: orjson (faust's json codec) returns bytes that keep the whole
            # 4 KiB buffer it wrote into, kept as they are, each would cost that much; the
            # value, statecodec's record, is a bytes object of its own length already
            self.data[bytes(memoryview(key))] = value

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
