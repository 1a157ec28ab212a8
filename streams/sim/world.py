"""What the simulator's archetypes draw from: shops, buyers, order plans and the random stream."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

HOUR = 3_600
DAY = 86_400

# marketplace -> (currency, follow-ups lack buyer_id, hours until an unpaid order auto-closes)
MARKETPLACES: dict[str, tuple[str, bool, int]] = {
    "aliexpress": ("USD", True, 24),
    "tmall": ("CNY", True, 72),
    "taobao": ("CNY", True, 72),
    "shopify": ("USD", False, 24),
    "woocommerce": ("EUR", False, 1),
}
SELLERS_PER_MARKETPLACE = 3
SKUS = tuple(f"sku-{n:03d}" for n in range(40))


@dataclass(frozen=True)
class Seller:
    """A shop on one marketplace."""

    id: str
    marketplace: str
    currency: str
    thin: bool  # its follow-up messages carry no buyer_id (AliExpress, Taobao/Tmall)
    pay_hours: int  # an unpaid order auto-closes after this long


@dataclass(frozen=True)
class Buyer:
    """A buyer account: where it shops and the contact details it gives."""

    id: str
    marketplace: str
    shipping: dict[str, str]
    payment: dict[str, str]
    device: dict[str, str]


@dataclass
class OrderPlan:
    """One order an archetype places, and what becomes of it.

    ``fate`` is ``paid``, ``cancelled`` (by the buyer), ``closed_unpaid`` or ``open``;
    ``after`` is seconds from creation to payment or cancellation (closes happen at the
    payment deadline); ``extra`` adds later events: ``(seconds after creation, type,
    fields)``; ``shipping`` replaces the buyer's contact on this order, and ``fake`` says
    that contact is made up (the order belongs to ``Simulation.fake_contact_orders``).
    """

    buyer: Buyer
    seller: Seller
    at: int
    fate: str
    after: int = 0
    items: list[tuple[str, int, int]] = field(default_factory=list)
    extra: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    shipping: dict[str, str] | None = None
    fake: bool = False

    def total(self) -> int:
        """The order's amount in hundredths."""
        return sum(q * price for _, q, price in self.items)


@dataclass
class World:
    """What archetypes draw from: the random stream, the shops and the simulated period."""

    rng: random.Random
    sellers: dict[str, list[Seller]]
    start: int
    seconds: int
    serial: int = 0

    def moment(self, room: int = 0) -> int:
        """A random instant in the period, leaving ``room`` seconds before its end."""
        return self.start + self.rng.randrange(max(1, self.seconds - room))

    def shops(self, buyer: Buyer, k: int) -> list[Seller]:
        """``k`` distinct shops on the buyer's marketplace."""
        return self.rng.sample(self.sellers[buyer.marketplace], k)

    def items(self) -> list[tuple[str, int, int]]:
        """A basket: one or two SKUs, quantities 1-3, unit prices 5.00-120.00."""
        rng = self.rng
        return [(rng.choice(SKUS), rng.randint(1, 3), rng.randint(500, 12_000))
                for _ in range(rng.choice((1, 1, 1, 2)))]

    def next_id(self, prefix: str) -> str:
        """A new id for a dispute, chargeback or refund: ``prefix-N``."""
        self.serial += 1
        return f"{prefix}-{self.serial:06d}"


def money(hundredths: int) -> str:
    """A decimal string amount: ``12990`` -> ``"129.90"``."""
    return f"{hundredths // 100}.{hundredths % 100:02d}"
