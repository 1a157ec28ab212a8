"""Order-level detectors: ``bad_contact``, ``chargeback_deadline`` and ``blocked_buyer_order``.

Their alerts name the order (``order_id``) and fire once per order: a redelivered event
changes nothing in the buyer state, so it reaches no detector.
"""

from __future__ import annotations

from typing import Any
from zlib import crc32

from schemas.alert import SEVERITY_RANK
from streams.core.alerts import make_alert, plural
from streams.core.bursts import HIGH, MEDIUM, fire_levels
from streams.core.contacts import contact_problems
from streams.core.fields import DAY, add_business_days, epoch_of, format_epoch
from streams.core.layout import State
from streams.core.lists import ALL_SELLERS, ListBook
from streams.core.playbook import recommend
from streams.core.rules import RuleSet

Alert = dict[str, Any]
LOW = SEVERITY_RANK["low"]
HOUR = 3_600


def _listing(parts: tuple[str, ...]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def bad_contact(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert on an order whose contact details cannot be real (see ``streams.core.contacts``).

    A buyer gives the same contact with most orders: the state remembers a checksum of the
    last contact found plausible (``c``, under this rule version), so that one is not
    checked again.
    """
    rule = rules.bad_contact
    shipping = event.get("shipping")
    if not rule.enabled or type(shipping) is not dict:
        return []
    try:
        mark = crc32("\x1f".join(shipping.values()).encode(), rule.version)
    except TypeError:  # a value that is not a string: check it every time
        mark = -1
    if mark == state.get("c"):
        return []
    problems = contact_problems(shipping, rule)
    if not problems:
        if mark >= 0:
            state["c"] = mark
        return []
    rank = HIGH if len(problems) >= rule.high_problems else MEDIUM
    buyer, seller, order_id = event["buyer_id"], event["seller_id"], event["order_id"]
    return [
        make_alert(
            rule_id=rule.id,
            rule_version=rule.version,
            subject=f"{buyer}|{seller}|{order_id}",
            window="order",
            severity_rank=rank,
            buyer_ids=[buyer],
            event=event,
            explanation=(
                f"Order {order_id} from buyer {buyer} at shop {seller} has {_listing(problems)}: "
                f"check the contact details with the buyer before shipping."
            ),
            recommended_actions=recommend("bad_contact", rank),
            evidence_event_ids=[event["event_id"]],
            observed=len(problems),
            threshold=rule.high_problems if rank == HIGH else 1,
            order_id=order_id,
        )
    ]


def chargeback_deadline(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert on a chargeback notice with an appeal deadline; severity by the time left then.

    Time left is counted from the notice's event time, never the wall clock. It fires once
    per chargeback and deadline, again only at a higher severity.
    """
    rule = rules.chargeback_deadline
    raw = event.get("deadline_at")
    if not rule.enabled or not (raw or rule.default_business_days):
        return []
    # without a deadline from the platform, the playbooks': a few business days
    deadline = epoch_of(raw) if raw else add_business_days(t, rule.default_business_days)
    left = deadline - t
    if left <= rule.high_hours * HOUR:
        rank, threshold = HIGH, rule.high_hours
    elif left <= rule.medium_hours * HOUR:
        rank, threshold = MEDIUM, rule.medium_hours
    else:
        rank, threshold = LOW, rule.medium_hours
    buyer, seller, order_id = event["buyer_id"], event["seller_id"], event["order_id"]
    chargeback = str(event.get("chargeback_id") or order_id)
    # one notice, one severity: a later notice closer to the deadline fires the new level only
    if not fire_levels(state, f"{rule.id}|{chargeback}", deadline // DAY, rank, ladder=()):
        return []
    due = format_epoch(deadline)
    if left <= 0:
        explanation = (
            f"The appeal deadline {due} for buyer {buyer}'s chargeback on order {order_id} at "
            f"shop {seller} had passed when the notice came: ask platform support with your "
            f"evidence."
        )
        actions = ["contact_platform_support", "collect_evidence"]
    else:
        hours = left // HOUR
        span = plural(hours, "hour") if hours < 72 else plural(hours // 24, "day")
        after = f"{span} after the notice"
        if not raw:
            days = plural(rule.default_business_days, "business day")
            after += f": the platform gave no deadline, so the playbooks' {days}"
        explanation = (
            f"Buyer {buyer} charged back order {order_id} at shop {seller}: appeal by {due} "
            f"({after}) with tracking and delivery proof, the listing, any "
            f"refund proof and the buyer's messages."
        )
        actions = recommend("chargeback", rank)
    return [
        make_alert(
            rule_id=rule.id,
            rule_version=rule.version,
            subject=f"{buyer}|{seller}|{order_id}|{chargeback}",
            window=due,
            severity_rank=rank,
            buyer_ids=[buyer],
            event=event,
            explanation=explanation,
            recommended_actions=actions,
            evidence_event_ids=[event["event_id"]],
            observed=round(left / HOUR, 1),
            threshold=threshold,
            window_start=event["occurred_at"],
            window_end=due,
            order_id=order_id,
            deadline_at=due,
        )
    ]


def blocked_buyer_order(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert, high, when a buyer on the shop's or the shared deny list places an order."""
    rule = rules.blocked_buyer_order
    if not rule.enabled or not lists:
        return []
    buyer, seller, order_id = event["buyer_id"], event["seller_id"], event["order_id"]
    entry = lists.lookup("deny", buyer, seller, t)
    if entry is None:
        return []
    whose = "the block list shared by all sellers" if entry.seller_id == ALL_SELLERS else (
        "your block list"
    )
    why = "; ".join(
        part for part in (
            f"reason: {entry.reason}" if entry.reason else "",
            f"added by {entry.source}" if entry.source else "",
        ) if part
    )  # fmt: skip
    return [
        make_alert(
            rule_id=rule.id,
            rule_version=rule.version,
            subject=f"{buyer}|{seller}|{order_id}",
            window="order",
            severity_rank=HIGH,
            buyer_ids=[buyer],
            event=event,
            explanation=(
                f"Buyer {buyer}, on {whose}{f' ({why})' if why else ''}, placed order "
                f"{order_id} at shop {seller}: do not ship it, and let the platform close it "
                f"if it stays unpaid."
            ),
            recommended_actions=recommend("blocked_buyer", HIGH),
            evidence_event_ids=[event["event_id"]],
            order_id=order_id,
        )
    ]
