import dataclasses

import pytest

from schemas.alert import FIELDS, validate_alert
from streams.core.buyers import step_buyer
from streams.core.rules import load_rules

from .factories import at, created, follow

RULES = load_rules()


def feed(events, rules=RULES, rule_id="order_flood"):
    state, alerts = None, []
    for event in events:
        state, raised = step_buyer(state, event, rules)
        alerts += [a for a in raised if a["rule_id"] == rule_id]
    return alerts


def burst(minutes, quantities=None, sku="sku-1", seller="s-1", day=0.0):
    """One order per entry of ``minutes`` (minutes after 08:00 on ``day``)."""
    quantities = quantities or [1] * len(minutes)
    return [
        created("b-3", at(day, minutes=m), seller, sku=sku, quantity=q)
        for m, q in zip(minutes, quantities, strict=True)
    ]


@pytest.mark.parametrize(
    ("minutes", "quantities", "severities"),
    [
        ([0, 2, 4, 6], None, []),  # four orders: a buyer who forgot things
        ([0, 2, 4, 6, 8], None, ["medium"]),  # five unpaid orders in minutes
        ([0, 29, 29.5, 29.7, 29.9], None, ["medium"]),  # all inside one 30-minute window
        ([0, 31, 62, 93, 124], None, []),  # spread over two hours
        ([0, 30, 31, 32, 33], None, []),  # (m - 30 minutes, m]: the first is out of it
        ([0], [19], []),
        ([0], [20], ["medium"]),  # one order takes 20 units of one SKU
        ([0, 5, 10], [7, 7, 7], ["medium"]),  # 21 units in three orders
        ([0, 40, 80], [7, 7, 7], []),  # the same units, not within minutes
        ([0], [50], ["medium", "high"]),  # straight to high: both levels, at once
        (list(range(10)), None, ["medium", "high"]),  # ten orders: worse, fires again
        ([0, 1], [20, 30], ["medium", "high"]),
    ],
)
def test_order_flood_counts_unpaid_orders_and_units_of_one_sku_within_minutes(
    minutes, quantities, severities
):
    assert [a["severity"] for a in feed(burst(minutes, quantities))] == severities


def test_units_of_different_skus_do_not_add_up():
    events = [created("b-3", at(minutes=m), sku=f"sku-{m}", quantity=7) for m in (0, 1, 2)]
    assert feed(events) == []


def test_orders_at_different_shops_do_not_add_up():
    events = burst([0, 1, 2], seller="s-1") + burst([3, 4], seller="s-2")
    assert feed(events) == []


def test_orders_paid_at_once_lock_no_stock_and_do_not_count():
    events = []
    for m in range(6):
        order = created("b-3", at(minutes=2 * m))
        events += [order, follow("order.paid", order, at(minutes=2 * m + 1))]
    assert feed(events) == []


def test_order_flood_alert_explains_the_window_and_names_the_orders():
    events = burst([0, 2, 4, 6, 8])
    (alert,) = feed(events)
    validate_alert(alert)
    assert tuple(alert) == FIELDS
    assert (alert["observed"], alert["threshold"]) == (5, 5)
    # the window counted at the fifth order's creation: from the first order it counts
    # (the horizon reaches back 30 minutes, to 07:38) to that creation
    assert alert["window_start"] == at()
    assert alert["window_end"] == at(minutes=8)
    assert alert["occurred_at"] == at(minutes=8)
    assert alert["evidence_event_ids"] == [e["event_id"] for e in events]
    assert alert["explanation"] == (
        "Buyer b-3 placed 5 unpaid orders at shop s-1 within 30 minutes (limit 5), which can "
        "lock up your stock until the orders are paid or closed."
    )
    assert alert["recommended_actions"] == [
        "reduce_stock_on_payment", "hold_shipment", "shorten_auto_cancel",
        "let_platform_auto_close",
    ]
    assert alert["order_id"] is None


