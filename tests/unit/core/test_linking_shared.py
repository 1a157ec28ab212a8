"""LinkedAccounts folds solo identities lazily: same states and alerts as step_identity."""

from __future__ import annotations

import random

import orjson
import pytest

from schemas.event import validate_event
from streams.core import linking_shared
from streams.core.linking import (
    LinkedAccounts,
    buyer_identity_keys,
    link_message,
    record_for_new_keys,
    step_identity,
)
from streams.core.linking_rules import load_linking_file
from streams.core.replay import Replay
from streams.core.rules import load_rules
from streams.simulator import simulate

from .factories import at, make_event

RULES = load_linking_file(None)


class Reference:
    """The identities stage folding every key's state as each event arrives.

    Routed as the buyers stage does (``streams.agents.identities.route_to_identities``):
    a link message per key, a key new to the buyer with the buyer's record.
    """

    def __init__(self) -> None:
        self.buyer_keys: dict[str, list[str]] = {}
        self.identities: dict[str, dict] = {}

    def feed(self, event: dict, windows: dict) -> list[dict]:
        buyer = event.get("buyer_id")
        if not buyer or event["type"] not in linking_shared.LINK_EVENT_TYPES:
            return []
        old = self.buyer_keys.get(buyer, [])
        keys = buyer_identity_keys(old, event)
        record = None
        if keys is not old:
            self.buyer_keys[buyer] = keys
            record = record_for_new_keys(old, keys, windows)
        alerts = []
        for key in keys:
            message = orjson.loads(orjson.dumps(  # as it travels over the identities topic
                link_message(record if key not in old else None, event, key)))
            state, raised = step_identity(self.identities.get(key), key, message, RULES)
            self.identities[key] = state
            alerts += raised
        return alerts


def _stream(seed: int, days: int) -> list[dict]:
    events = [orjson.loads(orjson.dumps(e)) for e in simulate(seed, buyers=400, days=days).events]
    rng = random.Random(seed)
    out = []
    for event in events:  # redeliveries, some much later
        out.append(event)
        if rng.random() < 0.05:
            out.insert(rng.randrange(max(len(out) - 3000, 0), len(out)), dict(event))
    return [validate_event(e) for e in out]


@pytest.mark.parametrize(("seed", "trim", "most"), [(5, 32, 512), (6, 4, 16), (7, 2, 3)])
def test_same_alerts_and_states_as_folding_every_key(monkeypatch, seed, trim, most):
    monkeypatch.setattr(linking_shared, "LOG_TRIM", trim)
    monkeypatch.setattr(linking_shared, "LOG_MAX", most)
    events = _stream(seed, days=24)  # longer than the retention: logs are trimmed
    fast = Replay(load_rules(), identities=LinkedAccounts(RULES))
    slow = Replay(load_rules(), identities=Reference())
    for n, event in enumerate(events):
        assert fast.feed(dict(event)) == slow.feed(dict(event))
        if n == len(events) // 2:  # reading the states folds them all; later events too
            assert fast.identities.identities == slow.identities.identities
    assert fast.identities.identities == slow.identities.identities
    assert fast.identities.buyer_keys == slow.identities.buyer_keys
    assert fast.buyers == slow.buyers


def test_a_solo_key_whose_record_outlived_its_first_entry_folds_as_the_stream_does(monkeypatch):
    # The card shows up on b-1's first payment (day 3) with b-1's record (two unpaid
    # closes). b-1 keeps buying with it for four weeks, so the log drops the entries of day
    # 3; when b-2 shows the card, the solo key is folded: record first, evicted to the
    # watermark, as the stream's state holds it.
    monkeypatch.setattr(linking_shared, "LOG_TRIM", 2)
    card = {"payment": {"method": "card", "account_fingerprint": "pf-shared-card"}}
    events = []
    for n, fate in enumerate(["order.closed_unpaid", "order.closed_unpaid"]):
        created = make_event("order.created", "b-1", at(0, hours=n))
        events += [created, make_event(fate, "b-1", at(2, hours=n), order=created["order_id"])]
    for day in range(3, 31):
        created = make_event("order.created", "b-1", at(day))
        events += [created, make_event("order.paid", "b-1", at(day, hours=1),
                                       order=created["order_id"], **card)]
    created = make_event("order.created", "b-2", at(31), **card)
    events += [created, make_event("order.closed_unpaid", "b-2", at(33),
                                   order=created["order_id"])]
    events = [validate_event(e) for e in events]
    fast = Replay(load_rules(), identities=LinkedAccounts(RULES))
    slow = Replay(load_rules(), identities=Reference())
    for event in events:
        assert fast.feed(dict(event)) == slow.feed(dict(event))
    key = next(k for k in slow.identities.identities if k.startswith("pay:"))
    assert set(slow.identities.identities[key]["b"]) == {"b-1", "b-2"}
    assert fast.identities.identities == slow.identities.identities
