"""The archetype registry: kinds of buyers (single accounts or groups) and how they order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from streams.sim.world import Buyer, OrderPlan, World

# (world, the party's accounts) -> the orders they place
Planner = Callable[[World, list[Buyer]], list[OrderPlan]]


@dataclass(frozen=True)
class Archetype:
    """A kind of buyer party: how often it appears, whether sellers need protecting from it.

    Attributes:
        name: the archetype's name (``Simulation.truth`` values).
        weight: relative frequency of the party (not of accounts).
        malicious: sellers should be alerted about its accounts.
        plan: the orders the party places.
        accounts: ``(fewest, most)`` accounts in one party.
        shares: what the accounts of a party share: ``""`` nothing, ``"address"`` (a
            household: address and postal code only) or ``"identity"`` (a ring: a phone,
            device or payment account).

    """

    name: str
    weight: float
    malicious: bool
    plan: Planner
    accounts: tuple[int, int] = (1, 1)
    shares: str = ""


ARCHETYPES: dict[str, Archetype] = {}


def archetype(
    name: str,
    weight: float,
    malicious: bool,
    accounts: tuple[int, int] = (1, 1),
    shares: str = "",
) -> Callable[[Planner], Planner]:
    """Register a planner as an archetype."""

    def register(plan: Planner) -> Planner:
        ARCHETYPES[name] = Archetype(name, weight, malicious, plan, accounts, shares)
        return plan

    return register
