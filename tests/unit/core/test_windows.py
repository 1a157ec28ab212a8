import copy
from zlib import crc32

import orjson
import pytest

from streams.core import windows as win
from streams.core.bursts import fire_levels, fired_at
from streams.core.evidence import EVIDENCE_CAP, evidence
from streams.core.fields import DAY, epoch_of, format_epoch
from streams.core.holdings import ORDERS_CAP, RESOLVED, RESOLVED_KEEP, held, held_at
from streams.core.layout import dedupe_key

from .factories import T0, at, make_event

RETENTION = 7
T0_DAY = int(T0.timestamp()) // DAY


def fold_all(events, state=None, retention=RETENTION):
    for event in events:
        state = win.fold(state, event, retention)
    return state


def after(seconds):
    """The time ``seconds`` after T0 (RFC 3339)."""
    return format_epoch(epoch_of(at()) + seconds)


def resolutions(state):
    """When each order of ``o`` was resolved (0: not yet)."""
    return {order_id: entry[RESOLVED] for order_id, entry in state.get("o", {}).items()}


@pytest.mark.parametrize(
    ("ts", "day"),
    [
        ("1970-01-01T00:00:00Z", 0),
        ("1970-01-01T23:59:59Z", 0),
        ("1970-01-02T00:00:00Z", 1),
        ("2026-10-05T08:00:00Z", 20731),
        ("2026-10-05T23:30:00-01:00", 20732),  # next UTC day
    ],
)
def test_bucket_of_is_the_utc_day(ts, day):
    assert win.bucket_of(epoch_of(ts)) == day


@pytest.mark.parametrize(
    ("etype", "overrides", "column"),
    [
        ("order.created", {}, win.CREATED),
        ("order.paid", {}, win.PAID),
        ("order.cancelled", {"actor": "buyer"}, win.CANCELLED),
        ("order.cancelled", {"actor": None}, win.CANCELLED),
        ("order.cancelled", {"actor": "seller"}, 0),
        ("order.cancelled", {"actor": "platform"}, 0),
        ("order.closed_unpaid", {}, win.CLOSED_UNPAID),
        ("dispute.opened", {"dispute_id": "d-1"}, win.DISPUTED),
        ("chargeback.notified", {"amount": "9.00", "currency": "USD"}, win.CHARGEBACK),
        ("refund.requested", {"amount": "9.00", "currency": "USD"}, win.REFUND),
        ("order.shipped", {}, 0),
        ("payment.reminder_sent", {"actor": "system", "channel": "system"}, 0),
    ],
)
def test_fold_counts_each_event_in_its_outcome_column(etype, overrides, column):
    event = make_event(etype, **overrides)
    if overrides.get("actor", "") is None:
        del event["actor"]
    state = win.new_state()
    assert win.apply(state, event, RETENTION) == column
    for col in win.OUTCOMES.values():
        expected = 1 if col == column else 0
        assert win.count(state, col, T0_DAY, T0_DAY + 1) == expected


def test_count_is_per_seller_or_across_sellers_over_a_half_open_day_range():
    events = [
        make_event("order.closed_unpaid", seller="s-1", when=at(0)),
        make_event("order.closed_unpaid", seller="s-1", when=at(1)),
        make_event("order.closed_unpaid", seller="s-2", when=at(1)),
        make_event("order.closed_unpaid", seller="s-2", when=at(3)),
    ]
    state = fold_all(events)
    col = win.CLOSED_UNPAID
    assert win.count(state, col, T0_DAY, T0_DAY + 7) == 4
    assert win.count(state, col, T0_DAY, T0_DAY + 7, seller="s-1") == 2
    assert win.count(state, col, T0_DAY + 1, T0_DAY + 3) == 2
    assert win.count(state, col, T0_DAY + 1, T0_DAY + 4, seller="s-2") == 2
    assert win.count(state, col, T0_DAY, T0_DAY + 7, seller="s-9") == 0


def test_redelivered_event_changes_nothing():
    event = make_event("order.closed_unpaid")
    state = fold_all([make_event("order.created"), event])
    before = copy.deepcopy(state)
    assert win.apply(state, dict(event), RETENTION) == 0
    assert state == before


