"""A seeded, pure simulator of marketplace traffic: honest and malicious buyers as events."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from streams.core.fields import format_epoch

HOUR = 3_600
DAY = 86_400
DEFAULT_START = datetime(2026, 10, 1, tzinfo=UTC)

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
CITIES = (("CN", "Zhejiang", "Hangzhou", "310000"), ("US", "CA", "Fresno", "93650"),
          ("ES", "Madrid", "Madrid", "28001"), ("FR", "IDF", "Paris", "75011"),
          ("BR", "SP", "Campinas", "13010"), ("CN", "Guangdong", "Shenzhen", "518000"))
NAMES = ("Li Wei", "Ana Souza", "John Park", "Marie Dubois", "Wang Fang", "Luis Garcia",
         "Chen Jing", "Sara Rossi", "Ivan Petrov", "Mei Lin", "Tom Baker", "Nadia Ali")


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
    payment deadline); ``extra`` adds later events: ``(seconds after creation, type, fields)``.
    """

    seller: Seller
    at: int
    fate: str
    after: int = 0
    items: list[tuple[str, int, int]] = field(default_factory=list)
    extra: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class World:
    """What archetypes draw from: the random stream, the shops and the simulated period."""

    rng: random.Random
    sellers: dict[str, list[Seller]]
    start: int
    seconds: int

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


Planner = Callable[[World, Buyer], list[OrderPlan]]


@dataclass(frozen=True)
class Archetype:
    """A kind of buyer: how often it appears, whether sellers need protecting from it."""

    name: str
    weight: float
    malicious: bool
    plan: Planner


ARCHETYPES: dict[str, Archetype] = {}


def archetype(name: str, weight: float, malicious: bool) -> Callable[[Planner], Planner]:
    """Register a planner as an archetype (the registry later phases extend)."""

    def register(plan: Planner) -> Planner:
        ARCHETYPES[name] = Archetype(name, weight, malicious, plan)
        return plan

    return register


