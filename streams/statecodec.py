"""How the workers' tables write a state: MessagePack behind a marker byte; JSON still read.

The stages' states are JSON-shaped (dicts, lists, strings, ints), and the tables used to
write them as JSON. MessagePack writes the same values in about two thirds of the bytes
(ints in binary, no quotes or separators), and ``ormsgpack`` encodes and decodes them a
little faster than orjson does JSON: every changelog record, every value the bytes store
keeps in memory and every RocksDB value is that much smaller (BENCHMARKS.md, "Table states
as MessagePack"). A state decodes to the same Python values either way.

A record starts with :data:`MARK` (``0xc1``, the one byte MessagePack never uses, and no
JSON text starts with it), then the MessagePack. A record without it is JSON, as every
worker before this codec wrote: tables restored from older changelogs or RocksDB files
read as they were, and move to MessagePack at their key's next write. Keys stay JSON.

:func:`register` makes it faust's ``ogstate`` codec, the tables' value serializer
(``streams.agents.wiring``); the table stores (``streams.agents.bytestore``) call
:func:`dumps` and :func:`loads` directly.
"""

from __future__ import annotations

from typing import Any

import orjson
import ormsgpack
from faust.serializers import codecs
from faust.utils.json import on_default

NAME = "ogstate"
MARK = b"\xc1"
# keys other than strings are kept as they are (JSON made them strings); states have none
_KEYS = ormsgpack.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    """The record of a table value: :data:`MARK`, then its MessagePack."""
    return MARK + ormsgpack.packb(value, default=on_default, option=_KEYS)


def loads(record: bytes) -> Any:
    """The value of a record :func:`dumps` wrote, or of a JSON one an older worker wrote."""
    if record[:1] == MARK:
        return ormsgpack.unpackb(memoryview(record)[1:], option=_KEYS)
    return orjson.loads(record)


class StateCodec(codecs.Codec):
    """faust's codec for table values: :func:`dumps` and :func:`loads`."""

    def _dumps(self, s: Any) -> bytes:
        return dumps(s)

    def _loads(self, s: bytes) -> Any:
        return loads(s)


def register() -> str:
    """Make :class:`StateCodec` faust's ``ogstate`` codec (once); its name."""
    if NAME not in codecs.codecs:
        codecs.register(NAME, StateCodec())
    return NAME