def test_late_event_lands_in_its_own_bucket():
    state = fold_all([make_event(when=at(3)), make_event(when=at(1)), make_event(when=at(2))])
    assert win.count(state, win.CREATED, T0_DAY + 1, T0_DAY + 2) == 1
    assert win.count(state, win.CREATED, T0_DAY + 2, T0_DAY + 3) == 1
    days = state["s"]["s-1"][:: win.WIDTH]
    assert days == sorted(days) == [T0_DAY + 1, T0_DAY + 2, T0_DAY + 3]
    assert state["w"] == epoch_of(at(3))


def test_watermark_is_event_time_never_the_wall_clock():
    state = fold_all([make_event(when="2020-01-01T00:00:00Z")])
    assert state["w"] == epoch_of("2020-01-01T00:00:00Z")
    assert win.count(state, win.CREATED, 0, 10**6) == 1


def test_event_older_than_the_retention_is_dropped():
    state = fold_all([make_event(when=at(30))])
    assert win.apply(state, make_event(when=at(30 - 2 * RETENTION - win.EVICT_DAYS)), 7) == 0
    assert win.count(state, win.CREATED, 0, 10**6) == 1


def test_eviction_follows_the_watermark_and_keeps_the_horizon():
    state = fold_all([make_event("order.closed_unpaid", when=at(d)) for d in range(0, 40, 3)])
    first = win.cutoff(state, RETENTION)
    wday = state["w"] // DAY
    assert first <= wday - RETENTION + 1  # the whole horizon is still there
    assert first > wday - RETENTION - win.EVICT_DAYS  # and not much more
    assert min(state["s"]["s-1"][:: win.WIDTH]) >= first
    kept = win.count(state, win.CLOSED_UNPAID, first, wday + 1)
    assert kept == win.count(state, win.CLOSED_UNPAID, 0, 10**6)
    assert all(entry[0] >= first * DAY for entry in state["e"]["s-1"])


def test_state_is_plain_json_and_survives_a_round_trip_mid_stream():
    events = [make_event(when=at(d / 3)) for d in range(12)]
    events += [make_event("order.closed_unpaid", when=at(d / 2)) for d in range(6)]
    whole = fold_all(events)
    half = fold_all(events[:9])
    resumed = fold_all(events[9:], orjson.loads(orjson.dumps(half)))
    assert resumed == whole


def test_dedupe_memory_is_bounded():
    state = fold_all([make_event("order.paid", when=at(minutes=m)) for m in range(200)])
    assert len(state["k"]) == win.DEDUPE_CAP * win.KEY_WIDTH
    assert win.count(state, win.PAID, T0_DAY, T0_DAY + 1) == 200


def test_ids_are_forgotten_after_the_dedupe_days():
    state = fold_all([make_event("order.paid", when=at(0)), make_event("order.paid", when=at(20))])
    assert len(state["k"]) == win.KEY_WIDTH


def test_dedupe_keys_sort_as_their_days_and_crcs_do():
    pairs = [(0, 0), (1, 0), (20_736, 0), (20_736, 1), (20_736, 2**32 - 1), (20_737, 5),
             (2**16 - 1, 2**32 - 1)]
    keys = [dedupe_key(day, crc) for day, crc in pairs]
    assert all(len(key) == win.KEY_WIDTH for key in keys)
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_a_state_with_the_old_hex_keys_still_dedupes_its_events():
    events = [make_event("order.paid", when=at(minutes=m)) for m in range(5)]
    state = fold_all(events)
    old = dict(state)
    del old["k"]  # the layout before: event second and crc32 as 16 hex digits, in "i"
    old["i"] = "".join(
        ((epoch_of(e["occurred_at"]) << 32) | crc32(e["event_id"].encode())).to_bytes(8, "big")
        .hex()
        for e in events
    )
    old = orjson.loads(orjson.dumps(old))
    for event in events:
        assert win.apply(old, event, RETENTION) == 0
    assert old == state


def test_evidence_keeps_the_latest_notable_event_ids_per_outcome():
    closes = [make_event("order.closed_unpaid", when=at(hours=h)) for h in range(12)]
    state = fold_all([*closes, make_event("order.cancelled", when=at(hours=1))])
    ids = evidence(state, win.CLOSED_UNPAID, 0, 2**40)
    assert ids == [e["event_id"] for e in closes[-EVIDENCE_CAP:]]
    assert len(evidence(state, win.CANCELLED, 0, 2**40)) == 1
    assert evidence(state, win.CLOSED_UNPAID, 0, 2**40, seller="s-9") == []