def test_the_state_keeps_an_orders_creation_id_under_its_order_id_and_alerts_name_it():
    events = [
        {**e, "order_id": f"38{i}", "event_id": f"tmall:order.created:38{i}"}
        for i, e in enumerate(burst([0, 2, 4, 6, 8]))
    ]
    state = None
    for event in events[:4]:
        state, _ = step_buyer(state, event, RULES)
    assert [entry[4] for entry in state["o"].values()] == ["~10"] * 4
    # an order kept by an earlier layout, its creation id whole, reads the same
    state["o"]["380"][4] = "~10380"
    _, raised = step_buyer(state, events[4], RULES)
    (alert,) = [a for a in raised if a["rule_id"] == "order_flood"]
    assert alert["evidence_event_ids"] == [e["event_id"] for e in events]


def test_a_flood_of_units_names_the_sku():
    (alert,) = feed(burst([0, 5], [12, 9], sku="sku-7"))
    assert (alert["observed"], alert["threshold"]) == (21, 20)
    assert "ordered 21 units of sku-7 at shop s-1 within 30 minutes, unpaid" in (
        alert["explanation"]
    )


def test_high_adds_blocking_the_buyer():
    medium, high = feed(burst([0], [60]))  # straight to high: medium fires too
    assert [a["severity"] for a in (medium, high)] == ["medium", "high"]
    assert (medium["observed"], medium["threshold"]) == (60, 20)
    assert (high["observed"], high["threshold"]) == (60, 50)
    assert medium["alert_id"] != high["alert_id"]
    assert "block_buyer" not in medium["recommended_actions"]
    assert high["recommended_actions"] == [*medium["recommended_actions"], "block_buyer"]
    assert "cancel_order" not in high["recommended_actions"]


def test_it_fires_once_per_shop_and_day_and_the_same_flood_in_any_order_has_one_id():
    events = burst([0, 2, 4, 6, 8, 10, 12])
    (in_order,) = feed(events)
    (reversed_,) = feed(events[::-1])
    assert in_order["alert_id"] == reversed_["alert_id"]


def test_a_late_order_joins_the_windows_of_the_later_orders():
    events = burst([0, 2, 4, 6, 8])
    (in_order,) = feed(events)
    (late,) = feed([*events[1:], events[0]])  # the first order arrives last
    assert late["alert_id"] == in_order["alert_id"]
    # evaluated at the latest creation it joins: 08:08, counting back to 08:00
    assert (late["window_start"], late["window_end"]) == (at(), at(minutes=8))
    assert late["occurred_at"] == at()  # the late order made it fire
    assert late["observed"] == 5
    assert late["evidence_event_ids"] == [e["event_id"] for e in events]


def test_a_payment_that_arrives_early_does_not_hide_an_order_unpaid_at_the_flood():
    events = burst([0, 2, 4, 6, 8])
    payment = follow("order.paid", events[0], at(minutes=20))
    (in_order,) = feed([*events, payment])
    (early,) = feed([payment, *events])  # the payment overtook every creation
    (between,) = feed([events[0], payment, *events[1:]])
    assert early["alert_id"] == between["alert_id"] == in_order["alert_id"]
    assert early["observed"] == between["observed"] == 5
    # paid before the fifth order was placed: it locked no stock at 08:08
    paid_first = follow("order.paid", events[0], at(minutes=7))
    assert feed([*events[:4], paid_first, events[4]]) == []
    assert feed([paid_first, *events]) == []


def test_a_new_flood_on_another_day_fires_again():
    alerts = feed(burst([0, 1, 2, 3, 4]) + burst([0, 1, 2, 3, 4], day=2))
    assert [a["window_start"][:10] for a in alerts] == ["2026-10-05", "2026-10-07"]


def test_thresholds_come_from_the_rules():
    rules = dataclasses.replace(
        RULES, order_flood=dataclasses.replace(RULES.order_flood, orders_medium=2, version=4)
    )
    (alert,) = feed(burst([0, 1]), rules)
    assert (alert["threshold"], alert["rule_version"]) == (2, 4)
    off = dataclasses.replace(
        RULES, order_flood=dataclasses.replace(RULES.order_flood, enabled=False)
    )
    assert feed(burst(list(range(12))), off) == []
