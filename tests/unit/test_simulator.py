import re
import unicodedata
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest

from schemas.event import validate_event
from streams.core.contacts import contact_problems
from streams.core.fields import epoch_of
from streams.core.linking_normalize import normalize_address, normalize_phone
from streams.core.rules import load_rules
from streams.sim.contacts import written
from streams.simulator import ARCHETYPES, MARKETPLACES, Simulation, simulate


@pytest.fixture(scope="module")
def sim():
    return simulate(42, buyers=300, days=2)


@pytest.fixture(scope="module")
def week():
    return simulate(43, buyers=1500, days=7)


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
    assert sum(n for k, n in kinds.items() if not ARCHETYPES[k].malicious) > len(sim.truth) * 0.7
    assert kinds["nonpayer"] and kinds["cancel_churner"]


def test_a_week_has_every_archetype(week):
    assert set(week.truth.values()) == set(ARCHETYPES)
    assert {
        "honest", "one_slip", "household", "heavy_buyer", "nonpayer", "cancel_churner",
        "stock_locker", "linked_ring", "chargeback_abuser", "dispute_abuser", "fake_contact",
    } <= set(ARCHETYPES)


def test_ring_members_share_a_phone_or_device_and_each_stays_small(week):
    assert week.rings
    created = defaultdict(list)
    for e in week.events:
        if e["type"] == "order.created":
            created[e["buyer_id"]].append(e)
    for ring in week.rings:
        assert 3 <= len(ring) <= 5
        assert {week.truth[b] for b in ring} == {"linked_ring"}
        phones = {normalize_phone(created[b][0]["shipping"]["phone"],
                                  created[b][0]["shipping"]["country"]) for b in ring}
        devices = {created[b][0]["device"]["fingerprint"] for b in ring}
        assert len(phones) == 1 or len(devices) == 1
        buyer_of = {c["order_id"]: b for b in ring for c in created[b]}
        bad = Counter(
            buyer_of[e["order_id"]] for e in {e["event_id"]: e for e in week.events}.values()
            if e["type"] in ("order.closed_unpaid", "order.cancelled")
            and e["order_id"] in buyer_of
        )
        assert sum(bad.values()) >= 4 and max(bad.values(), default=0) <= 2


def test_fake_contact_orders_are_exactly_those_with_implausible_contacts(week):
    rule = load_rules().bad_contact
    fakes = {e["order_id"] for e in week.events
             if e["type"] == "order.created" and contact_problems(e["shipping"], rule)}
    assert fakes and fakes == week.fake_contact_orders


def test_claims_come_with_ids_amounts_and_deadlines(week):
    notices = [e for e in week.events if e["type"] == "chargeback.notified"]
    assert notices and all(e["deadline_at"] > e["occurred_at"] for e in notices)
    assert all(e["chargeback_id"] and e["amount"] for e in notices)
    types = {e["type"] for e in week.events}
    assert {"dispute.opened", "dispute.cancelled", "dispute.resolved", "refund.requested",
            "chargeback.appealed"} <= types


def test_a_simulation_can_still_be_built_from_events_and_truth():
    assert Simulation([], {}) == Simulation([], {}, [], set())


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


def test_event_ids_are_shaped_as_the_adapters_derive_them_and_name_one_event_each(sim):
    first: dict[str, dict] = {}
    for e in sim.events:
        assert e["event_id"] == f"{e['marketplace']}:{e['type']}:{e['order_id']}"
        assert first.setdefault(e["event_id"], e) == e  # a repeated id is a redelivery


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


def test_households_share_only_their_address(sim):
    contacts = {
        e["buyer_id"]: (e["shipping"], e["device"]["fingerprint"])
        for e in sim.events
        if e["type"] == "order.created" and sim.truth[e["buyer_id"]] == "household"
    }
    homes = defaultdict(set)
    for buyer, (shipping, _) in contacts.items():
        home = normalize_address(shipping["address1"], shipping["postal_code"],
                                 shipping["country"])
        homes[home].add(buyer)
    shared = [members for members in homes.values() if len(members) > 1]
    assert shared
    # each writes the home its own way, and it is still one address
    assert any(len({contacts[b][0]["address1"] for b in members}) > 1 for members in shared)
    places = defaultdict(set)  # what every member's writing keeps: the code and the numbers
    for buyer, (shipping, _) in contacts.items():
        numbers = re.findall(r"\d+", unicodedata.normalize("NFKC", shipping["address1"]))
        places[(shipping["country"], shipping["postal_code"], *numbers)].add(buyer)
    for members in places.values():
        assert len({normalize_address(contacts[b][0]["address1"], contacts[b][0]["postal_code"],
                                      contacts[b][0]["country"]) for b in members}) == 1
    for members in shared:
        assert len({contacts[b][0]["phone"] for b in members}) == len(members)
        assert len({contacts[b][0]["email"] for b in members}) == len(members)
        assert len({contacts[b][1] for b in members}) == len(members)


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


