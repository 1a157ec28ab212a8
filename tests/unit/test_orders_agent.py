"""The orders agent's sweep over its table (a dict stands in for the Faust table)."""

from streams.agents.orders import forget_idle


def test_the_orders_agent_forgets_only_idle_orders_of_the_partition_it_is_reading():
    table = {
        "a": {"d": "2020-01-01", "p": 0},
        "b": {"d": "2020-01-01", "p": 1},  # idle, but another partition's
        "c": {"d": "2026-01-01", "p": 0},
        "d": {"st": "paid", "p": 0},  # no date: written before orders kept one
    }
    forget_idle(table, 0, "2025-01-01")
    assert sorted(table) == ["b", "c", "d"]
