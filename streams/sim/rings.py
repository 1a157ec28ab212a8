"""Linked rings: three to five accounts sharing a phone, device or payment account.

Each account stays below the single-buyer thresholds (one or two unpaid orders, or one
or two cancels, at the ring's target shop), while the ring together crosses them: only the
identities stage, which links accounts, can see it.
"""

from __future__ import annotations

from streams.sim.registry import archetype
from streams.sim.world import DAY, HOUR, Buyer, OrderPlan, World


@archetype("linked_ring", 0.03, malicious=True, accounts=(3, 5), shares="identity")
def _linked_ring(world: World, party: list[Buyer]) -> list[OrderPlan]:
    """Each account lets one or two orders close unpaid (or cancels them) at one shop."""
    rng = world.rng
    (shop,) = world.shops(party[0], 1)
    fate = rng.choice(("closed_unpaid", "closed_unpaid", "cancelled"))
    spread = min(world.seconds, 3 * DAY)
    start = world.moment(spread)
    counts = [rng.randint(1, 2) for _ in party]
    while sum(counts) < 4:
        counts[rng.randrange(len(counts))] = 2
    plans = []
    for buyer, n in zip(party, counts, strict=True):
        for _ in range(n):
            plans.append(OrderPlan(buyer, shop, start + rng.randrange(spread), fate,
                                   rng.randint(60, 1_800), world.items()))
        if rng.random() < 0.3:  # and pays now and then, to look like a customer
            plans.append(OrderPlan(buyer, shop, world.moment(), "paid", rng.randint(60, HOUR),
                                   world.items()))
    return plans
