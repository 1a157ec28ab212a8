"""DuckDB sink: Arrow batches vs row-by-row inserts of the same events into the same schema.

A second row times the sink's decoding of a ``getmany`` result (``decode_batch``: JSON, and
each event checked as the orders stage checks it) against decoding the same messages alone.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace

import orjson
from aiokafka import TopicPartition

from analytics.store import Store, StoredMessage
from bench.common import best_of, report
from streams import topics
from streams.agents.sink import decode_batch
from streams.simulator import simulate


def run(events_n: int = 20_000) -> list[dict]:
    events = []
    seed = 1
    while len(events) < events_n:
        events += simulate(seed, buyers=400).events
        seed += 1
    events = list({e["event_id"]: e for e in events}.values())[:events_n]
    messages = [StoredMessage(e, 0, i) for i, e in enumerate(events)]
    tmp = Path(tempfile.mkdtemp())

    def batched() -> None:
        store = Store(tmp / f"b{id(object())}.duckdb")
        for start in range(0, len(messages), 5000):
            store.write(messages[start:start + 5000], [])
        store.close()

    def row_by_row() -> None:
        store = Store(tmp / f"r{id(object())}.duckdb")
        rows = [(e["event_id"], e["type"], e["occurred_at"], e["marketplace"], e["seller_id"],
                 e.get("order_id"), e.get("buyer_id"), e.get("amount"), e.get("currency"),
                 e.get("actor"), e.get("reason"), orjson.dumps(e).decode()) for e in events[:2000]]
        store.con.executemany(
            "INSERT INTO events (event_id, type, occurred_at, marketplace, seller_id, order_id, "
            "buyer_id, amount, currency, actor, reason, payload) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)
        store.close()

    batch_s = best_of(batched, 3)
    # row-by-row is far slower: time 2,000 rows and scale to the same count
    row_s = best_of(row_by_row, 1) * len(events) / 2000
    result = report("sink: Arrow batches of 5000", len(events), batch_s,
                    "executemany row by row", row_s)
    raws = [orjson.dumps(e) for e in events]
    records = {TopicPartition(topics.EVENTS, 0): [
        SimpleNamespace(topic=topics.EVENTS, partition=0, offset=i, key=None, value=raw)
        for i, raw in enumerate(raws)]}
    decode_s = best_of(lambda: decode_batch(records), 5)
    loads_s = best_of(lambda: [orjson.loads(raw) for raw in raws], 5)
    report("sink: decode + validate a batch", len(events), decode_s, "orjson.loads only", loads_s)
    return [result]


if __name__ == "__main__":
    run()
