import dataclasses
import itertools

import pytest

from schemas.alert import FIELDS, validate_alert
from streams.core.buyers import step_buyer
from streams.core.rules import load_rules

from .factories import at, make_event

RULES = load_rules()


def feed(events, rules=RULES, state=None):
    alerts = []
    for event in events:
        state, raised = step_buyer(state, event, rules)
        alerts += raised
    return alerts


def closes(days, seller="s-1", buyer="b-17"):
    return [
        make_event("order.closed_unpaid", buyer, at(day), seller, marketplace="tmall")
        for day in days
    ]


@pytest.mark.parametrize(
    ("days", "severities"),
    [
        ([0], []),
        ([0, 1], []),
        ([0, 2, 5], ["medium"]),
        ([0, 0.1, 0.2], ["medium"]),
        ([0, 6.5, 6.6], ["medium"]),  # the 7-day window starts on the first close's UTC day
        ([0, 4, 8], []),
        ([0, 4, 8, 12], []),
        ([0, 1, 2, 3], ["medium"]),
        ([0, 1, 2, 3, 4], ["medium", "high"]),
        # days 0-2 (Mon 5 - Wed 7 Oct) reach medium, day 4 high, in the episode of the
        # 7-day calendar block Thu 1 - Wed 7 Oct that the window from day 0 starts in; the
        # window from day 3 (Thu 8 Oct) starts the next block and reaches medium on day 5
        ([0, 1, 2, 3, 4, 5, 6], ["medium", "high", "medium"]),
    ],
)
def test_nonpayment_burst_at_one_shop(days, severities):
    assert [a["severity"] for a in feed(closes(days))] == severities


def test_nonpayment_burst_fires_on_third_unpaid_close_within_7_days():
    events = closes([0, 2, 5])
    assert feed(events[:2]) == []
    (alert,) = feed(events)
    assert alert["observed"] == 3
    assert alert["threshold"] == 3
    assert alert["evidence_event_ids"] == [e["event_id"] for e in events]
    assert alert["explanation"] == (
        "Buyer b-17 let 3 orders close unpaid at shop s-1 within 7 days (limit 3)."
    )


def test_alert_has_exactly_the_contract_fields():
    (alert,) = feed(closes([0, 1, 2]))
    assert tuple(alert) == FIELDS
    validate_alert(alert)
    assert alert["rule_id"] == "nonpayment_burst"
    assert alert["rule_version"] == 1
    assert alert["buyer_ids"] == ["b-17"]
    assert alert["seller_id"] == "s-1"
    assert alert["marketplace"] == "tmall"
    assert alert["order_id"] is None
    assert alert["deadline_at"] is None
    assert alert["occurred_at"] == at(2)
    assert alert["window_start"] == "2026-10-05T00:00:00Z"
    assert alert["window_end"] == "2026-10-12T00:00:00Z"
    assert alert["schema_version"] == 1


def test_nonpayment_actions_follow_the_playbook_and_never_cancel_the_order():
    medium, high = feed(closes(range(5)))
    assert medium["recommended_actions"] == [
        "hold_shipment",
        "shorten_auto_cancel",
        "let_platform_auto_close",
        "block_buyer",
    ]
    assert high["recommended_actions"] == [*medium["recommended_actions"], "report_buyer"]
    assert "cancel_order" not in medium["recommended_actions"] + high["recommended_actions"]


def test_a_rule_fires_once_per_episode_and_again_only_when_severity_rises():
    alerts = feed(closes([0, 1, 2, 2.5, 3, 3.5, 4]))
    # the windows from day 0 (Mon 5 Oct) and day 1 both start in the calendar block from
    # Thu 1 Oct: one medium, then one high when it rises; the window from day 3 (Thu 8 Oct,
    # closes on days 3, 3.5 and 4) starts in the next block, a new episode
    assert [(a["severity"], a["observed"], a["window_start"][:10]) for a in alerts] == [
        ("medium", 3, "2026-10-05"),
        ("high", 5, "2026-10-05"),
        ("medium", 3, "2026-10-08"),
    ]
    assert [a["occurred_at"] for a in alerts] == [at(2), at(3), at(4)]
    assert len({a["alert_id"] for a in alerts}) == 3


def test_windows_of_one_episode_share_the_alert_id_whichever_crosses_first():
    # medium from the window starting day 0 (Mon 5 Oct) or from the window starting day 1:
    # both start in the block from Thu 1 Oct, so the same episode and the same id
    (from_day_0,) = feed(closes([0, 1, 2]))
    (from_day_1,) = feed(closes([1, 2, 3]))
    assert (from_day_0["window_start"][:10], from_day_1["window_start"][:10]) == (
        "2026-10-05", "2026-10-06",
    )
    assert from_day_0["alert_id"] == from_day_1["alert_id"]
    (next_block,) = feed(closes([3, 4, 5]))  # starts Thu 8 Oct: the next episode
    assert next_block["alert_id"] != from_day_0["alert_id"]


