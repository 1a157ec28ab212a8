"""The agents' sweeps over their tables (a dict stands in for the Faust table)."""

from aiokafka.partitioner import DefaultPartitioner

from streams.agents.orders import forget_idle
from streams.agents.sweeping import partition_of, sweep_by_key
from streams.core.fields import epoch_of
from streams.core.sweep import Sweeper


def test_the_orders_agent_forgets_only_idle_orders_of_the_partition_it_is_reading():
    table = {
        "a": {"d": "2020-01-01", "p": 0},
        "b": {"d": "2020-01-01", "p": 1},  # idle, but another partition's
        "c": {"d": "2026-01-01", "p": 0},
        "d": {"st": "paid", "p": 0},  # no date: written before orders kept one
    }
    assert forget_idle(table, 0, "2025-01-01") == ["a"]
    assert sorted(table) == ["b", "c", "d"]


def test_partition_of_is_the_producers_default_partitioner():
    for key in ["b-1", "phone:0123456789abcdef", "买家", ""]:
        assert partition_of(key, 4) == DefaultPartitioner()(key.encode(), [0, 1, 2, 3], None)


def test_sweep_by_key_forgets_idle_entries_whose_key_the_producer_put_in_this_partition():
    old, new = epoch_of("2020-01-01T00:00:00Z"), epoch_of("2026-01-01T00:00:00Z")
    keys = [f"b-{n}" for n in range(40)]
    table = {key: {"w": old} for key in keys} | {"recent": {"w": new}}
    here = partition_of("recent", 4)
    gone = sweep_by_key(Sweeper(), table, here, "2026-01-02T00:00:00Z", 4, "buyers")
    assert gone == [key for key in keys if partition_of(key, 4) == here] != []
    assert "recent" in table and len(table) == 41 - len(gone)
    assert sweep_by_key(Sweeper(), table, here, "2020-06-01T00:00:00Z", 4, "buyers") == []
