"""The rocksdb table store: records and their offsets in files that a later worker reads."""

from __future__ import annotations

from types import SimpleNamespace

import faust
import orjson
import pytest
from faust.types import TP

from streams import statecodec
from streams.agents.bytestore import RocksStore, store_url
from streams.errors import ConfigError
from streams.settings import Settings

SCHEMA = faust.Schema(key_type=str, value_type=None, key_serializer="json",
                      value_serializer=statecodec.register())
STATE = {"w": 1791650580, "s": {"s-tm2": [20733, 8, 0, 0, 0, 0, 0, 0]}, "k": "JEoGiZsy"}


def rocks_store(datadir) -> RocksStore:
    app = faust.App("rocks-test", broker="memory://", store=store_url("rocksdb"),
                    datadir=str(datadir))
    store = app.Table("windows", default=None, schema=SCHEMA).data
    assert isinstance(store, RocksStore)
    return store


def record(key, value, partition: int, offset: int, topic: str):
    message = SimpleNamespace(key=orjson.dumps(key), partition=partition, offset=offset,
                              tp=TP(topic, partition),
                              value=None if value is None else statecodec.dumps(value))
    return SimpleNamespace(message=message)


def test_recovered_records_and_their_offset_outlive_the_store_that_wrote_them(tmp_path):
    store = rocks_store(tmp_path)
    assert store.use_rocksdict
    topic = store.table.changelog_topic_name
    store.apply_changelog_batch(
        [record("b-1", STATE, 2, 41, topic), record("b-2", STATE, 2, 42, topic),
         record("b-2", None, 2, 43, topic)],  # a tombstone: b-2 forgotten
        to_key=None, to_value=None)
    assert store.persisted_offset(TP(topic, 2)) == 43
    for db in store._dbs.values():  # the worker stops; its files stay
        db.close()

    again = rocks_store(tmp_path)  # the next worker on the same data directory
    assert again.persisted_offset(TP(topic, 2)) == 43  # recovery reads only what is newer
    assert again["b-1"] == STATE
    assert "b-2" not in again


def test_values_are_written_as_faust_writes_them_to_the_changelog(tmp_path):
    store = rocks_store(tmp_path)
    serializers = store.app.serializers
    for key, value in [("b-1", STATE), ("买家-7", {"t": "西湖区文三路12号", "n": [1, 2.5, None]})]:
        assert store._encode_key(key) == serializers.dumps_key(None, key, serializer="json")
        assert store._encode_value(value) == serializers.dumps_value(
            None, value, serializer=statecodec.NAME)


def test_the_table_store_setting_takes_rocksdb_and_names_the_choices():
    assert Settings.from_env({"ORDERGUARD_TABLE_STORE": "rocksdb"}).table_store == "rocksdb"
    with pytest.raises(ConfigError, match="must be one of bytes, memory, rocksdb, got 'lmdb'"):
        Settings.from_env({"ORDERGUARD_TABLE_STORE": "lmdb"})
