"""A seeded, pure simulator of marketplace traffic: honest and malicious buyers as events.

The public entry: ``simulate()`` and ``Simulation``. The parts live in ``streams.sim``:
the world and order plans (``world``), contacts (``contacts``), the archetype registry
(``registry``) and the archetypes (``honest``, ``malicious``, ``rings``), after-sale claims
(``claims``) and the rendering of plans as events (``render``).
"""

from __future__ import annotations

from streams.sim.engine import DEFAULT_START, Simulation, simulate
from streams.sim.registry import ARCHETYPES, Archetype, Planner, archetype
from streams.sim.world import DAY, HOUR, MARKETPLACES, Buyer, OrderPlan, Seller, World

__all__ = [
    "ARCHETYPES",
    "DAY",
    "DEFAULT_START",
    "HOUR",
    "MARKETPLACES",
    "Archetype",
    "Buyer",
    "OrderPlan",
    "Planner",
    "Seller",
    "Simulation",
    "World",
    "archetype",
    "simulate",
]