@archetype("honest", 0.86, malicious=False)
def _honest(world: World, buyer: Buyer) -> list[OrderPlan]:
    """Mostly pays within the hour; at most one cancel and one non-payment; some compare shops."""
    rng = world.rng
    days = max(1, world.seconds // DAY)
    n = max(1, sum(rng.random() < 0.4 for _ in range(2 * days)))
    plans = []
    slips = ["cancelled", "closed_unpaid"]
    for _ in range(n):
        (shop,) = world.shops(buyer, 1)
        fate = "paid"
        if slips and rng.random() < 0.08:
            fate = slips.pop(rng.randrange(len(slips)))
        plans.append(OrderPlan(shop, world.moment(), fate, rng.randint(60, 3 * HOUR),
                               world.items()))
    if rng.random() < 0.05:  # ordered the same thing at two shops, paid the cheaper one
        at, basket = world.moment(60), world.items()
        first, second = world.shops(buyer, 2)
        plans.append(OrderPlan(first, at, "paid", rng.randint(300, HOUR), basket))
        plans.append(OrderPlan(second, at + 60, "cancelled", rng.randint(300, HOUR), basket))
    return plans


@archetype("nonpayer", 0.07, malicious=True)
def _nonpayer(world: World, buyer: Buyer) -> list[OrderPlan]:
    """Places orders at one or two shops and lets them close unpaid."""
    rng = world.rng
    shops = world.shops(buyer, rng.choice((1, 1, 2)))
    n = rng.randint(3, 6) if len(shops) == 1 else rng.randint(4, 7)
    spread = min(world.seconds, 3 * DAY)
    start = world.moment(spread)
    plans = [OrderPlan(shops[i % len(shops)], start + rng.randrange(spread), "closed_unpaid",
                       0, world.items()) for i in range(n)]
    if rng.random() < 0.3:
        plans.append(OrderPlan(shops[0], world.moment(), "paid", rng.randint(60, HOUR),
                               world.items()))
    return plans


@archetype("cancel_churner", 0.07, malicious=True)
def _cancel_churner(world: World, buyer: Buyer) -> list[OrderPlan]:
    """Orders and cancels again and again, minutes later, at one or two shops."""
    rng = world.rng
    shops = world.shops(buyer, rng.choice((1, 1, 2)))
    cancels = rng.randint(3, 6) if len(shops) == 1 else rng.randint(5, 8)
    spread = min(world.seconds, 2 * DAY)
    start = world.moment(spread)
    plans = [OrderPlan(shops[i % len(shops)], start + rng.randrange(spread), "cancelled",
                       rng.randint(60, 1_800), world.items()) for i in range(cancels)]
    if rng.random() < 0.5:
        plans.append(OrderPlan(shops[0], start + rng.randrange(spread), "paid",
                               rng.randint(60, HOUR), world.items()))
    return plans


@dataclass
class Simulation:
    """Simulated traffic: ``events`` in arrival order, ``truth`` maps buyer id to archetype."""

    events: list[dict[str, Any]]
    truth: dict[str, str]


def simulate(
    seed: int,
    buyers: int = 200,
    days: int = 1,
    start: datetime | None = None,
    mix: Mapping[str, float] | None = None,
) -> Simulation:
    """Simulate ``days`` of orders by ``buyers`` buyers over several shops and marketplaces.

    The same arguments always give the same events. Follow-ups of orders placed in the
    period may fall after it (payment deadlines, shipping). The stream includes thin
    follow-ups without ``buyer_id`` (AliExpress, Taobao, Tmall), redelivered events (same
    ``event_id``), late events and follow-ups that overtake their ``order.created``.

    Args:
        seed: seeds ``random.Random``; nothing else is random.
        buyers: how many buyer accounts.
        days: length of the period in which orders are placed.
        start: UTC-aware start of the period (default 2026-10-01T00:00:00Z).
        mix: archetype name -> weight, replacing the registry's weights.

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
    render = _Renderer(rng, seed)
    truth: dict[str, str] = {}
    homes: dict[str, list[dict[str, str]]] = {}
    for n in range(buyers):
        name = rng.choices(names, [weights[k] for k in names])[0]
        buyer = _buyer(rng, f"b-{n:05d}", rng.choice(list(MARKETPLACES)), homes, name)
        truth[buyer.id] = name
        for plan in ARCHETYPES[name].plan(world, buyer):
            render.order(buyer, plan)
    return Simulation(render.arrivals(), truth)


def _buyer(rng: random.Random, buyer_id: str, market: str,
           homes: dict[str, list[dict[str, str]]], kind: str) -> Buyer:
    """A buyer with contact details; some honest buyers share a household's address."""
    country, region, city, postal = rng.choice(CITIES)
    name = rng.choice(NAMES)
    shipping = {"name": name, "phone": f"+{rng.randint(10**10, 10**11 - 1)}",
                "email": f"{name.split()[0].lower()}{rng.randint(1, 9999)}@example.com",
                "country": country, "region": region, "city": city, "postal_code": postal,
                "address1": f"{rng.randint(1, 999)} {rng.choice(('Main', 'West', 'Lake'))} St"}
    known = homes.setdefault(market, [])
    if kind == "honest" and known and rng.random() < 0.1:
        home = rng.choice(known)
        shipping.update({k: home[k] for k in ("country", "region", "city", "postal_code",
                                              "address1")})
    known.append(shipping)
    return Buyer(buyer_id, market, shipping,
                 {"method": "card", "account_fingerprint": f"pf-{rng.getrandbits(48):012x}"},
                 {"ip": f"203.0.113.{rng.randint(1, 254)}",
                  "fingerprint": f"df-{rng.getrandbits(48):012x}"})


class _Renderer:
    """Turns order plans into canonical events, then into a perturbed arrival order."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.seed = seed
        self.n = 0
        self.order_ids: set[str] = set()
        self.queue: list[tuple[int, int, dict[str, Any]]] = []  # (arrival, seq, event)

    def _event(self, etype: str, at: int, seller: Seller, order_id: str,
               **fields: Any) -> dict[str, Any]:
        self.n += 1
        return {"event_id": f"ev-{self.seed}-{self.n:07d}", "type": etype,
                "occurred_at": format_epoch(at), "marketplace": seller.marketplace,
                "seller_id": seller.id, "order_id": order_id, **fields, "schema_version": 1}

    def _order_id(self, market: str) -> str:
        rng = self.rng
        while True:
            if market in ("tmall", "taobao"):
                order_id = str(rng.randrange(10**18, 10**19))  # beyond 2^53
            elif market == "aliexpress":
                order_id = str(rng.randrange(8 * 10**15, 9 * 10**15))
            else:
                order_id = str(rng.randrange(10**6, 10**13))
            if order_id not in self.order_ids:
                self.order_ids.add(order_id)
                return order_id

    def order(self, buyer: Buyer, plan: OrderPlan) -> None:
        """Render one order's events and queue them with their arrival times."""
        seller, at, rng = plan.seller, plan.at, self.rng
        order_id = self._order_id(seller.marketplace)
        total = sum(q * price for _, q, price in plan.items)
        deadline = at + seller.pay_hours * HOUR
        created = self._event(
            "order.created", at, seller, order_id, buyer_id=buyer.id,
            amount=_money(total), currency=seller.currency,
            items=[{"sku": s, "quantity": q, "unit_price": _money(p)} for s, q, p in plan.items],
            shipping=dict(buyer.shipping), device=dict(buyer.device),
            payment_deadline_at=format_epoch(deadline))
        who = {} if seller.thin else {"buyer_id": buyer.id}
        follow: list[dict[str, Any]] = []
        if plan.fate == "paid":
            paid = at + plan.after
            follow.append(self._event("order.paid", paid, seller, order_id,
                                      payment=dict(buyer.payment), **who))
            shipped = paid + rng.randint(2, 30) * HOUR
            follow.append(self._event("order.shipped", shipped, seller, order_id,
                                      actor="seller", **who))
            follow.append(self._event("order.delivered", shipped + rng.randint(1, 8) * DAY,
                                      seller, order_id, **who))
        elif plan.fate == "cancelled":
            follow.append(self._event("order.cancelled", at + plan.after, seller, order_id,
                                      actor="buyer", reason="no longer needed", **who))
        elif plan.fate == "closed_unpaid":
            if seller.pay_hours > 2:
                follow.append(self._event("payment.reminder_sent", at + HOUR, seller, order_id,
                                          actor="system", channel="system", **who))
            follow.append(self._event("order.closed_unpaid", deadline, seller, order_id,
                                      actor="platform", reason="payment timeout", **who))
        for delay, etype, fields in plan.extra:
            follow.append(self._event(etype, at + delay, seller, order_id, **who, **fields))
        created_arrival = at + rng.randint(0, 3)
        if follow and rng.random() < 0.03:  # a follow-up overtakes its order.created
            first = min(follow, key=lambda e: e["occurred_at"])
            created_arrival = _epoch(first["occurred_at"]) + rng.randint(5, 300)
        self._queue(created_arrival, created)
        for event in follow:
            self._queue(_epoch(event["occurred_at"]) + rng.randint(0, 3), event)

    def _queue(self, arrival: int, event: dict[str, Any]) -> None:
        rng = self.rng
        if rng.random() < 0.03:  # delivered late
            arrival += rng.randint(600, 6 * HOUR)
        self.queue.append((arrival, len(self.queue), event))
        if rng.random() < 0.03:  # redelivered: same event, same id, a little later
            self.queue.append((arrival + rng.randint(1, 600), len(self.queue), dict(event)))

    def arrivals(self) -> list[dict[str, Any]]:
        """The queued events in arrival order."""
        return [event for _, _, event in sorted(self.queue, key=lambda q: (q[0], q[1]))]


def _money(hundredths: int) -> str:
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _epoch(ts: str) -> int:
    return int(datetime.fromisoformat(ts).timestamp())
