"""The detector registry: which detectors an event counted in each outcome column can fire."""

from __future__ import annotations

from streams.core import layout
from streams.core.detectors import (
    Detector,
    cancel_churn,
    chargeback_abuse,
    dispute_abuse,
    nonpayment_burst,
)
from streams.core.orderchecks import bad_contact, blocked_buyer_order, chargeback_deadline
from streams.core.stocklock import order_flood, unpaid_stock_held

# outcome column -> the detectors an event counted there can make fire, in this order
TRIGGERS: dict[int, tuple[Detector, ...]] = {
    layout.CREATED: (blocked_buyer_order, bad_contact, order_flood, unpaid_stock_held),
    layout.CLOSED_UNPAID: (nonpayment_burst,),
    layout.CANCELLED: (cancel_churn,),
    layout.DISPUTED: (dispute_abuse,),
    layout.CHARGEBACK: (chargeback_deadline, chargeback_abuse),
}
