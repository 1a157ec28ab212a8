from hypothesis import given
from hypothesis import strategies as st

from schemas.event import EVENT_TYPES, MARKETPLACES
from streams.core import eventids
from streams.core.eventids import pack, pack_under, unpack, unpack_under
from streams.core.replay import Replay
from streams.core.rules import load_rules

from .factories import at, make_event


def test_every_marketplace_and_event_type_has_a_code():
    assert set(eventids.MARKETPLACES) == MARKETPLACES
    assert set(eventids.TYPES) == EVENT_TYPES


def test_an_adapter_id_keeps_its_business_id_behind_three_characters():
    event_id = "taobao:order.created:3812345678901234567"
    assert pack(event_id) == "~20" + "3812345678901234567"
    assert unpack(pack(event_id)) == event_id
    assert pack("woocommerce:buyer.message:example.com:727:note").endswith(":727:note")


@given(st.text())
def test_every_id_comes_back_unchanged(event_id):
    assert unpack(pack(event_id)) == event_id


@given(
    st.sampled_from(eventids.MARKETPLACES),
    st.sampled_from(eventids.TYPES),
    st.text(),
)
def test_every_adapter_shaped_id_comes_back_unchanged(market, etype, business_id):
    event_id = f"{market}:{etype}:{business_id}"
    assert len(pack(event_id)) == 3 + len(business_id)
    assert unpack(pack(event_id)) == event_id


def test_ids_of_other_shapes_and_ids_kept_before_packing_are_read_as_they_are():
    for event_id in ("ev-2026-0005313", "shopify:order.created", "acme:order.created:1",
                     "evt_1NG8Du2eZvKYlo2CjGF1l3kd", ""):
        assert pack(event_id) == event_id
        assert unpack(event_id) == event_id
    assert pack("~x") == "~~x" and unpack("~~x") == "~x"
    assert unpack(None) is None and unpack(7) == 7  # a damaged state is not our id to fix


def test_the_state_keeps_packed_ids_and_alerts_name_the_real_ones():
    engine = Replay(load_rules())
    alerts = []
    ids = []
    for day in range(3):
        first = make_event("order.created", when=at(day), order=f"38{day}",
                           event_id=f"tmall:order.created:38{day}")
        close = make_event("order.closed_unpaid", when=at(day, hours=25), order=f"38{day}",
                           event_id=f"tmall:order.closed_unpaid:38{day}")
        ids.append(close["event_id"])
        alerts += engine.feed(first) + engine.feed(close)
    burst = [a for a in alerts if a["rule_id"] == "nonpayment_burst"]
    assert burst and burst[-1]["evidence_event_ids"] == ids
    kept = engine.buyers["b-1"]["e"]["s-1"]
    assert [entry[2] for entry in kept] == ["~13380", "~13381", "~13382"]


@given(st.text(), st.text())
def test_an_id_kept_under_any_tail_comes_back_unchanged(event_id, tail):
    assert unpack_under(pack_under(event_id, tail), tail) == event_id


@given(st.sampled_from(eventids.MARKETPLACES), st.sampled_from(eventids.TYPES), st.text())
def test_an_adapter_id_kept_under_its_business_id_is_three_characters(market, etype, business):
    event_id = f"{market}:{etype}:{business}"
    assert len(pack_under(event_id, business)) == 3
    assert unpack_under(pack_under(event_id, business), business) == event_id


def test_an_id_not_ending_with_its_tail_is_kept_whole():
    assert pack_under("tmall:order.created:381", "382") == pack("tmall:order.created:381")
    assert pack_under("a10xyz", "xyz") == "a10xyz"  # not packed: the code is not ours
    assert pack_under("~10xyz", "xyz") == "~~10xyz"
    # a whole packed id, as states kept it before this layout, still reads under any tail
    assert unpack_under(pack("tmall:order.created:381"), "381") == "tmall:order.created:381"