def test_a_jump_straight_to_high_fires_medium_and_high_at_once():
    rules = dataclasses.replace(
        RULES, nonpayment_burst=dataclasses.replace(RULES.nonpayment_burst, medium=3, high=3)
    )
    events = closes([0, 1, 2])
    assert feed(events[:2], rules) == []
    medium, high = feed(events, rules)
    assert (medium["severity"], high["severity"]) == ("medium", "high")
    assert medium["occurred_at"] == high["occurred_at"] == at(2)
    assert (medium["observed"], medium["threshold"]) == (3, 3)
    assert (high["observed"], high["threshold"]) == (3, 3)
    assert medium["alert_id"] != high["alert_id"]
    assert medium["evidence_event_ids"] == high["evidence_event_ids"] == [
        e["event_id"] for e in events
    ]


def test_a_persistent_non_payer_gets_a_new_alert_for_a_new_window():
    alerts = feed(closes([0, 1, 2, 8, 9, 10]))
    assert [a["window_start"][:10] for a in alerts] == ["2026-10-05", "2026-10-13"]


def test_redelivered_close_raises_nothing_new():
    events = closes([0, 1, 2])
    assert len(feed([*events, *map(dict, events)])) == 1


@pytest.mark.parametrize("arrival", list(itertools.permutations(range(3))))
def test_same_closes_in_any_arrival_order_give_the_same_alert_id(arrival):
    events = closes([0, 2, 5])
    (expected,) = feed(events)
    (alert,) = feed([events[i] for i in arrival])
    assert alert["alert_id"] == expected["alert_id"]
    assert alert["window_start"] == expected["window_start"]


def test_a_late_close_lands_in_the_window_it_belongs_to():
    early, second, late_third, later = closes([1, 2, 3, 8])
    (in_order,) = feed([early, second, late_third, later])
    (late,) = feed([early, second, later, late_third])
    assert late["alert_id"] == in_order["alert_id"]
    assert late["window_start"][:10] == "2026-10-06"


@pytest.mark.parametrize(
    ("per_shop", "expected"),
    [
        ({"s-1": [0, 1], "s-2": [2]}, []),
        ({"s-1": [0, 1], "s-2": [2, 3]}, [("*", "medium", 4)]),
        ({"s-1": [0], "s-2": [1], "s-3": [2], "s-4": [3], "s-5": [4], "s-6": [5]},
         [("*", "medium", 4), ("*", "high", 6)]),
        ({"s-1": [0, 1, 2], "s-2": [3]}, [("s-1", "medium", 3), ("*", "medium", 4)]),
    ],
)
def test_nonpayment_burst_across_shops(per_shop, expected):
    events = sorted(
        (e for shop, days in per_shop.items() for e in closes(days, shop)),
        key=lambda e: e["occurred_at"],
    )
    alerts = feed(events)
    got = [
        ("*" if "shops" in a["explanation"] else a["seller_id"], a["severity"], a["observed"])
        for a in alerts
    ]
    assert got == expected


def test_across_shops_alert_explains_and_asks_to_warn_other_sellers():
    events = closes([0, 1], "s-1") + closes([2, 3], "s-2")
    (alert,) = feed(events)
    assert alert["explanation"] == (
        "Buyer b-17 let 4 orders close unpaid at 2 shops within 7 days (limit 4 across shops)."
    )
    assert alert["seller_id"] == "s-2"  # the shop where the buyer just crossed the line
    assert alert["recommended_actions"][-1] == "share_with_sellers"
    assert len(alert["evidence_event_ids"]) == 4


def test_a_disabled_rule_never_fires():
    rules = dataclasses.replace(
        RULES, nonpayment_burst=dataclasses.replace(RULES.nonpayment_burst, enabled=False)
    )
    assert feed(closes(range(6)), rules) == []


def test_thresholds_come_from_the_rules():
    rules = dataclasses.replace(
        RULES,
        nonpayment_burst=dataclasses.replace(RULES.nonpayment_burst, medium=2, version=3),
    )
    (alert,) = feed(closes([0, 1]), rules)
    assert (alert["threshold"], alert["rule_version"]) == (2, 3)
    assert alert["alert_id"] != feed(closes([0, 1, 2]))[0]["alert_id"]


def test_closes_by_other_buyers_do_not_add_up():
    events = closes([0], buyer="b-1") + closes([1], buyer="b-2") + closes([2], buyer="b-3")
    states = {}
    alerts = []
    for event in events:
        states[event["buyer_id"]], raised = step_buyer(
            states.get(event["buyer_id"]), event, RULES
        )
        alerts += raised
    assert alerts == []
