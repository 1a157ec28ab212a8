"""Which alerts `orderguard alerts --seller ... --min-severity ...` prints."""

import pytest

from schemas.alert import SEVERITIES
from streams.follow import alert_filter, format_alert


def _alert(seller="s1", severity="medium"):
    return {"seller_id": seller, "severity": severity}


@pytest.mark.parametrize(("sellers", "floor", "alert", "kept"), [
    ((), None, _alert(severity="info"), True),
    (("s1",), None, _alert("s1"), True),
    (("s1",), None, _alert("s2"), False),
    (("s1", "s2"), None, _alert("s2"), True),
    ((), "high", _alert(severity="medium"), False),
    ((), "high", _alert(severity="high"), True),
    ((), "high", _alert(severity="critical"), True),
    (("s1",), "medium", _alert("s2", "critical"), False),
    ((), "info", {"seller_id": "s1"}, False),  # no severity: not an alert of any level
])
def test_alert_filter(sellers, floor, alert, kept):
    assert alert_filter(sellers, floor)(alert) is kept


def test_every_level_keeps_itself_and_above():
    for i, floor in enumerate(SEVERITIES):
        keep = alert_filter(min_severity=floor)
        assert [keep(_alert(severity=s)) for s in SEVERITIES] == [j >= i for j in range(5)]


def test_an_unknown_severity_is_refused():
    with pytest.raises(ValueError, match="unknown severity 'urgent'"):
        alert_filter(min_severity="urgent")


RING = {"occurred_at": "2026-10-01T08:30:00Z", "seller_id": "shop-1", "severity": "high",
        "rule_id": "linked_accounts", "buyer_ids": ["b1", "b2", "b3", "b4", "b5"],
        "explanation": "5 accounts sharing one device let 7 orders close unpaid"}


def test_an_alert_as_a_terminal_line():
    assert format_alert(RING) == (
        " !! high     linked_accounts      5 accounts sharing one device let 7 orders close unpaid")


def test_an_alert_line_with_who_names_time_seller_and_the_first_three_buyers():
    assert format_alert(RING, who=True) == (
        "2026-10-01T08:30:00Z  shop-1  b1,b2,b3 +2   !! high     linked_accounts      "
        "5 accounts sharing one device let 7 orders close unpaid")
    one = dict(RING, buyer_ids=["b1"], severity="critical")
    assert format_alert(one, who=True).startswith("2026-10-01T08:30:00Z  shop-1  b1  !!! critical")


def test_following_through_an_outage_says_once_that_it_began_and_once_that_it_ended(
        monkeypatch, caplog):
    import time
    from types import SimpleNamespace

    import orjson

    import streams.follow
    from tests.component.test_store import alert as contract_alert

    alert = contract_alert("a1")
    message = SimpleNamespace(value=orjson.dumps(alert), topic="orderguard.alerts",
                              partition=0, offset=0)

    class Consumer:  # nothing arrives for a while, then one alert, then nothing again
        def __init__(self, **config):
            self.polls = 0

        def partitions_for_topic(self, topic):
            return {0}

        def subscribe(self, topics):
            pass

        def assignment(self):
            return {"tp"}

        def poll(self, timeout_ms):
            time.sleep(0.01)
            self.polls += 1
            return {"tp": [message]} if self.polls == 60 else {}

        def close(self):
            pass

    answers = iter([False, False, True])  # down, still down, back (then no more checks)
    monkeypatch.setattr(streams.follow, "KafkaConsumer", Consumer)
    monkeypatch.setattr(streams.follow, "OUTAGE_CHECK_S", 0.1)
    monkeypatch.setattr(streams.follow, "broker_answers", lambda bootstrap: next(answers, True))
    with caplog.at_level("WARNING", logger="orderguard.follow"):
        got = list(streams.follow.follow_alerts("k:9092", idle_timeout_s=1.0))
    assert got == [alert]
    assert [r.getMessage() for r in caplog.records] == [
        "no Kafka broker answers at k:9092; still trying", "Kafka at k:9092 answers again"]


@pytest.mark.parametrize(("value", "reason"), [
    (b"{nope", "not JSON"),
    (b"[1]", "an alert is a JSON object, not list"),
    (b'{"alert_id": "a1"}', "alert lacks fields"),
])
def test_what_is_no_alert_is_skipped_with_a_warning(value, reason, caplog):
    from types import SimpleNamespace

    from streams.follow import _alert

    message = SimpleNamespace(value=value, topic="orderguard.alerts", partition=2, offset=7)
    with caplog.at_level("WARNING", logger="orderguard.follow"):
        assert _alert(message) is None
    assert caplog.records[0].getMessage().startswith("skipped orderguard.alerts[2]@7: not an alert")
    assert reason in caplog.records[0].getMessage()


@pytest.mark.parametrize("change", [{"buyer_ids": 5}, {"seller_id": ["x"]},
                                    {"severity": ["high"]}, {"recommended_actions": "block"}])
def test_an_alert_off_the_contract_is_skipped_not_a_crash(change):
    from types import SimpleNamespace

    import orjson

    from streams.follow import _alert
    from tests.component.test_store import alert as contract_alert
    message = SimpleNamespace(value=orjson.dumps({**contract_alert("a1"), **change}),
                              topic="orderguard.alerts", partition=0, offset=0)
    assert _alert(message) is None
