import copy

import orjson
import pytest

from streams.core.orders import MAX_HELD, MAX_IDS, SEP, step_order

from .factories import at, make_event


def run(events, state=None):
    forwarded = []
    for event in events:
        state, out = step_order(state, event)
        forwarded += out
    return state, forwarded


def test_created_is_forwarded_as_it_is_and_the_input_is_untouched():
    created = make_event("order.created", order="o-1")
    original = copy.deepcopy(created)
    state, (out,) = step_order(None, created)
    assert out is created  # no copy per event: callers never modify forwarded events
    assert created == original
    assert state["b"] == "b-1"
    assert state["st"] == "created"


def test_thin_follow_up_gets_the_buyer_of_its_order():
    created = make_event("order.created", "b-7", order="o-1")
    paid = make_event("order.paid", None, order="o-1")
    original = copy.deepcopy(paid)
    _, forwarded = run([created, paid])
    assert forwarded[1] == {**paid, "buyer_id": "b-7"}
    assert paid == original


def test_follow_up_before_its_creation_is_held_then_released_with_the_buyer():
    cancelled = make_event("order.cancelled", None, at(0, 1), order="o-1")
    closed = make_event("order.closed_unpaid", None, at(0, 2), order="o-1")
    created = make_event("order.created", "b-7", at(0), order="o-1")
    state, forwarded = run([cancelled, closed])
    assert forwarded == []
    assert len(state["h"]) == 2
    state, forwarded = run([created], state)
    assert [e["event_id"] for e in forwarded] == [
        created["event_id"],
        cancelled["event_id"],
        closed["event_id"],
    ]
    assert all(e["buyer_id"] == "b-7" for e in forwarded)
    assert "h" not in state
    assert "buyer_id" not in cancelled


def test_held_follow_ups_are_released_by_any_event_that_names_the_buyer():
    thin = make_event("order.paid", None, order="o-1")
    named = make_event("order.shipped", "b-7", order="o-1")
    _, forwarded = run([thin, named])
    assert [(e["event_id"], e["buyer_id"]) for e in forwarded] == [
        (named["event_id"], "b-7"),
        (thin["event_id"], "b-7"),
    ]


def test_redelivered_event_id_is_dropped():
    created = make_event("order.created", order="o-1")
    paid = make_event("order.paid", None, order="o-1")
    state, forwarded = run([created, paid, dict(paid), dict(created)])
    assert len(forwarded) == 2


def test_an_order_is_created_once_whatever_its_event_id():
    first = make_event("order.created", order="o-1")
    again = make_event("order.created", order="o-1")
    _, forwarded = run([first, again])
    assert [e["event_id"] for e in forwarded] == [first["event_id"]]


@pytest.mark.parametrize(
    ("types", "status"),
    [
        (["order.created", "order.paid"], "paid"),
        (["order.paid", "order.created"], "paid"),
        (["order.created", "order.shipped", "order.paid"], "shipped"),
        (["order.created", "order.closed_unpaid"], "closed_unpaid"),
        (["order.created", "order.paid", "refund.requested"], "paid"),
    ],
)
def test_order_status_only_moves_forward(types, status):
    events = [make_event(t, order="o-1", amount="1.00", currency="USD") for t in types]
    state, _ = run(events)
    assert state["st"] == status


def test_order_state_stays_bounded():
    events = [make_event("payment.reminder_sent", None, order="o-1") for _ in range(100)]
    state, forwarded = run(events)
    assert forwarded == []
    assert state["i"].count(SEP) == MAX_IDS
    assert len(state["h"]) == MAX_HELD
    assert state["hx"] == 100 - MAX_HELD


def test_buyer_message_without_an_order_is_forwarded_once():
    message = make_event("buyer.message", "b-3", order=None, text="is this in stock?")
    del message["order_id"]
    _, forwarded = run([message, dict(message)])
    assert forwarded == [message]


def test_order_state_is_plain_json_and_survives_a_round_trip():
    thin = make_event("order.paid", None, order="o-1")
    state, _ = run([thin])
    state = orjson.loads(orjson.dumps(state))
    _, forwarded = run([make_event("order.created", "b-2", order="o-1")], state)
    assert forwarded[1]["buyer_id"] == "b-2"
