import pytest

from schemas.alert import ACTIONS, SEVERITY_RANK
from streams.core.playbook import PLAYBOOK, recommend


@pytest.mark.parametrize("signal", sorted(PLAYBOOK))
@pytest.mark.parametrize("severity", ["medium", "high", "critical"])
@pytest.mark.parametrize("across_shops", [False, True])
def test_every_recommended_action_is_in_the_contract_vocabulary(signal, severity, across_shops):
    actions = recommend(signal, SEVERITY_RANK[severity], across_shops)
    assert set(actions) <= ACTIONS
    assert len(actions) == len(set(actions))


@pytest.mark.parametrize(
    ("severity", "across_shops", "extra"),
    [
        ("medium", False, []),
        ("high", False, ["report_buyer"]),
        ("medium", True, ["share_with_sellers"]),
        ("high", True, ["report_buyer", "share_with_sellers"]),
    ],
)
def test_repeat_nonpayment_escalates_with_severity_and_shops(severity, across_shops, extra):
    assert recommend("repeat_nonpayment", SEVERITY_RANK[severity], across_shops) == [
        "hold_shipment",
        "shorten_auto_cancel",
        "let_platform_auto_close",
        "block_buyer",
        *extra,
    ]


def test_unpaid_orders_are_never_cancelled_by_hand():
    # on Tmall a seller who closes an unpaid order can be penalised 6 points
    for severity in ("medium", "high", "critical"):
        for across_shops in (False, True):
            assert "cancel_order" not in recommend(
                "repeat_nonpayment", SEVERITY_RANK[severity], across_shops
            )


@pytest.mark.parametrize(
    ("signal", "severity", "actions"),
    [
        ("stock_locked", "medium", ["reduce_stock_on_payment", "hold_shipment",
                                    "shorten_auto_cancel", "let_platform_auto_close"]),
        ("stock_locked", "high", ["reduce_stock_on_payment", "hold_shipment",
                                  "shorten_auto_cancel", "let_platform_auto_close",
                                  "block_buyer"]),
        ("bad_contact", "high", ["hold_shipment", "contact_buyer"]),
        ("dispute_abuse", "medium", ["collect_evidence", "contact_platform_support",
                                     "contact_buyer"]),
        ("dispute_abuse", "high", ["collect_evidence", "contact_platform_support",
                                   "contact_buyer", "block_buyer"]),
        ("chargeback_abuse", "high", ["collect_evidence", "appeal_chargeback", "block_buyer",
                                      "report_buyer"]),
        ("chargeback", "high", ["appeal_chargeback", "collect_evidence"]),
        ("blocked_buyer", "high", ["hold_shipment", "let_platform_auto_close", "block_buyer"]),
    ],
)
def test_each_signal_maps_to_the_playbooks_actions(signal, severity, actions):
    assert recommend(signal, SEVERITY_RANK[severity]) == actions


@pytest.mark.parametrize("signal", ["stock_locked", "blocked_buyer", "repeat_nonpayment"])
def test_orders_left_unpaid_are_never_cancelled_by_hand(signal):
    assert "cancel_order" not in recommend(signal, SEVERITY_RANK["critical"], True)
