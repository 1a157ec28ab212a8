import copy
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from streams.core import longterm
from streams.core import windows as win
from streams.core.fields import DAY, epoch_of, format_epoch
from streams.core.holdings import RESOLVED, RESOLVED_KEEP, held

from .factories import at

RETENTION = 7
LONG = 40  # long-horizon retention: dispute and chargeback days, paid orders by block
TYPES = (
    "order.created",
    "order.paid",
    "order.cancelled",
    "order.closed_unpaid",
    "order.shipped",
    "dispute.opened",
    "chargeback.notified",
    "refund.requested",
)


@st.composite
def event_lists(draw, span_days: float, max_size: int = 30):
    """Distinct events of one buyer spread over ``span_days`` after T0.

    An order is created at most once (the orders stage drops a second creation) and no
    earlier than its other events: arrival order is arbitrary, event time is causal.
    """
    n = draw(st.integers(1, max_size))
    events = []
    created = set()
    for i in range(n):
        etype = draw(st.sampled_from(TYPES))
        order = draw(st.sampled_from([f"o-{k}" for k in range(8)]))
        if etype == "order.created":
            if order in created:
                etype = "order.paid"
            created.add(order)
        event = {
            "event_id": f"h-{i}",
            "type": etype,
            "occurred_at": at(minutes=draw(st.integers(0, int(span_days * 24 * 60)))),
            "marketplace": "taobao",
            "seller_id": draw(st.sampled_from(("s-1", "s-2", "s-3"))),
            "order_id": order,
            "buyer_id": "b-1",
        }
        if etype == "order.cancelled":
            event["actor"] = draw(st.sampled_from(("buyer", "seller", "system")))
        if etype == "order.created":
            event["amount"] = draw(st.sampled_from(("12.30", "7", "1500.05")))
            event["items"] = [
                {"sku": draw(st.sampled_from(("k", "m", "n"))), "quantity": draw(st.integers(1, 5))}
                for _ in range(draw(st.integers(0, 3)))
            ]
            event["due"] = draw(st.one_of(st.none(), st.integers(1, 3 * 24 * 60)))
        events.append(event)
    for event in events:
        if event["type"] == "order.created":
            same = [e["occurred_at"] for e in events if e["order_id"] == event["order_id"]]
            event["occurred_at"] = min(same)
            due = event.pop("due")
            if due is not None:  # the platform closes it then, unless a close comes first
                event["payment_deadline_at"] = format_epoch(epoch_of(min(same)) + due * 60)
    return events


def fold_all(events):
    state = None
    for event in events:
        state = win.fold(state, event, RETENTION, LONG)
    return state


def without_markers(state):
    # "z" may keep a marker for an order resolved twice (paid, then cancelled) when the
    # creation came first: harmless, expires after DEDUPE_DAYS, and not order-insensitive.
    return {k: v for k, v in state.items() if k != "z"}


