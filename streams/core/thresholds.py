"""Rule dataclasses: each rule's versioned thresholds and the checks that keep them sane."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from streams.core.holdings import ORDERS_CAP

MAX_HORIZON_DAYS = 400
MAX_FLOOD_MINUTES = 24 * 60


@dataclass(frozen=True)
class Rule:
    """What every rule has.

    Attributes:
        version: part of every alert id; bump it when thresholds change.
        enabled: a disabled rule never fires.

    """

    id: ClassVar[str] = ""

    version: int
    enabled: bool

    def check(self) -> None:
        """Raise ValueError naming the first threshold that makes no sense."""
        if self.version < 1:
            raise ValueError("version must be at least 1")


@dataclass(frozen=True)
class BurstRule(Rule):
    """A count of one buyer outcome within a horizon, at one shop and across shops.

    Attributes:
        horizon_days: length of the counting window, in UTC days.
        medium: count at one shop that raises a medium alert.
        high: count at one shop that raises a high alert.
        shops_medium: count across shops (at least ``min_shops``) for a medium alert.
        shops_high: count across shops for a high alert.
        min_shops: shops the buyer must have hit for the across-shops count to apply.

    """

    # Long rules (months) count old days in the coarse long-horizon part of the state
    # (``streams.core.longterm``) instead of keeping every day of their horizon.
    long: ClassVar[bool] = False

    horizon_days: int
    medium: int
    high: int
    shops_medium: int
    shops_high: int
    min_shops: int

    def check(self) -> None:
        """Raise ValueError naming the first threshold that makes no sense."""
        super().check()
        if not 1 <= self.horizon_days <= MAX_HORIZON_DAYS:
            raise ValueError(f"horizon_days must be between 1 and {MAX_HORIZON_DAYS}")
        if self.medium < 1 or self.shops_medium < 1:
            raise ValueError("medium and shops_medium must be at least 1")
        if self.high < self.medium:
            raise ValueError("high must be at least medium")
        if self.shops_high < self.shops_medium:
            raise ValueError("shops_high must be at least shops_medium")
        if self.min_shops < 2:
            raise ValueError("min_shops must be at least 2")


@dataclass(frozen=True)
class RatioRule(BurstRule):
    """A burst rule that also needs the count to be a large share of a base outcome.

    Attributes:
        min_ratio: the count divided by the base count in the window must reach this share.

    """

    min_ratio: float

    def check(self) -> None:
        """Raise ValueError naming the first threshold that makes no sense."""
        super().check()
        if not 0.0 < self.min_ratio <= 1.0:
            raise ValueError("min_ratio must be above 0 and at most 1")


@dataclass(frozen=True)
class NonpaymentBurst(BurstRule):
    """Orders the buyer let close unpaid (``order.closed_unpaid``) within the horizon."""

    id: ClassVar[str] = "nonpayment_burst"


@dataclass(frozen=True)
class CancelChurn(RatioRule):
    """Orders the buyer cancelled within the horizon, when they are a large share of orders."""

    id: ClassVar[str] = "cancel_churn"


@dataclass(frozen=True)
class DisputeAbuse(RatioRule):
    """Disputes the buyer opened over months, as a count and a share of paid orders.

    A dispute the buyer later cancels still counts, as it does in the platforms' dispute rate.
    """

    id: ClassVar[str] = "dispute_abuse"
    long: ClassVar[bool] = True


@dataclass(frozen=True)
class ChargebackAbuse(RatioRule):
    """Chargebacks on the buyer's payments over months, as a count and a share of paid orders."""

    id: ClassVar[str] = "chargeback_abuse"
    long: ClassVar[bool] = True


@dataclass(frozen=True)
class OrderFlood(Rule):
    """Many unpaid orders, or unpaid units of one SKU, at one shop within minutes.

    Attributes:
        horizon_minutes: length of the sliding window, in minutes (at most a day).
        orders_medium: orders at one shop in the window for a medium alert.
        orders_high: ... for a high alert.
        units_medium: units of one SKU at one shop in the window for a medium alert.
        units_high: ... for a high alert.

    """

    id: ClassVar[str] = "order_flood"

    horizon_minutes: int
    orders_medium: int
    orders_high: int
    units_medium: int
    units_high: int

    def check(self) -> None:
        """Raise ValueError naming the first threshold that makes no sense."""
        super().check()
        if not 1 <= self.horizon_minutes <= MAX_FLOOD_MINUTES:
            raise ValueError(f"horizon_minutes must be between 1 and {MAX_FLOOD_MINUTES}")
        _levels("orders", self.orders_medium, self.orders_high)
        if self.orders_high > ORDERS_CAP:
            raise ValueError(f"orders_high must be at most {ORDERS_CAP} (orders kept per buyer)")
        _levels("units", self.units_medium, self.units_high)


