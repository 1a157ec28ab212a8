import pytest

from streams.core.buyers import step_buyer
from streams.core.rules import load_rules

from .factories import at, make_event

RULES = load_rules()


def feed(events):
    """The cancel_churn alerts (orders placed minutes apart also make order floods)."""
    state, alerts = None, []
    for event in sorted(events, key=lambda e: e["occurred_at"]):
        state, raised = step_buyer(state, event, RULES)
        alerts += [a for a in raised if a["rule_id"] == "cancel_churn"]
    return alerts


def orders(placed, cancelled, seller="s-1", day=0.0, actor="buyer"):
    """``placed`` orders on one day, the first ``cancelled`` of them cancelled an hour later."""
    events = []
    for i in range(placed):
        created = make_event("order.created", "b-9", at(day, minutes=i), seller)
        events.append(created)
        if i < cancelled:
            events.append(
                make_event(
                    "order.cancelled", "b-9", at(day, hours=1, minutes=i), seller,
                    created["order_id"], actor=actor,
                )
            )
    return events


@pytest.mark.parametrize(
    ("placed", "cancelled", "severities"),
    [
        (1, 1, []),
        (2, 2, []),
        (3, 3, ["medium"]),
        (6, 3, ["medium"]),  # 50%: at the ratio
        (7, 3, []),  # 43%: a busy buyer who cancels now and then
        (20, 5, []),
        (8, 6, ["medium", "high"]),
        # 3 of 12 is no churn; 6 of 12 is, and reaches both levels at once: both fire, as
        # they would have one by one had the orders arrived in another order
        (12, 6, ["medium", "high"]),
        (13, 6, []),  # 46%
    ],
)
def test_cancel_churn_needs_count_and_ratio(placed, cancelled, severities):
    assert [a["severity"] for a in feed(orders(placed, cancelled))] == severities


@pytest.mark.parametrize("actor", ["seller", "system", "platform"])
def test_cancels_by_others_than_the_buyer_do_not_count(actor):
    assert feed(orders(5, 5, actor=actor)) == []


def test_cancel_churn_fires_on_third_cancel_of_three_orders_and_explains_it():
    (alert,) = feed(orders(3, 3))
    assert alert["rule_id"] == "cancel_churn"
    assert (alert["observed"], alert["threshold"]) == (3, 3)
    assert alert["explanation"] == (
        "Buyer b-9 cancelled 3 of 3 orders (100%) at shop s-1 within 7 days "
        "(limit 3 cancels and 50%)."
    )
    assert "cancel_order" not in alert["recommended_actions"]
    assert len(alert["evidence_event_ids"]) == 3


def test_cancel_churn_across_shops():
    events = orders(3, 2, "s-1") + orders(3, 3, "s-2", day=1)
    alerts = feed(events)
    assert [(a["severity"], a["observed"]) for a in alerts] == [("medium", 3), ("medium", 5)]
    assert alerts[1]["explanation"] == (
        "Buyer b-9 cancelled 5 of 6 orders (83%) at 2 shops within 7 days "
        "(limit 5 cancels across shops and 50%)."
    )
    assert alerts[1]["recommended_actions"][-1] == "share_with_sellers"


def test_cancels_spread_beyond_the_horizon_do_not_add_up():
    events = orders(1, 1, day=0) + orders(1, 1, day=5) + orders(1, 1, day=10)
    assert feed(events) == []