@pytest.mark.parametrize(("number", "country", "habit", "expected"), [
    ("+86 139 7164 2850", "CN", 0, "+86 139 7164 2850"),  # habits 0-3: as the platform shows
    ("+86 139 7164 2850", "CN", 3, "+86 139 7164 2850"),
    ("+86 139 7164 2850", "CN", 4, "139 7164 2850"),  # nationally: no trunk prefix in CN
    ("+33-6-48-27-91-35", "FR", 5, "06-48-27-91-35"),  # ... a trunk 0 in FR
    ("+447911482937", "GB", 4, "07911482937"),
    ("+86 139 7164 2850", "US", 4, "0086 139 7164 2850"),  # a foreign number stays international
    ("+86 139 7164 2850", "US", 5, "(+86) 139 7164 2850"),
    ("+86 139 7164 2850", "CN", 6, "0086 139 7164 2850"),
    ("+49-151-4827913", "DE", 7, "(+49) 151-4827913"),
])
def test_a_phone_number_is_written_as_its_account_writes_it(number, country, habit, expected):
    assert written(number, country, habit) == expected


def test_writing_habits_change_only_how_phones_and_addresses_are_written(week):
    plain = simulate(43, buyers=1500, days=7, habits=False)
    assert len(plain.events) == len(week.events) and plain.truth == week.truth
    changed = 0
    for a, b in zip(week.events, plain.events, strict=True):
        if a == b:
            continue
        sa, sb = a["shipping"], b["shipping"]
        blank = {"phone": None, "address1": None}
        assert {**a, "shipping": {**sa, **blank}} == {**b, "shipping": {**sb, **blank}}
        assert normalize_phone(sa["phone"], sa["country"]) == normalize_phone(
            sb["phone"], sb["country"]), (sa["phone"], sb["phone"])
        assert normalize_address(sa["address1"], sa["postal_code"], sa["country"]) == (
            normalize_address(sb["address1"], sb["postal_code"], sb["country"])), (
            sa["address1"], sb["address1"])
        changed += 1
    assert changed > len(week.events) / 10
    ring_phones = {e["shipping"]["phone"] for e in week.events if e["type"] == "order.created"
                   and week.truth[e["buyer_id"]] == "linked_ring"}
    assert any(p.startswith("(+") for p in ring_phones)  # every form is exercised
    assert any(p.startswith("00") for p in ring_phones)
    assert any(p[0].isdigit() and not p.startswith("00") for p in ring_phones)


def test_however_accounts_write_their_numbers_the_same_alerts_fire(week):
    from streams.core.linking import LinkedAccounts
    from streams.core.linking_rules import load_linking_file
    from streams.core.replay import Replay

    def alert_ids(sim):
        engine = Replay(load_rules(), identities=LinkedAccounts(load_linking_file(None)))
        return [a["alert_id"] for e in sim.events for a in engine.feed(validate_event(e))]

    plain = alert_ids(simulate(43, buyers=1500, days=7, habits=False))
    assert alert_ids(week) == plain
    assert len(plain) > 500


def test_messages_change_no_other_event_and_some_ask_to_pay_off_the_platform(week):
    from streams.sim.messages import EVERYDAY, OFF_PLATFORM

    quiet = simulate(43, buyers=1500, days=7, messages=False)
    messages = [e for e in week.events if e["type"] == "buyer.message"]
    assert [e for e in week.events if e["type"] != "buyer.message"] == quiet.events
    assert quiet.off_platform_buyers == set()
    created = {e["order_id"]: e for e in week.events if e["type"] == "order.created"}
    askers = set()
    for m in messages:
        validate_event(dict(m))
        order = created[m["order_id"]]
        assert m["event_id"] == f"{order['marketplace']}:buyer.message:{m['order_id']}"
        assert m.get("buyer_id") in (None, order["buyer_id"])  # thin marketplaces name none
        if m["text"] in OFF_PLATFORM:
            askers.add(order["buyer_id"])
            assert week.truth[order["buyer_id"]] == "nonpayer"
        else:
            assert m["text"] in EVERYDAY
            assert not ARCHETYPES[week.truth[order["buyer_id"]]].malicious
    assert askers == week.off_platform_buyers and len(askers) > 5
    assert any("buyer_id" not in m for m in messages)