def redeliverable(events):
    """The events whose redelivery the buyer state recognises: those within the dedupe
    window (DEDUPE_DAYS before the watermark's eviction period) of the final watermark."""
    wday = max(epoch_of(e["occurred_at"]) for e in events) // DAY
    recent = wday - wday % win.EVICT_DAYS - win.DEDUPE_DAYS + 1
    return [e for e in events if epoch_of(e["occurred_at"]) // DAY >= recent]


@st.composite
def reordered_with_redeliveries(draw, span_days: float):
    events = draw(event_lists(span_days))
    arrival = list(draw(st.permutations(events)))
    for event in draw(st.lists(st.sampled_from(redeliverable(events)), max_size=5)):
        arrival.insert(draw(st.integers(0, len(arrival))), dict(event))
    return events, arrival


@given(reordered_with_redeliveries(span_days=RETENTION - 1))
def test_folding_is_insensitive_to_arrival_order_within_the_horizon(case):
    events, arrival = case
    assert without_markers(fold_all(arrival)) == without_markers(fold_all(events))


@given(reordered_with_redeliveries(span_days=6 * RETENTION))
def test_folding_is_insensitive_to_arrival_order_even_across_evictions(case):
    events, arrival = case
    assert without_markers(fold_all(arrival)) == without_markers(fold_all(events))


@given(event_lists(span_days=1), st.data())
def test_redelivery_within_the_dedupe_window_never_changes_state(events, data):
    state = fold_all(events)
    before = copy.deepcopy(state)
    for event in data.draw(st.lists(st.sampled_from(events), min_size=1, max_size=10)):
        state = win.fold(state, dict(event), RETENTION, LONG)
    assert state == before


@given(reordered_with_redeliveries(span_days=8 * RETENTION))
def test_eviction_never_drops_an_event_inside_the_horizon(case):
    events, arrival = case
    state = fold_all(arrival)
    wday = state["w"] // DAY
    first = wday - RETENTION + 1
    inside = Counter(
        col
        for event in events
        if (col := win.column_of(event)) and epoch_of(event["occurred_at"]) // DAY >= first
    )
    for col in win.OUTCOMES.values():
        assert win.count(state, col, first, wday + 1) == inside[col]


@given(reordered_with_redeliveries(span_days=8 * RETENTION))
def test_eviction_never_drops_a_dispute_chargeback_or_payment_inside_the_long_horizon(case):
    events, arrival = case
    state = fold_all(arrival)
    wday = state["w"] // DAY
    period = wday - wday % win.EVICT_DAYS
    first = period - LONG + 1  # the oldest day the long rows keep
    for col in (win.DISPUTED, win.CHARGEBACK):
        inside = sum(
            1 for e in events
            if win.column_of(e) == col and epoch_of(e["occurred_at"]) // DAY >= first
        )
        kept = win.count(state, col, first, wday + 1) + sum(
            rows[i + (1 if col == win.DISPUTED else 2)]
            for rows in state.get("l", {}).values()
            for i in range(0, len(rows), longterm.L_WIDTH)
            if rows[i] >= first
        )
        assert kept == inside
    # payments older than the daily windows are kept per block: every block from the one
    # holding the long horizon's first day on is whole
    block = first // longterm.BLOCK_DAYS
    paid = sum(
        1 for e in events
        if win.column_of(e) == win.PAID
        and epoch_of(e["occurred_at"]) // DAY // longterm.BLOCK_DAYS >= block
    )
    kept = win.count(state, win.PAID, block * longterm.BLOCK_DAYS, wday + 1) + sum(
        rows[i + 1]
        for rows in state.get("p", {}).values()
        for i in range(0, len(rows), longterm.P_WIDTH)
        if rows[i] >= block
    )
    assert kept == paid


@given(reordered_with_redeliveries(span_days=8 * RETENTION))
def test_open_orders_hold_every_unresolved_order_inside_the_horizon(case):
    events, arrival = case
    state = fold_all(arrival)
    wday = state["w"] // DAY
    since = (wday - wday % win.EVICT_DAYS - RETENTION + 1) * DAY
    resolved: dict[str, int] = {}  # order -> its earliest resolution
    for e in events:
        if e["type"] in ("order.paid", "order.cancelled", "order.closed_unpaid"):
            t = epoch_of(e["occurred_at"])
            resolved[e["order_id"]] = min(t, resolved.get(e["order_id"], t))
    creations = [
        e for e in events
        if e["type"] == "order.created" and epoch_of(e["occurred_at"]) >= since
    ]
    due = {  # order -> its payment deadline (0: none)
        e["order_id"]: epoch_of(e.get("payment_deadline_at") or "1970-01-01T00:00:00Z")
        for e in creations
    }
    born = {e["order_id"]: epoch_of(e["occurred_at"]) for e in creations}
    # held: created inside the horizon and never resolved (its end: minus the seconds to
    # its deadline); a resolved one stays (its hold ending at its earliest resolution or
    # its deadline, whichever is first) until the watermark is more than RESOLVED_KEEP past
    expected = {o: born[o] - d if d else 0 for o, d in due.items() if o not in resolved}
    ends = {o: min(resolved[o], d) if d else resolved[o] for o, d in due.items() if o in resolved}
    expected.update((o, end) for o, end in ends.items() if end + RESOLVED_KEEP >= state["w"])
    opened = state.get("o", {})
    assert {o: entry[RESOLVED] for o, entry in opened.items()} == expected
    assert held(state)[0] == sum(1 for end in expected.values() if end <= 0)
    assert "o" not in state or opened  # never left empty
