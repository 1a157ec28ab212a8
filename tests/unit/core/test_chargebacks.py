import dataclasses

import pytest

from schemas.alert import validate_alert
from streams.core.buyers import step_buyer
from streams.core.fields import add_business_days, epoch_of, format_epoch
from streams.core.rules import load_rules

from .factories import at, follow, paid_order

RULES = load_rules()


def feed(events, rule_id):
    state, alerts = None, []
    for event in sorted(events, key=lambda e: e["occurred_at"]):
        state, raised = step_buyer(state, event, RULES)
        alerts += [a for a in raised if a["rule_id"] == rule_id]
    return alerts


def charged_back(days, paid_extra=0, deadline_hours=None, seller="s-1"):
    """Paid orders on ``days``, each charged back 20 days later, plus extra paid orders."""
    events = []
    for day in days:
        order, payment = paid_order("b-6", day, seller)
        fields = {"chargeback_id": f"cb-{day}", "amount": "10.00", "currency": "USD",
                  "actor": "platform"}
        if deadline_hours is not None:
            fields["deadline_at"] = at(day + 20, hours=deadline_hours)
        events += [order, payment, follow("chargeback.notified", order, at(day + 20), **fields)]
    for i in range(paid_extra):
        events += paid_order("b-6", 0.01 * i, seller)
    return events


@pytest.mark.parametrize(
    ("days", "paid_extra", "severities"),
    [
        ([0], 0, []),
        ([0, 100], 0, ["medium"]),  # two within 180 days
        ([0, 100, 150], 0, ["medium", "high"]),
        ([0, 200], 0, []),  # half a year apart
        ([0, 10], 30, []),  # 2 of 32 paid orders (6%): below 10%
        ([0, 10], 10, ["medium"]),  # 2 of 12 (17%)
    ],
)
def test_chargeback_abuse_counts_chargebacks_over_180_days_and_their_share(
    days, paid_extra, severities
):
    alerts = feed(charged_back(days, paid_extra), "chargeback_abuse")
    assert [a["severity"] for a in alerts] == severities


def test_chargeback_abuse_explains_and_recommends_appeal_block_and_report():
    (alert,) = feed(charged_back([0, 100]), "chargeback_abuse")
    validate_alert(alert)
    assert alert["explanation"] == (
        "Buyer b-6 charged back 2 of 2 paid orders (100%) at shop s-1 within 180 days "
        "(limit 2 chargebacks and 10%)."
    )
    assert alert["recommended_actions"] == [
        "collect_evidence", "appeal_chargeback", "block_buyer", "report_buyer",
    ]


@pytest.mark.parametrize(
    ("hours_left", "severity", "threshold"),
    [
        (240, "low", 72),
        (73, "low", 72),
        (72, "medium", 72),  # 3 days: the playbook's 3 business days, at the shortest
        (30, "medium", 72),
        (24, "high", 24),
        (2, "high", 24),
        (-1, "high", 24),  # passed before the notice came
    ],
)
def test_chargeback_deadline_severity_follows_the_time_left_at_the_notice(
    hours_left, severity, threshold
):
    (alert,) = feed(charged_back([0], deadline_hours=hours_left), "chargeback_deadline")
    assert alert["severity"] == severity
    assert (alert["observed"], alert["threshold"]) == (hours_left, threshold)


def test_chargeback_deadline_is_an_order_level_alert_with_the_deadline():
    events = charged_back([0], deadline_hours=60)
    notice = events[-1]
    (alert,) = feed(events, "chargeback_deadline")
    validate_alert(alert)
    assert alert["order_id"] == notice["order_id"]
    assert alert["deadline_at"] == notice["deadline_at"] == "2026-10-27T20:00:00Z"
    assert alert["window_start"] == notice["occurred_at"]
    assert alert["window_end"] == alert["deadline_at"]
    assert alert["evidence_event_ids"] == [notice["event_id"]]
    assert alert["explanation"] == (
        f"Buyer b-6 charged back order {notice['order_id']} at shop s-1: appeal by "
        "2026-10-27T20:00:00Z (60 hours after the notice) with tracking and delivery proof, "
        "the listing, any refund proof and the buyer's messages."
    )
    assert alert["recommended_actions"] == ["appeal_chargeback", "collect_evidence"]


