"""Malicious one-account archetypes: non-payers, churners, stock lockers, claim abusers, fakes."""

from __future__ import annotations

from streams.sim import contacts
from streams.sim.claims import chargeback, dispute, refund
from streams.sim.registry import archetype
from streams.sim.world import DAY, HOUR, SKUS, Buyer, OrderPlan, World


@archetype("nonpayer", 0.045, malicious=True)
def _nonpayer(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """Places orders at one or two shops and lets them close unpaid; some give fake contacts."""
    (buyer,) = party
    rng = world.rng
    shops = world.shops(buyer, rng.choice((1, 1, 2)))
    n = rng.randint(3, 6) if len(shops) == 1 else rng.randint(4, 7)
    spread = min(world.seconds, 3 * DAY)
    start = world.moment(spread)
    plans = [OrderPlan(buyer, shops[i % len(shops)], start + rng.randrange(spread),
                       "closed_unpaid", 0, world.items()) for i in range(n)]
    if rng.random() < 0.15:
        for plan in plans:
            plan.shipping, plan.fake = contacts.fake(rng, buyer.shipping), True
    if rng.random() < 0.3:
        plans.append(OrderPlan(buyer, shops[0], world.moment(), "paid", rng.randint(60, HOUR),
                               world.items()))
    return plans


@archetype("cancel_churner", 0.045, malicious=True)
def _cancel_churner(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """Orders and cancels again and again, minutes later, at one or two shops."""
    (buyer,) = party
    rng = world.rng
    shops = world.shops(buyer, rng.choice((1, 1, 2)))
    cancels = rng.randint(3, 6) if len(shops) == 1 else rng.randint(5, 8)
    spread = min(world.seconds, 2 * DAY)
    start = world.moment(spread)
    plans = [OrderPlan(buyer, shops[i % len(shops)], start + rng.randrange(spread), "cancelled",
                       rng.randint(60, 1_800), world.items()) for i in range(cancels)]
    if rng.random() < 0.5:
        plans.append(OrderPlan(buyer, shops[0], start + rng.randrange(spread), "paid",
                               rng.randint(60, HOUR), world.items()))
    return plans


@archetype("stock_locker", 0.03, malicious=True)
def _stock_locker(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """Grabs the stock of one SKU at one shop within minutes (20+ units) and never pays.

    Either a burst of orders of that SKU a few minutes apart, or one huge order. The orders
    close unpaid at the deadline, or the buyer cancels them just before it.
    """
    (buyer,) = party
    rng = world.rng
    (shop,) = world.shops(buyer, 1)
    sku, price = rng.choice(SKUS), rng.randint(500, 8_000)
    start = world.moment(HOUR)
    if rng.random() < 0.6:
        quantities = [rng.randint(3, 10) for _ in range(rng.randint(3, 8))]
        while sum(quantities) < 20:
            quantities[rng.randrange(len(quantities))] += rng.randint(1, 5)
        minutes = rng.randint(5, 25)
        times = sorted(start + rng.randrange(minutes * 60) for _ in quantities)
    else:
        quantities, times = [rng.randint(20, 60)], [start]
    fate = "cancelled" if rng.random() < 0.3 else "closed_unpaid"
    after = shop.pay_hours * HOUR - rng.randint(60, 600)  # cancelled just before the close
    return [OrderPlan(buyer, shop, at, fate, max(after, 60), [(sku, q, price)])
            for at, q in zip(times, quantities, strict=True)]


@archetype("chargeback_abuser", 0.02, malicious=True)
def _chargeback_abuser(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """Pays for orders, receives them, then charges two or more of them back."""
    (buyer,) = party
    rng = world.rng
    shops = world.shops(buyer, rng.choice((1, 1, 2)))
    plans = [OrderPlan(buyer, shops[i % len(shops)], world.moment(), "paid",
                       rng.randint(60, HOUR), world.items())
             for i in range(rng.randint(2, 5) if len(shops) == 1 else rng.randint(4, 6))]
    targets = plans[: max(2, len(plans) - 1)] if len(shops) == 1 else plans[: 4]
    for plan in targets:
        if rng.random() < 0.3:
            refund(world, plan)
        chargeback(world, plan)
    return plans


@archetype("dispute_abuser", 0.02, malicious=True)
def _dispute_abuser(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """Pays, then disputes most orders at a shop; cancels some disputes when challenged."""
    (buyer,) = party
    rng = world.rng
    shops = world.shops(buyer, rng.choice((1, 1, 2)))
    plans = [OrderPlan(buyer, shops[0], world.moment(), "paid", rng.randint(60, HOUR),
                       world.items()) for _ in range(rng.randint(3, 8))]
    if len(shops) == 2:
        plans += [OrderPlan(buyer, shops[1], world.moment(), "paid", rng.randint(60, HOUR),
                            world.items()) for _ in range(rng.randint(1, 3))]
    disputed = rng.randint(3, min(6, len(plans)))
    for plan in plans[:disputed]:
        dispute(world, plan, cancelled=rng.random() < 0.4)
    return plans


@archetype("fake_contact", 0.02, malicious=True)
def _fake_contact(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """One to three orders with made-up names, phones or addresses; paid or left unpaid."""
    (buyer,) = party
    rng = world.rng
    plans = []
    for _ in range(rng.randint(1, 3)):
        (shop,) = world.shops(buyer, 1)
        fate = rng.choice(("paid", "paid", "closed_unpaid"))
        plan = OrderPlan(buyer, shop, world.moment(), fate, rng.randint(60, HOUR),
                         world.items(), shipping=contacts.fake(rng, buyer.shipping), fake=True)
        plans.append(plan)
    return plans
