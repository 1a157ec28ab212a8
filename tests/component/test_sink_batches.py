"""The sink's batches on a real DuckDB file: a record the store refuses never stops the rest."""

from __future__ import annotations

from types import SimpleNamespace

import orjson
import pytest
from aiokafka import TopicPartition

from analytics.store import Store
from streams import topics
from streams.agents.sink import decode_batch, store_batch
from tests.component.test_store import alert
from tests.factories import make_event


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "og.duckdb")
    yield s
    s.close()


def _records(*values: tuple[str, object]) -> dict:
    records: dict = {}
    for offset, (topic, value) in enumerate(values):
        raw = value if isinstance(value, bytes) else orjson.dumps(value)
        message = SimpleNamespace(topic=topic, partition=0, offset=offset, key=b"k", value=raw)
        records.setdefault(TopicPartition(topic, 0), []).append(message)
    return records


def test_a_batch_the_store_takes_whole_refuses_nothing(store):
    batch = decode_batch(_records((topics.EVENTS, make_event(event_id="e1")),
                                  (topics.ALERTS, alert("a1"))))
    assert store_batch(store, batch) == [] and batch.rejected == []
    assert store.query("SELECT count(*) FROM events").rows == [(1,)]
    assert store.query("SELECT count(*) FROM alerts").rows == [(1,)]


def test_bad_alerts_are_given_back_and_everything_else_is_stored(store):
    bad_time = alert("a-bad-time", occurred_at="nope")  # the contract's fields, no time
    bad_number = alert("a-bad-number", observed="many")
    batch = decode_batch(_records(
        (topics.EVENTS, make_event(event_id="e1")),
        (topics.ALERTS, b"not json"),
        (topics.ALERTS, {"alert_id": "a-bare"}),  # lacks the contract's fields
        (topics.ALERTS, alert("a-string-buyers", buyer_ids="b1")),
        (topics.ALERTS, bad_time),
        (topics.ALERTS, alert("a-good")),
        (topics.ALERTS, bad_number),
        (topics.SUPPRESSED, alert("s-bad-time", occurred_at="then", suppressed={
            "list": "allow", "seller_id": "*", "reason": "wholesale", "source": "ops"})),
        (topics.EVENTS, make_event(event_id="e-bad-time", occurred_at="garbage")),
        (topics.EVENTS, make_event(event_id="e-bad-type", type="order.exploded")),
        (topics.EVENTS, make_event(event_id="e2")),
    ))
    # events the orders stage refuses (and dead-letters) are not stored either
    assert batch.skipped == 2
    assert [m.value["event_id"] for m in batch.events] == ["e1", "e2"]
    # undecodable or off-contract alerts are refused before the store sees them
    assert [m.offset for m, _ in batch.rejected] == [1, 2, 3]
    assert "lacks fields" in str(batch.rejected[1][1])
    refused = store_batch(store, batch)
    assert sorted(orjson.loads(m.value)["alert_id"] for m, _ in refused) == [
        "a-bad-number", "a-bad-time", "s-bad-time"]
    assert all(type(exc).__name__ in ("ConversionException", "ValueError") for _, exc in refused)
    assert store.query("SELECT event_id FROM events ORDER BY 1").rows == [("e1",), ("e2",)]
    assert store.query("SELECT alert_id FROM alerts").rows == [("a-good",)]


def test_an_error_of_the_file_is_raised_not_blamed_on_the_records(store):
    batch = decode_batch(_records((topics.EVENTS, make_event(event_id="e1"))))
    store.close()  # the connection is gone: no record is at fault
    with pytest.raises(Exception) as raised:
        store_batch(store, batch)
    assert "closed" in str(raised.value).lower()


def test_retention_prunes_at_the_start_then_every_hour_and_never_when_unset():
    from datetime import UTC, datetime, timedelta

    from streams.agents.sink import Retention

    wall = datetime(2026, 12, 5, tzinfo=UTC)
    assert Retention(0).due(0.0, wall) is None
    every = Retention(180)
    assert every.due(1000.0, wall) == wall - timedelta(days=180)  # at the start
    assert every.due(1000.0 + 3599, wall) is None
    assert every.due(1000.0 + 3600, wall) == wall - timedelta(days=180)
    assert every.due(1000.0 + 3601, wall) is None
