from __future__ import annotations

import json

import pytest

from schemas.event import validate_event
from streams.adapters import normalize
from streams.errors import InvalidEvent
from tests.unit.adapters.adapter_fixtures import derived_topics, hook, sample_content, tmc_message

TAOBAO = derived_topics("taobao/tmc_trade_refund_topics__fields_DERIVED.json")
ALIEXPRESS = derived_topics("aliexpress/tmc_order_topics__fields_DERIVED.json")
BIG_TID = "4000000000000000001"  # > 2^53: a float would round it
SELLER = "2200000000001"
ENVELOPE_TIME_UTC = "2026-03-01T02:00:05Z"  # "2026-03-01 10:00:05" China time
MODIFIED_UTC = "2026-03-01T02:00:00Z"  # "2026-03-01 10:00:00" China time


def taobao(topic, envelope=None, **content_values):
    content = sample_content(TAOBAO[topic]["fields"], **content_values)
    return run("taobao", tmc_message(topic, content, **(envelope or {})))


def aliexpress(topic, **content_values):
    content = sample_content(ALIEXPRESS[topic]["fields"], **content_values)
    return run("aliexpress", tmc_message(topic, content))


def run(platform, message):
    outcome = normalize(hook(platform, message))
    for event in outcome.events:
        validate_event(dict(event))
    return outcome


TAOBAO_MAPPED = {
    "taobao_trade_TradeCreate": ({}, "order.created", None),
    "taobao_trade_TradeBuyerPay": ({}, "order.paid", None),
    "taobao_trade_TradeClose": (
        {"status": "TRADE_CLOSED_BY_TAOBAO"},
        "order.closed_unpaid",
        "platform",
    ),
    "taobao_trade_TradeChanged": ({"status": "WAIT_SELLER_SEND_GOODS"}, "order.paid", None),
    "taobao_trade_TradeSellerShip": ({}, "order.shipped", None),
    "taobao_trade_TradeSuccess": ({}, "order.delivered", None),
    "taobao_refund_RefundCreated": ({}, "refund.requested", "buyer"),
    "taobao_refund_RefundSuccess": ({}, "refund.completed", None),
    "taobao_refund_TaobaoInterApplied": ({}, "dispute.opened", "buyer"),
    "taobao_refund_TaobaoIntervened": ({}, "dispute.opened", None),
}


@pytest.mark.parametrize("topic", sorted(TAOBAO_MAPPED))
def test_taobao_topic_maps_to_its_canonical_type(topic):
    values, etype, actor = TAOBAO_MAPPED[topic]
    [event] = taobao(topic, **values).events
    assert (event["type"], event.get("actor")) == (etype, actor)
    assert (event["marketplace"], event["seller_id"]) == ("taobao", SELLER)
    assert event["order_id"] == BIG_TID
    assert event["buyer_id"] == "taobao:buyer_open_uid-value"
    if topic.startswith("taobao_refund_"):
        id_field = "dispute_id" if etype.startswith("dispute.") else "refund_id"
        assert event[id_field] == "7"  # refund_id from the DERIVED schema (number)
        assert event["event_id"] == f"taobao:{etype}:7"
        assert (event["amount"], event["currency"]) == ("129.90", "CNY")
        assert event["occurred_at"] == MODIFIED_UTC == event["source_updated_at"]
        assert event["reason"] == "bill_type-value"
    else:
        assert event["event_id"] == f"taobao:{etype}:{BIG_TID}"
        assert event["occurred_at"] == ENVELOPE_TIME_UTC


def test_taobao_trade_create_carries_amount_in_cny():
    [event] = taobao("taobao_trade_TradeCreate").events
    assert (event["amount"], event["currency"]) == ("129.90", "CNY")


@pytest.mark.parametrize("topic", ["taobao_trade_TradeBuyerPay", "taobao_refund_RefundSuccess"])
def test_a_message_without_money_names_no_currency(topic):
    field = "refund_fee" if "refund" in topic else "payment"
    [event] = taobao(topic, **{field: None}).events
    assert "amount" not in event and "currency" not in event


