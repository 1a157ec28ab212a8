import dataclasses

import pytest

from schemas.alert import validate_alert
from streams.core.buyers import step_buyer
from streams.core.rules import load_rules

from .factories import at, created, follow

RULES = load_rules()


def feed(events, rules=RULES):
    state, alerts = None, []
    for event in events:
        state, raised = step_buyer(state, event, rules)
        alerts += [a for a in raised if a["rule_id"] == "unpaid_stock_held"]
    return alerts


def orders(quantities, amount="10.00", hours=3.0, seller="s-1", day=0.0):
    """Unpaid orders ``hours`` apart (too far apart to be a flood)."""
    return [
        created("b-4", at(day, hours=i * hours), seller, sku=f"sku-{i}", quantity=q,
                amount=amount, currency="USD")
        for i, q in enumerate(quantities)
    ]


@pytest.mark.parametrize(
    ("quantities", "amount", "severities"),
    [
        ([3, 3, 3], "10.00", []),
        ([19], "10.00", []),
        ([10, 10], "10.00", ["medium"]),  # 20 units held at one shop
        # 24 held by 14:00 (medium); 50 at 02:00 the next day: a new day's episode, which
        # reaches both levels at once
        ([8, 8, 8, 8, 8, 8, 2], "10.00", ["medium", "medium", "high"]),
        ([50], "10.00", ["medium", "high"]),  # straight to high: both levels, at once
        ([1], "4999.99", []),
        ([1], "5000.00", ["medium"]),  # value: in the shop's currency
        ([1, 1], "10000.00", ["medium", "high"]),  # 20,000 held
    ],
)
def test_unpaid_stock_held_at_one_shop_by_units_or_value(quantities, amount, severities):
    assert [a["severity"] for a in feed(orders(quantities, amount))] == severities


def test_a_jump_straight_to_high_names_each_level_and_its_limit():
    (order,) = orders([50])
    medium, high = feed([order])
    assert [(a["severity"], a["observed"], a["threshold"]) for a in (medium, high)] == [
        ("medium", 50.0, 20), ("high", 50.0, 50),
    ]
    assert medium["explanation"].endswith("in 1 unpaid order (limit 20 units).")
    assert high["explanation"].endswith("in 1 unpaid order (limit 50 units).")
    assert medium["alert_id"] != high["alert_id"]
    assert medium["evidence_event_ids"] == high["evidence_event_ids"] == [order["event_id"]]


def test_a_late_order_is_counted_at_the_later_orders_it_was_held_with():
    first, second = orders([10, 10])
    (in_order,) = feed([first, second])
    (late,) = feed([second, first])  # the older order arrives last
    assert late["alert_id"] == in_order["alert_id"]
    assert late["occurred_at"] == at()  # the late order made it fire ...
    # ... with what was held when the second order was placed
    assert (late["window_start"], late["window_end"]) == (at(), at(hours=3))
    assert late["observed"] == 20.0
    assert late["evidence_event_ids"] == [first["event_id"], second["event_id"]]


def test_holdings_are_taken_at_event_time_whatever_arrives_first():
    first, second = orders([10, 10])
    paid_after = follow("order.paid", first, at(hours=4))  # after the second was placed
    (in_order,) = feed([first, second, paid_after])
    for arrival in ([first, paid_after, second], [paid_after, second, first],
                    [second, paid_after, first]):
        (alert,) = feed(arrival)
        assert alert["alert_id"] == in_order["alert_id"]
        assert alert["observed"] == 20.0
    paid_before = follow("order.paid", first, at(hours=2))  # before the second was placed
    for arrival in ([first, paid_before, second], [paid_before, first, second],
                    [second, paid_before, first]):
        assert feed(arrival) == []
    # a payment that arrives after both creations comes too late: the alert on what was
    # held at 11:00, as far as anyone knew then, is out and cannot be taken back
    for arrival in ([first, second, paid_before], [second, first, paid_before]):
        (alert,) = feed(arrival)
        assert alert["alert_id"] == in_order["alert_id"]


def test_payment_releases_the_stock():
    first, second = orders([10, 10])
    assert feed([first, follow("order.paid", first, at(hours=1)), second]) == []


def test_a_close_or_a_cancel_by_anyone_releases_it_too():
    first, second, third = orders([10, 10, 10])
    events = [
        first, follow("order.closed_unpaid", first, at(hours=1)),
        second, follow("order.cancelled", second, at(hours=4), actor="seller"),
        third,
    ]
    assert feed(events) == []


def test_holdings_at_different_shops_are_not_added_up():
    events = orders([10], seller="s-1") + orders([10], seller="s-2", day=0.5)
    assert feed(events) == []


def test_alert_explains_units_value_and_orders_with_evidence():
    events = orders([12, 8], amount="35.50")
    (alert,) = feed(events)
    validate_alert(alert)
    assert (alert["observed"], alert["threshold"]) == (20, 20)
    assert alert["explanation"] == (
        "Buyer b-4 holds 20 units worth 71.00 USD of your stock at shop s-1 in 2 unpaid orders "
        "(limit 20 units)."
    )
    assert alert["evidence_event_ids"] == [e["event_id"] for e in events]
    assert alert["window_start"] == at()
    assert alert["window_end"] == at(hours=3)
    assert alert["recommended_actions"] == [
        "reduce_stock_on_payment", "hold_shipment", "shorten_auto_cancel",
        "let_platform_auto_close",
    ]


def test_value_limits_are_in_whole_units_and_zero_turns_them_off():
    (alert,) = feed(orders([1], amount="6000.00"))
    assert (alert["observed"], alert["threshold"]) == (6000.0, 5000)
    assert alert["explanation"].endswith("(limit 5000 USD).")
    rules = dataclasses.replace(
        RULES,
        unpaid_stock_held=dataclasses.replace(RULES.unpaid_stock_held, value_medium=0,
                                              value_high=0),
    )
    assert feed(orders([1], amount="60000.00"), rules) == []


def test_a_holding_fires_once_a_day_while_it_lasts_and_a_new_one_again():
    first = orders([10, 10])
    more = orders([1], day=1)  # while the first two are held: the next day's episode
    closes = [follow("order.closed_unpaid", order, at(3)) for order in first + more]
    alerts = feed([*first, *more, *closes, *orders([10, 10], day=5)])
    assert [(a["severity"], a["observed"]) for a in alerts] == [
        ("medium", 20.0), ("medium", 21.0), ("medium", 20.0)]
    assert len({a["alert_id"] for a in alerts}) == 3
    assert [a["window_end"][:10] for a in alerts] == ["2026-10-05", "2026-10-06", "2026-10-10"]
    assert alerts[2]["window_start"][:10] == "2026-10-10"


def test_an_order_past_its_payment_deadline_holds_nothing_however_late_its_close_arrives():
    # 12 units due at 12:00, then 10 more at 13:00: 22 units would cross the medium limit,
    # but the first order was closed by the platform at its deadline
    first = created("b-4", at(hours=0), "s-1", sku="sku-1", quantity=12, amount="10.00",
                    currency="USD", payment_deadline_at=at(hours=4))
    second = created("b-4", at(hours=5), "s-1", sku="sku-2", quantity=10, amount="10.00",
                     currency="USD")
    close = follow("order.closed_unpaid", first, at(hours=4))
    assert feed([first, close, second]) == []
    assert feed([first, second, close]) == []  # the close after the later order: the same
    still_due = created("b-4", at(hours=0), "s-1", sku="sku-1", quantity=12,
                        amount="10.00", currency="USD", payment_deadline_at=at(hours=6))
    assert [a["severity"] for a in feed([still_due, second])] == ["medium"]
