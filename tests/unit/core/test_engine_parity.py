"""The native core (``engine/``, ``streams._engine``) against the Python core, event by event.

The Python core is the specification: both replay the same simulated streams (every
archetype, redeliveries, late and overtaking events), and after every event the alerts must
be the same JSON, byte for byte, then every buyer's and order's state (key order included:
the tables store states as they are serialized). Without the native core built, these tests
are skipped, unless ``ORDERGUARD_REQUIRE_NATIVE=1`` (``make test``), where that fails.
"""

from __future__ import annotations

import os

import orjson
import pytest

from schemas.event import validate_event
from streams.core.linking import LinkedAccounts
from streams.core.linking_rules import load_linking_file
from streams.core.lists import ListBook
from streams.core.replay import Replay
from streams.core.rules import load_rules
from streams.simulator import simulate

try:
    from streams import _engine
except ImportError:  # not built
    if os.environ.get("ORDERGUARD_REQUIRE_NATIVE") == "1":
        raise
    pytest.skip("the native core is not built (make native)", allow_module_level=True)

RULES = load_rules()
LINKING = load_linking_file(None)


def _lines(seed: int, buyers: int, days: int) -> list[bytes]:
    return [orjson.dumps(event) for event in simulate(seed, buyers=buyers, days=days).events]


def _lists(lines: list[bytes]) -> ListBook:
    """Allow and deny entries for some of the stream's buyers, at one shop and at all."""
    book = ListBook()
    buyers = sorted({orjson.loads(line).get("buyer_id") or "" for line in lines} - {""})
    for n, buyer in enumerate(buyers[::7]):
        kind = "allow" if n % 2 else "deny"
        seller = "*" if n % 3 == 0 else "s-1"
        book.apply(f"{kind}|{seller}|{buyer}", {
            "kind": kind, "buyer_id": buyer, "seller_id": seller, "reason": f"test {n}",
            "source": "parity", "added_at": 0, "expires_at": None if n % 4 else 1_790_900_000,
        })
    return book


def _state(state: dict) -> bytes:
    """A buyer state as JSON, its parts in a fixed order, each part's content as it is.

    Python's dict keeps the parts in the order a buyer's history added them; the native
    state writes them in one order. Nothing reads a state by the order of its parts.
    """
    return orjson.dumps({part: state[part] for part in sorted(state)})


def _compare(lines: list[bytes], lists: ListBook | None, linking: bool) -> int:
    python = Replay(RULES, lists, LinkedAccounts(LINKING) if linking else None)
    native = _engine.Engine(RULES, lists, LINKING if linking else None)
    raised = 0
    for n, line in enumerate(lines):
        expected = python.feed(validate_event(orjson.loads(line)))
        got = native.feed_line(line)
        # as JSON: 40 and 40.0 compare equal as Python numbers, not as alerts
        assert orjson.dumps(got) == orjson.dumps(expected), f"event {n}: {line.decode()}"
        raised += len(got)
    assert orjson.dumps(native.suppressed) == orjson.dumps(python.suppressed)
    assert sorted(native.buyer_ids()) == sorted(python.buyers)
    for buyer, state in python.buyers.items():
        assert _state(native.buyer_state(buyer)) == _state(state), buyer
    assert sorted(native.order_ids()) == sorted(python.orders)
    for order, state in python.orders.items():
        assert orjson.dumps(native.order_state(order)) == orjson.dumps(state), order
    return raised


@pytest.mark.parametrize("seed", [20261, 7])
def test_the_native_core_raises_what_the_python_core_raises(seed: int) -> None:
    assert _compare(_lines(seed, buyers=600, days=10), None, linking=True) > 0


def test_the_native_core_applies_allow_and_deny_lists_as_the_python_core() -> None:
    lines = _lines(31, buyers=400, days=7)
    assert _compare(lines, _lists(lines), linking=True) > 0


def test_the_native_core_keeps_the_long_rules_as_the_python_core() -> None:
    assert _compare(_lines(99, buyers=150, days=120), None, linking=False) > 0


def test_a_buyer_state_survives_the_trip_to_native_and_back() -> None:
    python = Replay(RULES)
    for line in _lines(5, buyers=200, days=10):
        python.feed(validate_event(orjson.loads(line)))
    assert python.buyers
    for state in python.buyers.values():
        assert _state(_engine.buyer_state_roundtrip(state)) == _state(state)
