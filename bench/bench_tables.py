"""Table stores: what a worker's tables hold in memory, the bytes store against memory://.

The states are those the stages hold after a simulated week (20,000 buyers, every rule and
the linked accounts, from ``Replay``). Each table is filled through a faust table's store
of each kind (``ORDERGUARD_TABLE_STORE``: ``bytes``, ``streams/agents/bytestore.py``, and
faust's ``memory://``), as an agent fills it, with a freshly decoded value per key, and
tracemalloc counts what the store keeps. Then one read and one write back per buyer, what
an agent does per event, is timed against the same on ``memory://``. No broker is used:
a worker run would leave its events on ``orderguard.events`` for every later app id to
read again.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Mapping
from typing import Any

import faust
import orjson

from bench.common import best_of, report
from schemas.event import validate_event
from streams import statecodec
from streams.agents.bytestore import store_url
from streams.backtest import detection
from streams.core.linking import LinkedAccounts
from streams.simulator import simulate

SCHEMA = faust.Schema(key_type=str, value_type=None, key_serializer="json",
                      value_serializer=statecodec.register())  # as the worker's tables
STORES = ("memory", "bytes")


def _tables(buyers: int, days: int) -> dict[str, Mapping[str, Any]]:
    engine = detection(None)
    for event in simulate(2026, buyers=buyers, days=days).events:
        engine.feed(validate_event(event))
    assert isinstance(engine.identities, LinkedAccounts)
    return {"buyers": engine.buyers, "orders": engine.orders,
            "identities": engine.identities.identities}


def _store(kind: str, table: str) -> Any:
    app = faust.App(f"bench-{kind}", broker="memory://", store=store_url(kind))
    return app.Table(table, default=None, schema=SCHEMA).data


def _held(kind: str, table: str, values: Mapping[str, Any]) -> tuple[Any, int]:
    """A store of ``kind`` filled with ``values``, and the bytes it keeps (tracemalloc)."""
    raw = [(key, orjson.dumps(value)) for key, value in values.items()]
    store = _store(kind, table)
    gc.collect()
    tracemalloc.start()
    try:
        for key, value in raw:
            store[key] = orjson.loads(value)  # as an agent's state, decoded from its event
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return store, held


def run(buyers: int = 20_000, days: int = 7) -> list[dict]:
    tables = _tables(buyers, days)
    stores = {}
    for name, values in tables.items():
        held = {}
        for kind in STORES:
            stores[kind, name], held[kind] = _held(kind, name, values)
        n = len(values)
        print(f"{name + ' table, kept per key:':<34} bytes store {held['bytes'] / n:>7,.0f} B"
              f"   memory:// {held['memory'] / n:>7,.0f} B   ratio "
              f"{held['bytes'] / held['memory']:6.3f}   ({n:,} keys)", flush=True)
    keys = list(tables["buyers"])

    def cycle(kind: str) -> float:
        store = stores[kind, "buyers"]

        def one_pass() -> None:
            for key in keys:
                store[key] = store[key]  # an agent's read and write back

        return best_of(one_pass, 3)

    memory_s, bytes_s = cycle("memory"), cycle("bytes")
    return [report("buyer state read + write, bytes", len(keys), bytes_s, "memory:// store",
                   memory_s)]


if __name__ == "__main__":
    run()
