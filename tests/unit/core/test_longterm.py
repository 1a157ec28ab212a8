import pytest

from streams.core import longterm
from streams.core import windows as win
from streams.core.fields import DAY

from .factories import T0, at, make_event

T0_DAY = int(T0.timestamp()) // DAY
RETENTION, LONG = 7, 180


def fold_all(events, state=None):
    for event in events:
        state = win.fold(state, event, RETENTION, LONG)
    return state


def dispute(day, seller="s-1"):
    return make_event("dispute.opened", when=at(day), seller=seller, dispute_id=f"d-{day}")


def test_days_leaving_the_daily_rows_keep_disputes_and_chargebacks_by_day_and_payments_by_block():
    events = [
        dispute(0),
        make_event("order.paid", when=at(0)),
        make_event("order.paid", when=at(1)),
        make_event("chargeback.notified", when=at(1), amount="5.00", currency="USD"),
    ]
    state = fold_all([*events, make_event("order.created", when=at(30))])
    assert T0_DAY not in state["s"]["s-1"][:: win.WIDTH]  # the daily rows moved on
    assert state["l"] == {"s-1": [T0_DAY, 1, 0, T0_DAY + 1, 0, 1]}
    assert state["p"] == {"s-1": [T0_DAY // longterm.BLOCK_DAYS, 2]}
    assert longterm.total(state, win.DISPUTED, "s-1") == 1
    assert longterm.total(state, win.CHARGEBACK, None) == 1


def test_long_rows_go_after_the_long_retention():
    state = fold_all([dispute(0), make_event("order.paid", when=at(0)),
                      make_event("order.created", when=at(LONG + 40))])
    assert "l" not in state and "p" not in state


def test_without_a_long_retention_old_days_are_simply_dropped():
    state = None
    for event in [dispute(0), make_event("order.created", when=at(30))]:
        state = win.fold(state, event, RETENTION)
    assert "l" not in state


def test_a_late_dispute_older_than_the_daily_rows_goes_straight_to_the_long_rows():
    state = fold_all([make_event("order.created", when=at(60))])
    assert win.apply(state, dispute(10), RETENTION, LONG) == win.DISPUTED
    assert state["l"] == {"s-1": [T0_DAY + 10, 1, 0]}
    assert win.apply(state, make_event("order.cancelled", when=at(10)), RETENTION, LONG) == 0


@pytest.mark.parametrize(
    ("day", "col", "kept"),
    [
        (100, win.DISPUTED, True),
        (100 - LONG + 1, win.DISPUTED, True),
        (100 - LONG, win.DISPUTED, False),
        (100 - LONG, win.PAID, True),  # its 30-day block reaches into the long horizon
        (100 - LONG - 40, win.PAID, False),
    ],
)
def test_keeps_matches_what_eviction_keeps(day, col, kept):
    assert longterm.keeps(day, col, 100, LONG) is kept


def test_long_windows_count_disputes_exactly_and_paid_orders_by_overlapping_block():
    state = win.new_state()
    state["s"] = {"s-1": [200, 0, 1, 0, 0, 1, 0, 0]}
    state["l"] = {"s-1": [150, 1, 0, 180, 1, 0]}
    state["p"] = {"s-1": [4, 3, 5, 2]}  # days 120-149 and 150-179
    (first, second, third) = longterm.windows(state, win.DISPUTED, "s-1", 200, 90, 0)
    assert (first.first_day, first.count, first.shops) == (150, 3, 1)
    assert first.base == 1 + 3 + 2  # paid from 60 to 240: the daily row and both blocks
    assert (second.first_day, second.count) == (180, 2)
    assert (third.first_day, third.count) == (200, 1)
