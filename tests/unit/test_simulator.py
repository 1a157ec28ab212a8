from collections import Counter
from datetime import UTC, datetime

import pytest

from schemas.event import validate_event
from streams.core.fields import epoch_of
from streams.simulator import ARCHETYPES, MARKETPLACES, simulate


@pytest.fixture(scope="module")
def sim():
    return simulate(42, buyers=300, days=2)


def test_the_same_seed_gives_the_same_events():
    assert simulate(1, buyers=50) == simulate(1, buyers=50)
    assert simulate(1, buyers=50).events != simulate(2, buyers=50).events


def test_every_event_is_a_valid_canonical_event(sim):
    for event in sim.events:
        validate_event(dict(event))


def test_truth_names_every_buyer_with_a_registered_archetype(sim):
    buyers = {e["buyer_id"] for e in sim.events if e["type"] == "order.created"}
    assert buyers == set(sim.truth)
    kinds = Counter(sim.truth.values())
    assert set(kinds) <= set(ARCHETYPES)
    assert kinds["honest"] > len(sim.truth) / 2
    assert kinds["nonpayer"] and kinds["cancel_churner"]


def test_marketplaces_and_shops_are_several(sim):
    assert {e["marketplace"] for e in sim.events} == set(MARKETPLACES)
    assert len({e["seller_id"] for e in sim.events}) >= 10


def test_thin_marketplaces_send_follow_ups_without_buyer(sim):
    thin = [e for e in sim.events if e["type"] != "order.created" and "buyer_id" not in e]
    assert thin
    assert {e["marketplace"] for e in thin} <= {"aliexpress", "taobao", "tmall"}
    assert all(
        "buyer_id" in e
        for e in sim.events
        if e["marketplace"] in ("shopify", "woocommerce")
    )


def test_some_events_are_redelivered_with_the_same_id(sim):
    ids = Counter(e["event_id"] for e in sim.events)
    assert any(n > 1 for n in ids.values())


def test_some_follow_ups_arrive_before_their_order_created(sim):
    seen, overtaken = set(), 0
    for event in sim.events:
        if event["type"] == "order.created":
            seen.add(event["order_id"])
        elif event["order_id"] not in seen:
            overtaken += 1
    assert overtaken


def test_some_events_arrive_late(sim):
    latest, late = 0, 0
    for event in sim.events:
        t = epoch_of(event["occurred_at"])
        late += t < latest - 600
        latest = max(latest, t)
    assert late


def test_some_honest_households_share_an_address(sim):
    addresses = Counter(
        (e["shipping"]["address1"], e["shipping"]["postal_code"], e["buyer_id"])
        for e in sim.events
        if e["type"] == "order.created" and sim.truth[e["buyer_id"]] == "honest"
    )
    per_address = Counter((a, p) for a, p, _ in addresses)
    assert any(n > 1 for n in per_address.values())


def test_taobao_order_ids_exceed_2_to_the_53(sim):
    ids = [int(e["order_id"]) for e in sim.events if e["marketplace"] == "taobao"]
    assert ids and all(i > 2**53 for i in ids)


def test_start_and_days_set_the_period():
    start = datetime(2027, 3, 1, tzinfo=UTC)
    sim = simulate(3, buyers=40, days=4, start=start)
    created = [epoch_of(e["occurred_at"]) for e in sim.events if e["type"] == "order.created"]
    assert min(created) >= start.timestamp()
    assert max(created) < start.timestamp() + 4 * 86400


def test_start_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        simulate(1, buyers=5, start=datetime(2026, 1, 1))  # noqa: DTZ001


def test_mix_overrides_the_archetype_weights():
    sim = simulate(4, buyers=30, mix={"nonpayer": 1.0})
    assert set(sim.truth.values()) == {"nonpayer"}
