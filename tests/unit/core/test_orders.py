import copy

import orjson
import pytest

from streams.core.orders import MAX_HELD, MAX_IDS, OLD_SEP, SEP, idle, step_order
from streams.core.replay import Replay
from streams.core.rules import load_rules

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
    assert state["j"].count(SEP) == MAX_IDS
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


# --- forgetting idle orders --------------------------------------------------------------


def test_an_order_keeps_the_date_of_its_latest_event():
    state, _ = run([make_event("order.created", order="o-1", when="2026-03-01T10:00:00Z"),
                    make_event("order.paid", order="o-1", when="2026-03-04T10:00:00Z")])
    assert state["d"] == "2026-03-04"
    late = make_event("order.cancelled", order="o-1", when="2026-03-02T10:00:00Z")
    state, _ = run([late, dict(late)], state)  # a late event and its redelivery
    assert state["d"] == "2026-03-04"


@pytest.mark.parametrize(
    ("state", "before", "idle_"),
    [
        ({"d": "2025-01-31"}, "2025-02-01", True),
        ({"d": "2025-02-01"}, "2025-02-01", False),
        ({"d": "2026-01-01"}, "2025-02-01", False),
        ({"b": "b-1", "st": "paid"}, "2025-02-01", False),  # written before orders kept "d"
    ],
)
def test_idle_compares_the_latest_event_date(state, before, idle_):
    assert idle(state, before) is idle_


def test_replay_forgets_an_order_idle_for_keep_days_and_a_later_creation_starts_it_afresh():
    engine = Replay(load_rules())
    old = make_event("order.created", order="o-old", when="2024-01-01T10:00:00Z")
    kept = make_event("order.created", order="o-kept", when="2024-06-01T10:00:00Z")
    engine.feed(old)
    engine.feed(kept)
    assert set(engine.orders) == {"o-old", "o-kept"}
    engine.feed(make_event("order.paid", order="o-new", when="2025-02-05T10:00:00Z"))
    assert set(engine.orders) == {"o-kept", "o-new"}  # o-old: over 400 days before Feb 5
    again = make_event("order.created", order="o-old", when="2025-02-06T10:00:00Z")
    engine.feed(again)
    assert engine.orders["o-old"]["j"] == again["event_id"] + SEP  # a fresh state
    assert engine.orders["o-old"]["d"] == "2025-02-06"
    assert step_order(engine.orders["o-kept"], dict(kept, event_id="ev-other"))[1] == []



def test_ids_are_kept_packed_and_a_redelivery_of_an_adapter_shaped_id_is_dropped():
    first = make_event("order.created", order="3812345678901234567",
                       event_id="tmall:order.created:3812345678901234567")
    paid = make_event("order.paid", order="3812345678901234567",
                      event_id="tmall:order.paid:3812345678901234567")
    state, _ = run([first, paid])
    assert state["j"] == f"~103812345678901234567{SEP}~113812345678901234567{SEP}"
    assert step_order(state, dict(paid))[1] == []
    assert len(orjson.dumps(state["j"])) == 2 + 2 * 23  # one byte per separator


@pytest.mark.parametrize("written", ["string", "list"])
def test_ids_an_older_state_kept_whole_still_count_as_seen(written):
    first = make_event("order.created", order="3812345678901234567",
                       event_id="tmall:order.created:3812345678901234567")
    other = make_event("order.paid", order="3812345678901234567", event_id="acme-7")
    ids = [first["event_id"], other["event_id"]]
    state = {"i": "".join(i + OLD_SEP for i in ids) if written == "string" else ids, "c": 1,
             "b": "b-1", "st": "created", "d": "2026-10-05"}
    for event in (first, other):
        assert step_order(state, dict(event))[1] == []
    assert "i" not in state
    assert state["j"] == f"~103812345678901234567{SEP}acme-7{SEP}"
    late = make_event("order.cancelled", order="3812345678901234567")
    assert step_order(state, late)[1] == [late]
