import pytest

from streams.core.rules import load_rules
from streams.evaluation import Report, Score, default_identities, evaluate
from streams.simulator import ARCHETYPES

RULES = load_rules()
# Linked rings are caught by the identities stage (streams.core.linking), once it exists.
LINKING = default_identities() is not None


@pytest.fixture(scope="module", params=[20261, 20262])
def report(request):
    return evaluate(request.param, buyers=2500, days=7, rules=RULES)


def test_every_malicious_archetype_is_caught(report):
    for score in report.scores:
        if not score.malicious or (score.archetype == "linked_ring" and not LINKING):
            continue
        assert score.buyers >= 10, score
        assert score.share >= 0.95, report.format()


def test_flagged_buyers_are_malicious(report):
    assert report.precision >= 0.95, report.format()


def test_every_fake_contact_order_gets_an_order_level_alert_and_no_other_order_does(report):
    assert report.fake_orders > 0
    assert report.fake_orders_caught == report.fake_orders
    assert report.contact_false_alarms == 0


def test_every_buyer_asking_to_pay_off_the_platform_is_alerted_and_no_other(report):
    assert report.off_platform_askers > 5
    assert report.off_platform_caught == report.off_platform_askers, report.format()
    assert report.off_platform_false_alarms == 0
    assert "buyers asking to pay off the platform with an alert" in report.format()


def test_the_report_prints_a_table_with_every_archetype(report):
    text = report.format()
    for score in report.scores:
        assert score.archetype in text
    assert "precision over flagged buyers" in text
    assert "fake-contact orders" in text


def test_report_arithmetic():
    report = Report(
        seed=1, buyers=10, days=1, events=5, alerts=3,
        scores=(Score("nonpayer", True, 4, 3), Score("honest", False, 6, 1)),
        flagged=4, false_positives=1, fake_orders=0, fake_orders_caught=0,
        contact_false_alarms=0,
    )
    assert report.precision == 0.75
    assert report.recall("nonpayer") == 0.75
    assert report.fake_contact_recall == 1.0
    assert "(16.667% false alarms)" in report.format()
    with pytest.raises(KeyError):
        report.score("stock_locker")


def test_without_the_identities_stage_only_rings_go_unseen():
    report = evaluate(7, buyers=600, days=3, rules=RULES, identities=None)
    assert not report.linking
    assert "no identities stage" in report.format()
    assert set(ARCHETYPES) >= {s.archetype for s in report.scores}


def test_a_share_of_nothing_is_printed_as_unmeasured():
    report = Report(
        seed=1, buyers=1, days=1, events=5, alerts=0, scores=(Score("honest", False, 1, 0),),
        flagged=0, false_positives=0, fake_orders=0, fake_orders_caught=0,
        contact_false_alarms=0,
    )
    text = report.format()
    assert text.startswith("orderguard evaluation: seed 1, 1 buyer, 1 day, 5 events, 0 alerts")
    assert "precision over flagged buyers (medium and up): - (0 of 0)" in text
    assert "0 of 0 (recall -)" in text and "1.000" not in text
