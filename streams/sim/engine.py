"""``simulate``: parties of buyers drawn from the archetype registry, rendered as events."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

# the archetype modules register themselves on import
from streams.sim import contacts, honest, malicious, rings  # noqa: F401
from streams.sim import messages as sim_messages
from streams.sim.registry import ARCHETYPES, Archetype
from streams.sim.render import Renderer
from streams.sim.world import DAY, MARKETPLACES, SELLERS_PER_MARKETPLACE, Buyer, Seller, World

DEFAULT_START = datetime(2026, 10, 1, tzinfo=UTC)
LINKS = ("phone", "device", "payment")  # what a ring's accounts may share


@dataclass
class Simulation:
    """Simulated traffic and its ground truth.

    Attributes:
        events: canonical events in arrival order.
        truth: buyer id -> archetype name.
        rings: the accounts of each linked ring.
        fake_contact_orders: ids of the orders placed with made-up contact details.
        off_platform_buyers: the accounts that asked to pay off the platform.

    """

    events: list[dict[str, Any]]
    truth: dict[str, str]
    rings: list[set[str]] = field(default_factory=list)
    fake_contact_orders: set[str] = field(default_factory=set)
    off_platform_buyers: set[str] = field(default_factory=set)


def simulate(
    seed: int,
    buyers: int = 200,
    days: int = 1,
    start: datetime | None = None,
    mix: Mapping[str, float] | None = None,
    habits: bool = True,
    messages: bool = True,
) -> Simulation:
    """Simulate ``days`` of orders by ``buyers`` buyer accounts over several shops and markets.

    The same arguments always give the same events. Follow-ups of orders placed in the
    period may fall after it (payment deadlines, shipping, disputes and chargebacks weeks
    later). The stream includes thin follow-ups without ``buyer_id`` (AliExpress, Taobao,
    Tmall), redelivered events (same ``event_id``), late events and follow-ups that
    overtake their ``order.created``.

    Args:
        seed: seeds ``random.Random``; nothing else is random.
        buyers: how many buyer accounts (a household or ring is several).
        days: length of the period in which orders are placed.
        start: UTC-aware start of the period (default 2026-10-01T00:00:00Z).
        mix: archetype name -> weight, replacing the registry's weights.
        habits: each account writes its phone number and street address its own way,
            as people do (nationally, with ``00``, ``Street`` or ``St``, spaced Chinese,
            ...; ``streams.sim.contacts``); ``False`` writes every number in
            international form and every address alike. Nothing else changes.
        messages: some buyers send a ``buyer.message`` about an order: some non-payers
            ask to pay off the platform, other buyers write everyday messages
            (``streams.sim.messages``); ``False`` sends none. Nothing else changes.

    Returns:
        The events, valid per ``schemas.event.validate_event``, and the ground truth.

    """
    start = start or DEFAULT_START
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware (UTC)")
    rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not secrets
    sellers = {
        market: [Seller(f"s-{market[:2]}{n}", market, currency, thin, hours)
                 for n in range(1, SELLERS_PER_MARKETPLACE + 1)]
        for market, (currency, thin, hours) in MARKETPLACES.items()
    }
    world = World(rng, sellers, int(start.timestamp()), days * DAY)
    weights = {name: a.weight for name, a in ARCHETYPES.items()} if mix is None else dict(mix)
    names = list(weights)
    render = Renderer(rng)
    sim = Simulation([], {})
    n = 0
    while n < buyers:
        kind = ARCHETYPES[rng.choices(names, [weights[k] for k in names])[0]]
        left = buyers - n
        if kind.accounts[0] > left:  # no room for a whole party: a smaller kind fills up
            kind = next((ARCHETYPES[k] for k in names if ARCHETYPES[k].accounts[0] <= left),
                        ARCHETYPES["honest"])
        size = min(rng.randint(*kind.accounts), left)
        party = _party(rng, kind, [f"b-{n + i:05d}" for i in range(size)], habits)
        n += size
        for buyer in party:
            sim.truth[buyer.id] = kind.name
        if kind.shares == "identity":
            sim.rings.append({buyer.id for buyer in party})
        for plan in kind.plan(world, party):
            created = render.order(plan)
            if messages:
                text = sim_messages.message_for(kind.name, kind.malicious, plan.buyer.id,
                                                created["order_id"])
                if text is not None:
                    render.message(created, text, plan.seller.thin)
                    if text in sim_messages.OFF_PLATFORM:
                        sim.off_platform_buyers.add(plan.buyer.id)
    sim.events = render.arrivals()
    sim.fake_contact_orders = render.fake_orders
    return sim


def _party(rng: random.Random, kind: Archetype, ids: list[str], habits: bool) -> list[Buyer]:
    """The accounts of one party, on one marketplace, sharing what the archetype shares.

    With ``habits``, each account writes its phone number and its street address its own
    way (``contacts.written``, ``contacts.written_address``).
    """
    party = _linked(rng, kind, ids)
    if not habits:
        return party
    return [
        replace(b, shipping={
            **b.shipping,
            "phone": contacts.written(b.shipping["phone"], b.shipping["country"], habit),
            "address1": contacts.written_address(b.shipping["address1"], habit),
        })
        for b in party
        for habit in (contacts.habit_of(b.id),)
    ]


def _linked(rng: random.Random, kind: Archetype, ids: list[str]) -> list[Buyer]:
    market = rng.choice(list(MARKETPLACES))
    party = [_buyer(rng, buyer_id, market) for buyer_id in ids]
    if len(party) < 2 or not kind.shares:
        return party
    first = party[0]
    if kind.shares == "address":
        home = {k: first.shipping[k] for k in ("country", "region", "city", "postal_code",
                                                "address1")}
        return [first, *(replace(b, shipping={**b.shipping, **home}) for b in party[1:])]
    # A payment account shows only on payments, which a ring's unpaid orders never make:
    # every ring also shares something its orders carry (a phone or a device).
    shared = rng.sample(LINKS[:2], rng.choice((1, 1, 2)))
    if rng.random() < 0.3:
        shared.append("payment")
    linked = [first]
    for buyer in party[1:]:
        shipping, payment, device = dict(buyer.shipping), dict(buyer.payment), dict(buyer.device)
        if "phone" in shared:  # the same number, written its own way by each account
            shipping["phone"] = contacts.restyle(first.shipping["phone"], rng.randrange(3))
        if "payment" in shared:
            payment["account_fingerprint"] = first.payment["account_fingerprint"]
        if "device" in shared:
            device["fingerprint"] = first.device["fingerprint"]
        linked.append(replace(buyer, shipping=shipping, payment=payment, device=device))
    return linked


def _buyer(rng: random.Random, buyer_id: str, market: str) -> Buyer:
    """A buyer account with its own plausible contact, payment account and device."""
    return Buyer(
        buyer_id, market, contacts.shipping(rng),
        {"method": rng.choice(("card", "card", "alipay", "paypal")),
         "account_fingerprint": f"pf-{rng.getrandbits(48):012x}"},
        {"ip": f"{rng.choice(('203.0.113', '198.51.100'))}.{rng.randint(1, 254)}",
         "fingerprint": f"df-{rng.getrandbits(48):012x}"},
    )
