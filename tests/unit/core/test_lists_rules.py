import pytest

from schemas.alert import FIELDS, validate_alert
from streams.core.buyers import step_buyer
from streams.core.lists import ListBook, ListEntry
from streams.core.replay import Replay
from streams.core.rules import load_rules

from .factories import T0, at, contact, created, make_event

RULES = load_rules()
T = int(T0.timestamp())


def book(*entries):
    lists = ListBook()
    for kind, buyer, seller, *rest in entries:
        entry = ListEntry(kind, buyer, seller, "chargeback fraud", "alice", T - 100,
                          rest[0] if rest else None)
        lists.apply(entry.key, entry.to_dict())
    return lists


def feed(events, lists):
    state, alerts = None, []
    for event in events:
        state, raised = step_buyer(state, event, RULES, lists)
        alerts += raised
    return alerts


def closes(n, seller="s-1"):
    return [make_event("order.closed_unpaid", "b-1", at(d), seller) for d in range(n)]


@pytest.mark.parametrize(
    ("entries", "seller", "fires"),
    [
        ([], "s-1", False),
        ([("deny", "b-1", "s-1")], "s-1", True),
        ([("deny", "b-1", "*")], "s-1", True),  # the list shared by all sellers
        ([("deny", "b-1", "s-2")], "s-1", False),  # another shop's list
        ([("deny", "b-2", "s-1")], "s-1", False),
        ([("deny", "b-1", "s-1", T - 1)], "s-1", False),  # expired
        ([("deny", "b-1", "s-1", T + 1)], "s-1", True),  # not yet
    ],
)
def test_a_deny_listed_buyers_new_order_raises_blocked_buyer_order(entries, seller, fires):
    alerts = feed([created("b-1", at(), seller)], book(*entries))
    assert [a["rule_id"] for a in alerts] == (["blocked_buyer_order"] if fires else [])


def test_blocked_buyer_order_is_high_order_level_and_says_why():
    order = created("b-1", at(), "s-1", order="o-9")
    (alert,) = feed([order], book(("deny", "b-1", "s-1")))
    validate_alert(alert)
    assert tuple(alert) == FIELDS
    assert alert["severity"] == "high"
    assert alert["order_id"] == "o-9"
    assert alert["evidence_event_ids"] == [order["event_id"]]
    assert alert["explanation"] == (
        "Buyer b-1, on your block list (reason: chargeback fraud; added by alice), placed "
        "order o-9 at shop s-1: do not ship it, and let the platform close it if it stays "
        "unpaid."
    )
    assert alert["recommended_actions"] == [
        "hold_shipment", "let_platform_auto_close", "block_buyer",
    ]


def test_the_shared_list_is_named_as_such():
    (alert,) = feed([created("b-1", at(), "s-1")], book(("deny", "b-1", "*")))
    assert "on the block list shared by all sellers" in alert["explanation"]


def test_without_lists_no_buyer_is_blocked():
    assert feed([created("b-1", at())], None) == []


@pytest.mark.parametrize(
    ("entries", "suppressed"),
    [
        ([("allow", "b-1", "s-1")], True),
        ([("allow", "b-1", "*")], True),
        ([("allow", "b-1", "s-2")], False),  # allowed at another shop only
        ([("allow", "b-1", "s-1", T - 1)], False),  # expired
    ],
)
def test_an_allow_entry_suppresses_the_buyers_alerts_at_that_shop(entries, suppressed):
    alerts = feed(closes(3), book(*entries))
    (alert,) = alerts
    assert ("suppressed" in alert) is suppressed
    if suppressed:
        assert alert["suppressed"] == {
            "list": "allow", "seller_id": entries[0][2], "reason": "chargeback fraud",
            "source": "alice",
        }


def test_replay_returns_unsuppressed_alerts_and_keeps_the_suppressed_ones():
    lists = book(("allow", "b-1", "s-1"))
    engine = Replay(RULES, lists)
    returned = [a for e in closes(3) + closes(3, "s-2") for a in engine.feed(e)]
    # s-2's own alert and the across-shops ones (raised at s-2) are not suppressed
    assert [a["seller_id"] for a in returned] == ["s-2", "s-2", "s-2"]
    assert all("suppressed" not in a for a in returned)
    (kept,) = engine.suppressed
    assert kept["seller_id"] == "s-1" and kept["suppressed"]["list"] == "allow"


def test_a_suppressed_window_does_not_fire_again_once_the_entry_is_gone():
    lists = book(("allow", "b-1", "s-1"))
    state = None
    for event in closes(3):
        state, raised = step_buyer(state, event, RULES, lists)
    state, raised = step_buyer(state, make_event("order.closed_unpaid", "b-1", at(3.5)),
                               RULES, ListBook())
    assert raised == []


def test_allow_and_deny_together_the_allow_entry_wins():
    lists = book(("deny", "b-1", "*"), ("allow", "b-1", "s-1"))
    (alert,) = feed([created("b-1", at(), "s-1", shipping=contact())], lists)
    assert alert["rule_id"] == "blocked_buyer_order" and "suppressed" in alert
