"""The alert ids of a stream do not depend on how its partitions interleave.

The events topic is keyed by order (``schemas.event.kafka_key``): the events of one order
keep their relative order, but a buyer's orders, and the accounts of an identity, live on
different partitions that the stages consume at their own pace. The replay (file order)
and the stream (any such interleaving) must raise the same alert ids.
"""

from __future__ import annotations

import collections
import functools
import random
import zlib
from typing import Any

import pytest

from schemas.event import kafka_key, validate_event
from streams.core.linking import LinkedAccounts
from streams.core.linking_rules import load_linking_file
from streams.core.replay import Replay
from streams.core.rules import load_rules
from streams.simulator import simulate

PARTITIONS = 4
INTERLEAVINGS = 6  # per stream
SEEDS = (1, 3, 4, 5, 6, 19, 20)

RULES = load_rules()
LINKING = load_linking_file(None)


@functools.cache
def stream(seed: int) -> tuple[dict[str, Any], ...]:
    """The simulator's events for ``seed``, validated, in file order."""
    return tuple(validate_event(e) for e in simulate(seed, buyers=300, days=7).events)


def run(events: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> dict[str, str]:
    """The alerts a fresh replay raises, ``{alert_id: rule_id}``."""
    engine = Replay(RULES, identities=LinkedAccounts(LINKING))
    raised: dict[str, str] = {}
    for event in events:
        for alert in engine.feed(dict(event)):
            raised[alert["alert_id"]] = alert["rule_id"]
    return raised


def interleave(events: tuple[dict[str, Any], ...], rng: random.Random) -> list[dict[str, Any]]:
    """One consumption order: per-partition queues, drained in random chunks of 1-10."""
    queues = [collections.deque() for _ in range(PARTITIONS)]
    for event in events:
        queues[zlib.crc32(kafka_key(event).encode()) % PARTITIONS].append(event)
    out: list[dict[str, Any]] = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        for _ in range(rng.randint(1, 10)):
            if not queue:
                break
            out.append(queue.popleft())
    return out


@functools.cache
def outcomes(seed: int) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The alerts in file order, and in each of the ``INTERLEAVINGS`` interleavings."""
    events = stream(seed)
    rng = random.Random(seed)
    return run(events), [run(interleave(events, rng)) for _ in range(INTERLEAVINGS)]


def differing(base: dict[str, str], other: dict[str, str]) -> collections.Counter[str]:
    """The rules of the alert ids raised in one run only, with how many."""
    return collections.Counter(
        base.get(i) or other[i] for i in set(base).symmetric_difference(other)
    )


def test_an_interleaving_keeps_each_orders_events_in_order_and_changes_the_rest():
    events = stream(SEEDS[0])
    mixed = interleave(events, random.Random(0))
    assert sorted(map(id, mixed)) == sorted(map(id, events))  # each event once
    assert mixed != list(events)
    by_key: dict[str, list[str]] = collections.defaultdict(list)
    for event in events:
        by_key[kafka_key(event)].append(event["event_id"])
    for event in mixed:
        key = kafka_key(event)
        assert by_key[key].pop(0) == event["event_id"]
    assert not any(by_key.values())


@pytest.mark.parametrize("seed", SEEDS)
def test_every_interleaving_raises_the_alert_ids_of_file_order(seed):
    base, others = outcomes(seed)
    # a stream where every kind of burst, holding and ring rule fires: the test means it
    assert {"nonpayment_burst", "cancel_churn", "order_flood", "unpaid_stock_held",
            "linked_accounts"} <= set(base.values())
    for n, other in enumerate(others):
        assert differing(base, other) == {}, f"interleaving {n} of seed {seed}"