def test_open_unpaid_orders_hold_units_and_value_until_resolved():
    a = make_event("order.created", order="o-a", amount="25.00")
    b = make_event("order.created", order="o-b", seller="s-2", amount="10.50", items=[])
    state = fold_all([a, b])
    assert held(state) == (2, 3, 3550)
    assert held(state, "s-2") == (1, 1, 1050)
    state = fold_all([make_event("order.paid", order="o-a", when=after(60))], state)
    assert held(state) == (1, 1, 1050)
    state = fold_all([make_event("order.cancelled", order="o-b", actor="seller")], state)
    assert held(state) == (0, 0, 0)
    # a resolved order stays RESOLVED_KEEP seconds (by the watermark) past its resolution,
    # for the rules that ask what was held at an earlier event time
    t0 = epoch_of(at())
    assert resolutions(state) == {"o-a": t0 + 60, "o-b": t0}
    assert held_at(state, "s-1", t0) == [state["o"]["o-a"]]  # paid a minute later
    assert held_at(state, "s-1", t0 + 60) == []
    assert held_at(state, "s-2", t0) == []  # cancelled as it was placed
    # disputes move the watermark and hold nothing
    dispute = make_event("dispute.opened", order="o-c", when=after(RESOLVED_KEEP), dispute_id="d")
    state = fold_all([dispute], state)
    assert resolutions(state) == {"o-a": t0 + 60, "o-b": t0}  # RESOLVED_KEEP past o-b: kept
    dispute = make_event("dispute.opened", order="o-d", when=after(RESOLVED_KEEP + 1),
                         dispute_id="e")
    state = fold_all([dispute], state)
    assert resolutions(state) == {"o-a": t0 + 60}
    dispute = make_event("dispute.opened", order="o-e", when=after(RESOLVED_KEEP + 61),
                         dispute_id="f")
    state = fold_all([dispute], state)
    assert "o" not in state
    assert held(state) == (0, 0, 0)


def test_a_buyer_past_the_orders_cap_loses_the_earliest_resolved_then_the_oldest_unpaid():
    flood = [make_event("order.created", order=f"o-{i:03d}", when=after(i)) for i in range(100)]
    state = fold_all(flood)
    assert sorted(state["o"]) == [f"o-{i:03d}" for i in range(100 - ORDERS_CAP, 100)]
    assert held(state)[0] == ORDERS_CAP
    size = len(orjson.dumps(state))
    state = fold_all([make_event("order.created", order=f"o-{i}", when=after(i))
                      for i in range(100, 1000)], state)
    assert len(orjson.dumps(state)) < size + 200  # a thousand orders: the same size
    # a paid order goes before any unpaid one, however old the unpaid ones are
    paid = [make_event("order.paid", order=f"o-{i}", when=after(2000 + i)) for i in (990, 980)]
    state = fold_all([*paid, make_event("order.created", order="o-new", when=after(3000))],
                     state)
    assert "o-980" not in state["o"] and "o-990" in state["o"]  # 980 was resolved earlier
    assert "o-937" in state["o"] and len(state["o"]) == ORDERS_CAP


def test_resolutions_of_unknown_orders_are_capped_too():
    closes = [make_event("order.closed_unpaid", order=f"o-{i:03d}", when=after(i))
              for i in range(200)]
    state = fold_all(closes)
    assert sorted(state["z"]) == [f"o-{i:03d}" for i in range(200 - ORDERS_CAP, 200)]


def test_a_resolution_far_behind_the_watermark_drops_the_order_at_once():
    a = make_event("order.created", order="o-a")
    later = make_event("order.created", order="o-b", when=after(RESOLVED_KEEP + 3600))
    state = fold_all([a, later, make_event("order.paid", order="o-a", when=at(minutes=30))])
    assert resolutions(state) == {"o-b": 0}  # o-a resolved over RESOLVED_KEEP behind: gone
    assert held(state) == (1, 2, 2500)


