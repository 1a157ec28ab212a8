"""The bytes table store: values kept as their changelog records, read back as the agents wrote."""

from __future__ import annotations

import asyncio
import tracemalloc
from types import SimpleNamespace

import faust
import orjson
import pytest
from faust.types import TP

from streams import statecodec
from streams.agents.bytestore import Store, store_url
from streams.app import create_app
from streams.settings import Settings

SCHEMA = faust.Schema(key_type=str, value_type=None, key_serializer="json",
                      value_serializer=statecodec.register())
STATE = {"w": 1791650580, "s": {"s-tm2": [20733, 8, 0, 0, 0, 0, 0, 0]}, "k": "JEoGiZsy"}


@pytest.fixture
def store():
    app = faust.App("bytestore-test", broker="memory://", store=store_url("bytes"))
    table = app.Table("windows", default=None, schema=SCHEMA)
    assert isinstance(table.data, Store)
    return table.data


def record(key, value, partition=0):
    message = SimpleNamespace(key=orjson.dumps(key), partition=partition,
                              value=None if value is None else statecodec.dumps(value))
    return SimpleNamespace(message=message)


def test_a_value_comes_back_as_it_was_written_and_is_kept_as_its_record(store):
    store["b-1"] = STATE
    assert store["b-1"] == STATE
    assert "b-1" in store and len(store) == 1
    assert store.data == {b'"b-1"': statecodec.dumps(STATE)}
    assert dict(store.items()) == {"b-1": STATE}
    del store["b-1"]
    assert "b-1" not in store
    with pytest.raises(KeyError):
        store["b-1"]


def test_keys_and_values_are_the_bytes_faust_writes_to_the_changelog(store):
    serializers = store.app.serializers
    for key, value in [("b-1", STATE), ("3812345678901234567", {"j": "~10381\x7f", "c": 1}),
                       ("买家-7", {"t": "西湖区文三路12号", "n": [1, 2.5, None, True]})]:
        assert store._encode_key(key) == serializers.dumps_key(None, key, serializer="json")
        assert store._encode_value(value) == serializers.dumps_value(
            None, value, serializer=statecodec.NAME)
        store.apply_changelog_batch([record(key, value)], to_key=None, to_value=None)
        assert store[key] == value


def test_a_kept_value_costs_its_length_not_the_encoders_buffer(store):
    # orjson (faust's json codec) returns bytes that keep the 4 KiB buffer they were
    # written into: kept as they come, a thousand states would take 4 MiB
    tracemalloc.start()
    try:
        for n in range(1000):
            store[f"b-{n}"] = STATE
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept / 1000 < 400  # about 70 B of record, its key and the dict's slot


def test_json_records_an_older_worker_wrote_read_back_and_move_over_at_the_next_write(store):
    old = SimpleNamespace(message=SimpleNamespace(key=orjson.dumps("b-1"), partition=0,
                                                  value=orjson.dumps(STATE)))
    store.apply_changelog_batch([old], to_key=None, to_value=None)
    assert store["b-1"] == STATE
    store["b-1"] = {**store["b-1"], "w": STATE["w"] + 60}
    assert store.data[b'"b-1"'][:1] == statecodec.MARK


def test_changelog_records_apply_in_order_and_a_tombstone_deletes(store):
    store.apply_changelog_batch(
        [record("b-1", {"v": 1}), record("b-2", {"v": 2}), record("b-1", None),
         record("b-3", {"v": 3}), record("b-3", None), record("b-3", {"v": 4})],
        to_key=None, to_value=None)
    assert dict(store.items()) == {"b-2": {"v": 2}, "b-3": {"v": 4}}


def test_recovery_drops_what_came_from_partitions_the_worker_no_longer_holds(store):
    store.apply_changelog_batch(
        [record("b-1", {"v": 1}, partition=0), record("b-2", {"v": 2}, partition=3)],
        to_key=None, to_value=None)
    store["b-9"] = {"v": 9}  # written by this worker's agent since
    asyncio.run(store.on_recovery_completed({TP("windows-changelog", 0)}, set()))
    assert dict(store.items()) == {"b-1": {"v": 1}, "b-9": {"v": 9}}


def test_a_sweep_may_delete_while_it_iterates(store):
    for n in range(5):
        store[f"b-{n}"] = {"v": n}
    for key, value in store.items():
        if value["v"] % 2:
            del store[key]
    assert sorted(store) == ["b-0", "b-2", "b-4"]


def test_the_table_store_setting_defaults_to_bytes_and_takes_memory():
    assert Settings.from_env({}).table_store == "bytes"
    assert Settings.from_env({"ORDERGUARD_TABLE_STORE": "memory"}).table_store == "memory"


def test_the_workers_tables_write_and_read_their_changelogs_with_statecodec():
    # faust writes a changelog with the table's own serializer (json for untyped values),
    # whatever the schema says: Wiring.state_table sets it
    app = create_app(Settings.from_env({}))
    assert len(app.tables) == 5
    for table in app.tables.values():
        topic = table.changelog_topic
        written, _ = topic.prepare_value(STATE, table.value_serializer)
        assert written == statecodec.dumps(STATE), table.name
        read = app.serializers.loads_value(None, written,
                                           serializer=topic.schema.value_serializer)
        assert read == STATE, table.name
