"""What the sellers' playbooks say to do about each signal, as contract action ids."""

from __future__ import annotations

from schemas.alert import SEVERITY_RANK

HIGH = SEVERITY_RANK["high"]

# ARCHITECTURE.md's playbook table. Order matters: the first actions are the first to take.
PLAYBOOK: dict[str, tuple[str, ...]] = {
    "unpaid_order": ("send_payment_reminder",),
    # Never `cancel_order` here: on Tmall a seller who closes an unpaid order by hand can be
    # penalised 6 points, so the playbook lets the platform auto-close it.
    "repeat_nonpayment": (
        "hold_shipment",
        "shorten_auto_cancel",
        "let_platform_auto_close",
        "block_buyer",
    ),
    # Deduct stock on payment, not on order, so unpaid orders lock nothing; the orders
    # themselves are left to the platform's auto-close, as for non-payment.
    "stock_locked": (
        "reduce_stock_on_payment",
        "hold_shipment",
        "shorten_auto_cancel",
        "let_platform_auto_close",
    ),
    "bad_contact": ("hold_shipment", "contact_buyer"),
    "suspicious_paid_order": ("collect_evidence", "contact_platform_support"),
    "dispute": ("contact_buyer",),
    # Only the buyer can cancel a dispute, and a cancelled one still counts in the rate:
    # keep the evidence and bring the platform in.
    "dispute_abuse": ("collect_evidence", "contact_platform_support", "contact_buyer"),
    "chargeback": ("appeal_chargeback", "collect_evidence"),
    "chargeback_abuse": ("collect_evidence", "appeal_chargeback", "block_buyer", "report_buyer"),
    # A blocked buyer's order: never ship it, never close it by hand.
    "blocked_buyer": ("hold_shipment", "let_platform_auto_close", "block_buyer"),
    # Refuse, and keep the conversation: it is the evidence if a dispute or a scam follows.
    "off_platform_payment": ("decline_off_platform_payment", "collect_evidence"),
}

# What a high alert adds, per signal (default: report the buyer to the platform).
ESCALATE_HIGH: dict[str, tuple[str, ...]] = {
    "stock_locked": ("block_buyer",),
    "dispute_abuse": ("block_buyer",),
    "chargeback": (),  # a near deadline is urgent, not a judgement of the buyer
    "bad_contact": (),  # several implausible fields: still check with the buyer first
    "blocked_buyer": (),  # already blocked: the list entry says whether it was reported
}
DEFAULT_ESCALATE_HIGH: tuple[str, ...] = ("report_buyer",)
ESCALATE_ACROSS_SHOPS: tuple[str, ...] = ("share_with_sellers",)


def recommend(signal: str, severity_rank: int, across_shops: bool = False) -> list[str]:
    """The playbook's actions for a signal, escalated by severity and by shops involved.

    A high alert adds reporting the buyer (blocking, for stock locking and disputes); an
    alert about several shops adds warning the other sellers.

    Args:
        signal: a key of ``PLAYBOOK``.
        severity_rank: ``schemas.alert.SEVERITY_RANK`` of the alert.
        across_shops: the alert counts the buyer's behaviour across several shops.

    """
    actions = list(PLAYBOOK[signal])
    if severity_rank >= HIGH:
        extra = ESCALATE_HIGH.get(signal, DEFAULT_ESCALATE_HIGH)
        actions += [a for a in extra if a not in actions]
    if across_shops:
        actions += [a for a in ESCALATE_ACROSS_SHOPS if a not in actions]
    return actions