def test_a_passed_deadline_asks_platform_support():
    (alert,) = feed(charged_back([0], deadline_hours=-5), "chargeback_deadline")
    assert "had passed" in alert["explanation"]
    assert alert["recommended_actions"] == ["contact_platform_support", "collect_evidence"]


def test_a_notice_without_a_deadline_gets_the_playbooks_three_business_days():
    events = charged_back([0])  # the notice comes on Sunday 2026-10-25 at 08:00
    (alert,) = feed(events, "chargeback_deadline")
    assert alert["deadline_at"] == "2026-10-28T08:00:00Z"  # Monday, Tuesday, Wednesday
    assert (alert["severity"], alert["observed"]) == ("medium", 72.0)
    assert alert["explanation"] == (
        f"Buyer b-6 charged back order {alert['order_id']} at shop s-1: appeal by "
        "2026-10-28T08:00:00Z (3 days after the notice: the platform gave no deadline, so the "
        "playbooks' 3 business days) with tracking and delivery proof, the listing, any refund "
        "proof and the buyer's messages.")


def test_without_a_default_a_notice_without_a_deadline_raises_nothing():
    rules = dataclasses.replace(RULES, chargeback_deadline=dataclasses.replace(
        RULES.chargeback_deadline, default_business_days=0))
    state, alerts = None, []
    for event in charged_back([0]):
        state, raised = step_buyer(state, event, rules)
        alerts += [a for a in raised if a["rule_id"] == "chargeback_deadline"]
    assert alerts == []


@pytest.mark.parametrize(("start", "days", "end"), [
    ("2026-10-05T10:00:00Z", 3, "2026-10-08T10:00:00Z"),  # Monday -> Thursday
    ("2026-10-08T10:00:00Z", 3, "2026-10-13T10:00:00Z"),  # Thursday -> Tuesday
    ("2026-10-09T23:59:59Z", 1, "2026-10-12T23:59:59Z"),  # Friday -> Monday
    ("2026-10-10T10:00:00Z", 3, "2026-10-14T10:00:00Z"),  # Saturday -> Wednesday
    ("2026-10-11T00:00:00Z", 3, "2026-10-14T00:00:00Z"),  # Sunday -> Wednesday
    ("2026-10-05T10:00:00Z", 0, "2026-10-05T10:00:00Z"),
    ("2026-10-05T10:00:00Z", 10, "2026-10-19T10:00:00Z"),  # two weeks
])
def test_business_days_skip_weekends(start, days, end):
    assert format_epoch(add_business_days(epoch_of(start), days)) == end


def test_a_repeated_notice_of_the_same_chargeback_fires_again_only_when_more_urgent():
    events = charged_back([0], deadline_hours=100)
    notice = events[-1]
    again = dict(notice, event_id="cb-again", occurred_at=at(21, hours=5))  # 71 hours: medium
    same = dict(notice, event_id="cb-same", occurred_at=at(20, hours=1))  # still low
    alerts = feed([*events, same, again], "chargeback_deadline")
    assert [a["severity"] for a in alerts] == ["low", "medium"]


@pytest.mark.parametrize("value", ["-1", "31", "'3'"])
def test_the_rules_file_refuses_a_default_deadline_out_of_range_in_one_line(tmp_path, value):
    from streams.errors import ConfigError

    path = tmp_path / "rules.toml"
    path.write_text(f"[chargeback_deadline]\ndefault_business_days = {value}\n")
    with pytest.raises(ConfigError, match="chargeback_deadline") as caught:
        load_rules(path)
    assert len(str(caught.value).splitlines()) == 1
