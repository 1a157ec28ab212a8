"""Honest archetypes: everyday buyers, one-off slips, households at one address, heavy buyers."""

from __future__ import annotations

from streams.sim.claims import chargeback, dispute, refund
from streams.sim.registry import archetype
from streams.sim.world import DAY, HOUR, Buyer, OrderPlan, World


def _everyday(world: World, buyer: Buyer, per_day: float, slips: list[str]) -> list[OrderPlan]:
    """Orders at about ``per_day`` a day, mostly paid within hours; ``slips`` happen once each."""
    rng = world.rng
    days = max(1, world.seconds // DAY)
    n = max(1, sum(rng.random() < per_day / 2 for _ in range(2 * days)))
    plans = []
    for _ in range(n):
        (shop,) = world.shops(buyer, 1)
        fate = "paid"
        if slips and rng.random() < 0.08:
            fate = slips.pop(rng.randrange(len(slips)))
        plans.append(OrderPlan(buyer, shop, world.moment(), fate, rng.randint(60, 3 * HOUR),
                               world.items()))
    paid = [p for p in plans if p.fate == "paid"]
    if paid:  # after-sale claims, once at most: honest buyers have real problems too
        roll = rng.random()
        if roll < 0.015:
            dispute(world, rng.choice(paid))
        elif roll < 0.018:
            chargeback(world, rng.choice(paid))
        elif roll < 0.05:
            refund(world, rng.choice(paid))
    return plans


@archetype("honest", 0.66, malicious=False)
def _honest(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """Mostly pays within hours; at most one cancel and one non-payment; some compare shops."""
    (buyer,) = party
    rng = world.rng
    plans = _everyday(world, buyer, 0.8, ["cancelled", "closed_unpaid"])
    if rng.random() < 0.05:  # ordered the same thing at two shops, paid the cheaper one
        at, basket = world.moment(60), world.items()
        first, second = world.shops(buyer, 2)
        plans.append(OrderPlan(buyer, first, at, "paid", rng.randint(300, HOUR), basket))
        plans.append(OrderPlan(buyer, second, at + 60, "cancelled", rng.randint(300, HOUR),
                               basket))
    return plans


@archetype("one_slip", 0.05, malicious=False)
def _one_slip(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """One cancelled or one unpaid order, and otherwise a few paid ones (or none)."""
    (buyer,) = party
    rng = world.rng
    (shop,) = world.shops(buyer, 1)
    slip = rng.choice(("cancelled", "closed_unpaid"))
    plans = [OrderPlan(buyer, shop, world.moment(), slip, rng.randint(60, 6 * HOUR),
                       world.items())]
    for _ in range(rng.randint(0, 3)):
        plans.append(OrderPlan(buyer, shop, world.moment(), "paid", rng.randint(60, HOUR),
                               world.items()))
    return plans


@archetype("household", 0.05, malicious=False, accounts=(2, 4), shares="address")
def _household(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """Two to four accounts at one address and postal code, each ordering and paying."""
    plans = []
    for buyer in party:
        plans += _everyday(world, buyer, 0.5, ["cancelled"])
    return plans


@archetype("heavy_buyer", 0.03, malicious=False)
def _heavy_buyer(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """A reseller or big family: 2-6 paid orders a day at one to three shops, a rare cancel."""
    (buyer,) = party
    rng = world.rng
    days = max(1, world.seconds // DAY)
    shops = world.shops(buyer, rng.randint(1, 3))
    plans = []
    for _ in range(rng.randint(2 * days, 6 * days)):
        plans.append(OrderPlan(buyer, rng.choice(shops), world.moment(), "paid",
                               rng.randint(60, HOUR), world.items()))
    if rng.random() < 0.5:
        plans.append(OrderPlan(buyer, shops[0], world.moment(), "cancelled",
                               rng.randint(60, HOUR), world.items()))
    if rng.random() < 0.1:
        dispute(world, plans[0])
    return plans