@dataclass(frozen=True)
class UnpaidStockHeld(Rule):
    """Units or value held at one shop by the buyer's orders that are still unpaid.

    Attributes:
        units_medium: units held at one shop for a medium alert.
        units_high: ... for a high alert.
        value_medium: value held at one shop, in whole units of the shop's currency, for a
            medium alert (0: value is not checked).
        value_high: ... for a high alert (0: not checked).

    """

    id: ClassVar[str] = "unpaid_stock_held"

    units_medium: int
    units_high: int
    value_medium: int
    value_high: int

    def check(self) -> None:
        """Raise ValueError naming the first threshold that makes no sense."""
        super().check()
        _levels("units", self.units_medium, self.units_high)
        if self.value_medium < 0 or self.value_high < 0:
            raise ValueError("value_medium and value_high must be 0 (off) or more")
        if self.value_medium and self.value_high and self.value_high < self.value_medium:
            raise ValueError("value_high must be at least value_medium")


@dataclass(frozen=True)
class BadContact(Rule):
    """An order whose name, phone, street address or postal code cannot be real.

    Attributes:
        min_phone_digits: a phone number with fewer digits is implausible.
        max_phone_digits: a phone number with more digits is implausible (E.164: 15).
        max_repeated_digits: a longer run of one digit (``11111111``) is implausible.
        min_address_chars: a shorter street address is implausible.
        high_problems: implausible fields in one order for a high alert (one is medium).

    """

    id: ClassVar[str] = "bad_contact"

    min_phone_digits: int
    max_phone_digits: int
    max_repeated_digits: int
    min_address_chars: int
    high_problems: int

    def check(self) -> None:
        """Raise ValueError naming the first threshold that makes no sense."""
        super().check()
        if not 1 <= self.min_phone_digits <= self.max_phone_digits:
            raise ValueError("min_phone_digits must be at least 1 and at most max_phone_digits")
        if self.max_repeated_digits < 2:
            raise ValueError("max_repeated_digits must be at least 2")
        if self.min_address_chars < 1:
            raise ValueError("min_address_chars must be at least 1")
        if self.high_problems < 2:
            raise ValueError("high_problems must be at least 2")


@dataclass(frozen=True)
class ChargebackDeadline(Rule):
    """A chargeback notice with an appeal deadline: tell the seller how long is left.

    Attributes:
        medium_hours: at most this many hours left at the notice: medium (more: low).
        high_hours: at most this many hours left: high.
        default_business_days: a notice without a deadline gets one this many business
            days after it (the playbooks: appeal within 3); 0 for no alert then.

    """

    id: ClassVar[str] = "chargeback_deadline"

    medium_hours: int
    high_hours: int
    default_business_days: int

    def check(self) -> None:
        """Raise ValueError naming the first threshold that makes no sense."""
        super().check()
        if not 0 < self.high_hours <= self.medium_hours:
            raise ValueError("high_hours must be above 0 and at most medium_hours")
        if not 0 <= self.default_business_days <= 30:
            raise ValueError("default_business_days must be between 0 and 30")


@dataclass(frozen=True)
class BlockedBuyerOrder(Rule):
    """A new order by a buyer on the shop's (or the shared) deny list: always high."""

    id: ClassVar[str] = "blocked_buyer_order"


@dataclass(frozen=True)
class OffPlatformPayment(Rule):
    """A buyer's message asking to pay outside the platform: medium, once a day per shop.

    Attributes:
        extra_phrases: the shop's own phrases that ask it, on top of the built-in ones
            (``streams.core.offplatform``).

    """

    id: ClassVar[str] = "off_platform_payment"

    extra_phrases: tuple[str, ...]

    def check(self) -> None:
        """Raise ValueError naming the first setting that makes no sense."""
        super().check()
        if any(not phrase.strip() for phrase in self.extra_phrases):
            raise ValueError("extra_phrases must not hold an empty phrase")


def _levels(name: str, medium: int, high: int) -> None:
    if medium < 1:
        raise ValueError(f"{name}_medium must be at least 1")
    if high < medium:
        raise ValueError(f"{name}_high must be at least {name}_medium")
