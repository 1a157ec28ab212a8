import pytest

from schemas.alert import validate_alert
from streams.core.buyers import step_buyer
from streams.core.rules import load_rules

from .factories import at, follow, paid_order

RULES = load_rules()


def feed(events, rule_id="dispute_abuse"):
    state, alerts = None, []
    for event in sorted(events, key=lambda e: e["occurred_at"]):
        state, raised = step_buyer(state, event, RULES)
        alerts += [a for a in raised if a["rule_id"] == rule_id]
    return alerts


def disputed(days, paid_extra=0, seller="s-1", cancelled=False):
    """A paid order per day in ``days`` disputed ten days later, and extra paid orders."""
    events = []
    for day in days:
        order, payment = paid_order("b-5", day, seller)
        opened = follow("dispute.opened", order, at(day + 10), dispute_id=f"d-{day}")
        events += [order, payment, opened]
        if cancelled:  # the buyer withdraws it: it still counts in the dispute rate
            events.append(follow("dispute.cancelled", order, at(day + 11), actor="buyer",
                                 dispute_id=f"d-{day}"))
    for i in range(paid_extra):
        events += paid_order("b-5", 0.01 * i, seller)
    return events


@pytest.mark.parametrize(
    ("days", "paid_extra", "severities"),
    [
        ([0], 0, []),  # one dispute: a real problem with an order
        ([0, 20], 0, []),
        ([0, 20, 40], 0, ["medium"]),  # three within 90 days
        # disputes on 15 Oct, 14 Nov, 14 Dec, 29 Dec and 8 Jan: the window from 15 Oct
        # reaches medium, then high on 8 Jan, in the 90-day calendar block 4 Sep - 2 Dec;
        # on 8 Jan the window from 14 Dec (3 disputes) also reaches medium, and it starts in
        # the next block (from 3 Dec): a second episode, a second medium
        ([0, 30, 60, 75, 85], 0, ["medium", "high", "medium"]),
        ([0, 100, 200], 0, []),  # never three within 90 days
        ([0, 20, 40], 20, []),  # 3 of 23 paid orders (13%): a busy buyer, below 20%
        ([0, 20, 40], 9, ["medium"]),  # 3 of 12 (25%)
    ],
)
def test_dispute_abuse_counts_disputes_over_90_days_and_their_share_of_paid_orders(
    days, paid_extra, severities
):
    assert [a["severity"] for a in feed(disputed(days, paid_extra))] == severities


def test_a_burst_across_two_episodes_alerts_in_both_with_the_window_it_reached():
    alerts = feed(disputed([0, 30, 60, 75, 85]))
    assert [(a["severity"], a["observed"], a["window_start"][:10]) for a in alerts] == [
        ("medium", 3, "2026-10-15"),
        ("high", 5, "2026-10-15"),
        ("medium", 3, "2026-12-14"),  # the block from 3 Dec: a new episode
    ]
    assert [a["occurred_at"][:10] for a in alerts] == ["2026-12-14", "2027-01-08", "2027-01-08"]
    assert len({a["alert_id"] for a in alerts}) == 3


def test_cancelled_disputes_still_count():
    assert [a["severity"] for a in feed(disputed([0, 20, 40], cancelled=True))] == ["medium"]


def test_disputes_months_apart_count_after_their_days_left_the_daily_windows():
    # by day 80 the daily buckets of day 10 are long evicted; the long rows keep them
    (alert,) = feed(disputed([0, 35, 70]))
    assert alert["observed"] == 3
    assert alert["window_start"] == "2026-10-15T00:00:00Z"  # the first dispute's day
    assert alert["window_end"] == "2027-01-13T00:00:00Z"  # 90 days later
    assert len(alert["evidence_event_ids"]) == 3


def test_dispute_abuse_explains_and_recommends_the_playbook():
    (alert,) = feed(disputed([0, 20, 40]))
    validate_alert(alert)
    assert alert["explanation"] == (
        "Buyer b-5 opened 3 disputes on 3 paid orders (100%) at shop s-1 within 90 days, "
        "cancelled disputes included (limit 3 disputes and 20%)."
    )
    assert alert["recommended_actions"] == [
        "collect_evidence", "contact_platform_support", "contact_buyer",
    ]


def test_high_adds_blocking_and_across_shops_warning_other_sellers():
    alerts = feed(disputed([0, 10, 20], seller="s-1") + disputed([30], seller="s-2"))
    across = [a for a in alerts if "shops" in a["explanation"]]
    assert [a["severity"] for a in across] == ["medium"]
    assert across[0]["recommended_actions"][-1] == "share_with_sellers"
    (high,) = [a for a in feed(disputed([0, 10, 20, 30, 40])) if a["severity"] == "high"]
    assert "block_buyer" in high["recommended_actions"]


def test_a_late_dispute_older_than_the_daily_retention_still_counts():
    events = disputed([0, 20, 40])
    late = next(e for e in events if e["type"] == "dispute.opened")
    rest = [e for e in events if e is not late]
    state, alerts = None, []
    for event in [*sorted(rest, key=lambda e: e["occurred_at"]), late]:
        state, raised = step_buyer(state, event, RULES)
        alerts += [a for a in raised if a["rule_id"] == "dispute_abuse"]
    assert [a["observed"] for a in alerts] == [3]


def test_a_redelivered_dispute_counts_once():
    events = disputed([0, 20])
    opened = [e for e in events if e["type"] == "dispute.opened"]
    assert feed([*events, *map(dict, opened)]) == []
