"""`orderguard backtest`: reading the stored history, and two rule sets against one replay.

Two rows, each against a baseline measured in the same run on the same events:
- reading the history back from a DuckDB file (paged queries, decode, validate) against
  decoding and validating the same JSON Lines from memory: what the store costs;
- the backtest's pass (every event through today's rules and a candidate) against one
  replay of the same events: what the second rule set costs.
"""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

import orjson

from analytics.client import query_file
from analytics.history import stored_events
from analytics.store import Store, StoredMessage
from bench.common import best_of, json_lines, report
from schemas.event import validate_event
from streams.backtest import Backtest, detection
from streams.simulator import simulate

CANDIDATE = "[nonpayment_burst]\nmedium = 2\nhigh = 4\n"


def run(buyers: int = 20_000, days: int = 7) -> list[dict]:
    events = list({e["event_id"]: e for e in simulate(2026, buyers=buyers, days=days).events}
                  .values())
    lines = json_lines(events)
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "history.duckdb"
    store = Store(path)
    for start in range(0, len(events), 20_000):
        store.write([StoredMessage(e, 0, start + i)
                     for i, e in enumerate(events[start:start + 20_000])], [])
    store.close()
    candidate = tmp / "candidate.toml"
    candidate.write_text(CANDIDATE)

    def from_store() -> None:
        for _ in stored_events(lambda sql: query_file(path, sql)):
            pass

    def from_memory() -> None:
        loads = orjson.loads
        for line in lines:
            validate_event(loads(line))

    read_s, decode_s = best_of(from_store, 2), best_of(from_memory, 2)
    results = [report(f"history from DuckDB: {len(events):,} events", len(events), read_s,
                      "decode + validate from memory", decode_s)]

    def backtest() -> None:  # the loop `orderguard backtest` runs
        Backtest(detection(None), detection(candidate)).feed_all(events)

    def replay() -> None:
        feed = detection(None).feed
        gc.disable()  # as `orderguard replay` and Backtest.feed_all do
        try:
            for event in events:
                feed(event)
        finally:
            gc.enable()

    both_s, one_s = best_of(backtest, 2), best_of(replay, 2)
    results.append(report("backtest: two rule sets", len(events), both_s,
                          "one replay, same events", one_s))
    return results


if __name__ == "__main__":
    run()