@pytest.mark.parametrize(
    ("status", "etype"),
    [
        ("TRADE_CLOSED_BY_TAOBAO", "order.closed_unpaid"),
        ("TRADE_CLOSED", "order.cancelled"),
        (None, "order.cancelled"),
    ],
)
def test_taobao_trade_close_before_payment_is_closed_unpaid(status, etype):
    [event] = taobao("taobao_trade_TradeClose", status=status).events
    assert (event["type"], event["actor"]) == (etype, "platform")


def test_taobao_trade_changed_without_a_telling_status_yields_nothing():
    assert taobao("taobao_trade_TradeChanged", status="WAIT_BUYER_PAY").events == []


@pytest.mark.parametrize("topic", sorted(set(TAOBAO) - set(TAOBAO_MAPPED)))
def test_taobao_unmapped_topics_are_reported_not_lost(topic):
    outcome = taobao(topic)
    assert (outcome.unknown_topic, outcome.events) == (topic, [])
    assert "taobao:message:7356180000000000001" in outcome.dedupe_keys


def test_tmall_shop_is_marked_by_the_envelope():
    [event] = taobao("taobao_trade_TradeCreate", envelope={"marketplace": "tmall"}).events
    assert event["marketplace"] == "tmall"
    assert event["event_id"] == f"tmall:order.created:{BIG_TID}"


def test_buyer_nick_is_the_fallback_buyer_identity():
    [event] = taobao("taobao_trade_TradeCreate", buyer_open_uid=None, buyer_nick="tb_buyer").events
    assert event["buyer_id"] == "taobao:nick:tb_buyer"


def test_envelope_time_with_an_offset_is_respected():
    outcome = taobao("taobao_trade_TradeBuyerPay", envelope={"time": "2026-03-01T10:00:05+09:00"})
    assert outcome.events[0]["occurred_at"] == "2026-03-01T01:00:05Z"


def test_content_already_decoded_by_the_relay_is_accepted():
    content = sample_content(TAOBAO["taobao_trade_TradeCreate"]["fields"])
    message = tmc_message("taobao_trade_TradeCreate", content)
    message["content"] = content
    assert run("taobao", message).events[0]["order_id"] == BIG_TID


def test_big_tid_in_a_content_string_stays_exact():
    message = tmc_message("taobao_trade_TradeCreate", {})
    message["content"] = '{"tid": 9007199254740993, "payment": "1.00", "buyer_open_uid": "u"}'
    assert run("taobao", message).events[0]["order_id"] == "9007199254740993"


def test_trade_create_without_payment_is_invalid():
    with pytest.raises(InvalidEvent, match="amount"):
        taobao("taobao_trade_TradeCreate", payment=None)


def test_message_without_tid_is_invalid():
    with pytest.raises(InvalidEvent, match="tid"):
        taobao("taobao_trade_TradeBuyerPay", tid=None)


def test_unknown_marketplace_in_envelope_is_invalid():
    with pytest.raises(InvalidEvent, match="marketplace"):
        taobao("taobao_trade_TradeCreate", envelope={"marketplace": "jd"})


def test_content_that_is_not_json_is_invalid():
    message = tmc_message("taobao_trade_TradeCreate", {})
    message["content"] = "{not json"
    with pytest.raises(InvalidEvent, match="content"):
        run("taobao", message)


def test_redelivered_message_has_the_same_dedupe_keys_and_events():
    first = taobao("taobao_trade_TradeBuyerPay")
    again = taobao("taobao_trade_TradeBuyerPay")
    assert (first.dedupe_keys, first.events) == (again.dedupe_keys, again.events)