def test_a_later_resolution_does_not_move_an_earlier_one():
    a = make_event("order.created", order="o-a")
    half, quarter = RESOLVED_KEEP // 2, RESOLVED_KEEP // 4
    state = fold_all([a, make_event("order.paid", order="o-a", when=after(half))])
    assert resolutions(state) == {"o-a": epoch_of(at()) + half}
    state = fold_all([make_event("order.closed_unpaid", order="o-a", when=after(quarter))],
                     state)
    assert resolutions(state) == {"o-a": epoch_of(at()) + quarter}  # the earliest one
    cancel = make_event("order.cancelled", order="o-a", when=after(RESOLVED_KEEP))
    state = fold_all([cancel], state)
    assert resolutions(state) == {"o-a": epoch_of(at()) + quarter}


def test_order_resolved_before_its_creation_arrives_never_holds_stock():
    state = fold_all(
        [make_event("order.closed_unpaid", order="o-x"), make_event("order.created", order="o-x")]
    )
    assert held(state) == (0, 0, 0)
    assert "z" not in state
    assert resolutions(state) == {"o-x": epoch_of(at())}  # recently resolved: kept, as such
    assert held_at(state, "s-1", epoch_of(at())) == []


def test_a_creation_long_after_its_resolution_is_not_kept():
    state = fold_all([
        make_event("order.closed_unpaid", order="o-x"),
        make_event("order.paid", order="o-y", when=after(RESOLVED_KEEP + 1)),  # watermark
        make_event("order.created", order="o-x"),
    ])
    assert "o" not in state
    assert set(state["z"]) == {"o-y"}


@pytest.mark.parametrize("ts", ["1969-12-31T23:59:59Z", "2200-01-01T00:00:00Z"])
def test_timestamps_outside_the_key_range_are_ignored(ts):
    # validate_event refuses these; the fold stays safe with whatever it is handed
    event = {**make_event(), "occurred_at": ts}
    state = win.new_state()
    assert win.apply(state, event, RETENTION) == 0
    assert state == win.new_state()


def test_fired_episodes_name_the_rule_by_its_short_code_and_old_keys_still_count():
    state = win.new_state()
    assert fire_levels(state, "nonpayment_burst|s-1", 20_736, 2) == [2]
    assert state["f"] == {"nb|s-1": [[20_736, 2]]}
    old = {"w": 0, "s": {}, "k": "", "f": {"order_flood|s-1": [[20_736, 2]]}}  # before codes
    assert fired_at(old, "order_flood|s-1", 20_736) == 2
    assert fire_levels(old, "order_flood|s-1", 20_736, 2) == []
    assert fire_levels(old, "order_flood|s-1", 20_736, 3) == [3]
    assert old["f"] == {"of|s-1": [[20_736, 3]]}


def test_an_unpaid_order_holds_stock_until_its_payment_deadline_at_most():
    t0 = epoch_of(at())
    due = make_event("order.created", order="o-a", payment_deadline_at=after(7200))
    state = fold_all([due])
    assert resolutions(state) == {"o-a": -7200}  # not resolved: minus the time to its deadline
    assert held(state) == (1, 2, 2500)  # no close has come: the state still counts it
    assert held_at(state, "s-1", t0 + 7199) == [state["o"]["o-a"]]
    assert held_at(state, "s-1", t0 + 7200) == []  # the platform closes it then
    # a resolution before the deadline ends the hold then; a later one, at the deadline
    paid = fold_all([make_event("order.paid", order="o-a", when=after(60))],
                    fold_all([dict(due)]))
    assert resolutions(paid) == {"o-a": t0 + 60}
    late = fold_all([make_event("order.closed_unpaid", order="o-a", when=after(9000))],
                    fold_all([dict(due)]))
    assert resolutions(late) == {"o-a": t0 + 7200}


def test_a_resolution_before_the_creation_and_a_deadline_end_the_hold_at_the_earlier():
    t0 = epoch_of(at())
    close = make_event("order.closed_unpaid", order="o-a", when=after(9000))
    created = make_event("order.created", order="o-a", payment_deadline_at=after(7200))
    assert resolutions(fold_all([close, created])) == {"o-a": t0 + 7200}
    assert resolutions(fold_all([created, close])) == {"o-a": t0 + 7200}


def test_a_deadline_at_or_before_the_creation_is_ignored():
    state = fold_all([make_event("order.created", order="o-a", payment_deadline_at=at())])
    assert resolutions(state) == {"o-a": 0}
