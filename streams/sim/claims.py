"""After-sale claims a planner adds to a paid order: disputes, chargebacks and refunds."""

from __future__ import annotations

from streams.core.fields import format_epoch
from streams.sim.world import DAY, OrderPlan, World, money

DISPUTE_REASONS = ("item not as described", "item not received", "wrong size", "damaged")
CHARGEBACK_REASONS = ("fraudulent", "product_not_received", "unrecognized", "duplicate")


def dispute(world: World, plan: OrderPlan, cancelled: bool | None = None) -> None:
    """The buyer opens a dispute 10-20 days after paying; it is later cancelled or resolved.

    Args:
        world: the random stream and ids.
        plan: a paid order; its ``extra`` events get the dispute.
        cancelled: whether the buyer cancels the dispute (default: 30% do).

    """
    rng = world.rng
    opened = plan.after + rng.randint(10, 20) * DAY + rng.randrange(DAY)
    dispute_id = world.next_id("dp")
    fields = {"dispute_id": dispute_id, "actor": "buyer", "reason": rng.choice(DISPUTE_REASONS)}
    if rng.random() < 0.5:
        fields["deadline_at"] = format_epoch(plan.at + opened + rng.randint(3, 7) * DAY)
    plan.extra.append((opened, "dispute.opened", fields))
    later = opened + rng.randint(1, 5) * DAY
    if rng.random() < 0.3 if cancelled is None else cancelled:
        plan.extra.append((later, "dispute.cancelled", {"dispute_id": dispute_id,
                                                        "actor": "buyer"}))
    else:
        outcome = rng.choice(("seller_favor", "buyer_favor", "refunded"))
        plan.extra.append((later, "dispute.resolved", {
            "dispute_id": dispute_id, "outcome": outcome, "actor": "platform",
            "responsible": "buyer" if outcome == "seller_favor" else "seller"}))


def chargeback(world: World, plan: OrderPlan) -> None:
    """The card holder charges the payment back 5-25 days later, with a 3-10 day appeal window."""
    rng = world.rng
    notified = plan.after + rng.randint(5, 25) * DAY + rng.randrange(DAY)
    chargeback_id = world.next_id("cb")
    deadline = plan.at + notified + rng.randint(3, 10) * DAY
    plan.extra.append((notified, "chargeback.notified", {
        "chargeback_id": chargeback_id, "amount": money(plan.total()),
        "currency": plan.seller.currency, "reason": rng.choice(CHARGEBACK_REASONS),
        "deadline_at": format_epoch(deadline), "actor": "platform"}))
    if rng.random() < 0.6:
        plan.extra.append((notified + rng.randint(1, 3) * DAY, "chargeback.appealed",
                           {"chargeback_id": chargeback_id, "actor": "seller"}))


def refund(world: World, plan: OrderPlan) -> None:
    """The buyer asks for a refund 3-12 days after paying; it is completed a little later."""
    rng = world.rng
    asked = plan.after + rng.randint(3, 12) * DAY
    refund_id = world.next_id("rf")
    fields = {"refund_id": refund_id, "amount": money(plan.total()),
              "currency": plan.seller.currency, "reason": "changed mind", "actor": "buyer"}
    plan.extra.append((asked, "refund.requested", fields))
    plan.extra.append((asked + rng.randint(1, 3) * DAY, "refund.completed",
                       {**fields, "actor": "seller"}))