ALIEXPRESS_MAPPED = {
    "aliexpress_order_RiskControl": "order.paid",
    "aliexpress_order_WaitSellerExamineMoney": "order.paid",
    "aliexpress_order_WaitGroupSuccess": "order.paid",
    "aliexpress_order_WaitSellerSendGoods": "order.paid",
    "aliexpress_order_AllFulfillmentOrderCreated": "order.paid",
    "aliexpress_order_SellerPartSendGoods": "order.shipped",
    "aliexpress_order_AllSellerPartSendGoods": "order.shipped",
    "aliexpress_order_WaitBuyerAcceptGoods": "order.shipped",
    "aliexpress_order_AllWaitBuyerAcceptGoods": "order.shipped",
    "aliexpress_order_InCancel": "order.cancelled",
    "aliexpress_order_Finish": "order.delivered",
    "aliexpress_order_AllFinish": "order.delivered",
}


@pytest.mark.parametrize("topic", sorted(ALIEXPRESS_MAPPED))
def test_aliexpress_status_topic_maps_to_a_thin_event(topic):
    [event] = aliexpress(
        topic, order_id="8190000000000001", order_change_time="2026-03-01 09:00:00"
    ).events
    assert event["type"] == ALIEXPRESS_MAPPED[topic]
    assert event["event_id"] == f"aliexpress:{ALIEXPRESS_MAPPED[topic]}:8190000000000001"
    assert (event["order_id"], event["seller_id"]) == ("8190000000000001", SELLER)
    assert event["occurred_at"] == "2026-03-01T01:00:00Z"
    assert "buyer_id" not in event  # thin: the orders stage resolves the buyer


@pytest.mark.parametrize(
    ("last_status", "etype", "actor"),
    [
        ("PLACE_ORDER_SUCCESS", "order.closed_unpaid", "platform"),
        ("PAYMENT_PROCESSING", "order.closed_unpaid", "platform"),
        ("IN_CANCEL", "order.cancelled", "buyer"),
        ("FUND_PROCESSING", "order.delivered", None),
    ],
)
def test_aliexpress_finish_is_read_through_its_last_status(last_status, etype, actor):
    [event] = aliexpress("aliexpress_order_Finish", last_status=last_status).events
    assert (event["type"], event.get("actor"), event["last_status"]) == (etype, actor, last_status)


def test_aliexpress_in_cancel_is_a_buyer_cancel():
    [event] = aliexpress("aliexpress_order_InCancel").events
    assert (event["actor"], event["reason"]) == ("buyer", "IN_CANCEL")


def test_aliexpress_place_order_without_buyer_is_dead_lettered_for_enrichment():
    outcome = aliexpress("aliexpress_order_PlaceOrderSuccess")
    assert (outcome.unknown_topic, outcome.events) == ("aliexpress_order_PlaceOrderSuccess", [])


def test_aliexpress_place_order_enriched_by_the_relay_is_order_created():
    [event] = aliexpress(
        "aliexpress_order_PlaceOrderSuccess",
        buyer_login_id="cn1234",
        amount="35.20",
        currency="USD",
    ).events
    assert (event["type"], event["buyer_id"]) == ("order.created", "aliexpress:cn1234")
    assert (event["amount"], event["currency"]) == ("35.20", "USD")


@pytest.mark.parametrize(
    "topic",
    sorted(set(ALIEXPRESS) - set(ALIEXPRESS_MAPPED) - {"aliexpress_order_PlaceOrderSuccess"}),
)
def test_aliexpress_unmapped_topics_are_reported(topic):
    assert aliexpress(topic).unknown_topic == topic


def test_aliexpress_message_id_is_a_dedupe_key():
    keys = aliexpress("aliexpress_order_Finish").dedupe_keys
    assert "aliexpress:message:7356180000000000001" in keys


def test_tmc_message_without_topic_is_invalid():
    with pytest.raises(InvalidEvent, match="topic"):
        normalize(hook("aliexpress", json.dumps({"content": "{}"}).encode()))


def test_tid_beyond_64_bits_is_refused_rather_than_rounded():
    message = tmc_message("taobao_trade_TradeCreate", {})
    message["content"] = '{"tid": 18446744073709551617, "payment": "1.00", "buyer_open_uid": "u"}'
    with pytest.raises(InvalidEvent, match="tid must be an integer or a string"):
        run("taobao", message)
