"""off_platform_payment: a buyer's message asking to pay outside the platform."""

import dataclasses

import pytest

from schemas.alert import validate_alert
from streams.core.buyers import step_buyer
from streams.core.lists import ListBook, ListEntry
from streams.core.offplatform import MAX_TEXT, off_platform_request
from streams.core.replay import Replay
from streams.core.rules import load_rules
from streams.errors import ConfigError

from .factories import T0, at, created, make_event

RULES = load_rules()


def message(text, buyer="b-1", when=None, seller="s-1", order=None, **overrides):
    return make_event("buyer.message", buyer, when or at(hours=1), seller, order, text=text,
                      **overrides)


@pytest.mark.parametrize(("text", "expected"), [
    # asking by itself, in any spacing or width
    ("亲，加我微信，微信转账给你便宜点", "微信转账"),
    ("可以 私下 交易吗", "私下交易"),
    ("我们线下交易吧，不走平台", "线下交易"),
    ("支付宝转账可以吗", "支付宝转账"),
    ("Can you accept Zelle?", "zelle"),
    ("pls send via PayPal Friends & Family", "friends & family"),
    ("ＷＥＳＴＥＲＮ　ＵＮＩＯＮ ok?", "western union"),
    ("I can pay you outside the platform, cheaper for both", "outside the platform"),
    ("I'll send you the money directly", "send you the money directly"),
    ("Могу оплатить напрямую? Переведу на карту, так дешевле", "переведу на карту"),
    ("Posso pagar por fora? Faço um PIX direto", "pagar por fora"),
    ("¿Te pago directamente por Bizum?", "te pago directamente"),
    ("Paiement HORS PLATEFORME possible ?", "hors plateforme"),
    ("Me chama no zap pra combinar o pagamento", "me chama no … pagamento"),
    ("Напишите в телеграм, оплата там", "телеграм … оплата"),
    # taking the talk elsewhere, with a word about paying
    ("Add me on WhatsApp, I will pay you there", "whatsapp … pay"),
    ("加v 付款", "加v … 付款"),
    ("我的微信号 abc123，红包发你", "微信号 … 红包"),
    # not asking it
    ("add me on whatsapp for the size chart", None),  # a hand-off, nothing about paying
    ("请加我微信发一下发票", None),
    ("可以用支付宝付款吗？", None),  # Alipay is how Taobao and AliExpress take payment
    ("I paid with PayPal, when will it ship?", None),
    ("Is bank transfer available?", None),  # WooCommerce shops offer it at checkout
    ("Can I use WeChat payment at checkout?", None),
    ("I love this gazelle figure", None),  # whole words: no zelle in it
    ("Quando vai chegar? Pagamento via PIX aprovado", None),  # PIX at AliExpress's checkout
    ("Когда отправите заказ? Оплата прошла", None),
    ("¿Cuándo llega mi pedido? Ya pagué con tarjeta", None),
    ("Le colis est arrivé, merci !", None),
    ("什么时候发货", None),
    ("", None),
    (None, None),
    (42, None),
])
def test_off_platform_request_finds_the_phrase_that_asks_it(text, expected):
    assert off_platform_request(text) == expected


def test_only_the_start_of_a_long_message_is_read():
    assert off_platform_request("x" * MAX_TEXT + " zelle ok") is None  # past MAX_TEXT
    assert off_platform_request("x" * (MAX_TEXT - 10) + " zelle ok") == "zelle"


def test_a_shops_own_phrases_count_too():
    assert off_platform_request("ok to pay by PayPal gift?") is None
    assert off_platform_request("ok to pay by PayPal gift?", ("paypal gift",)) == "paypal gift"
    assert off_platform_request("可以用礼品卡吗", ("礼品 卡",)) == "礼品 卡"


def test_a_message_asking_to_pay_off_the_platform_raises_a_medium_alert_that_says_why():
    event = message("亲，不走平台，微信转账给你便宜点", order="o-7")
    state, alerts = step_buyer(None, event, RULES)
    (alert,) = alerts
    validate_alert(alert)
    assert alert["rule_id"] == "off_platform_payment"
    assert alert["severity"] == "medium"
    assert alert["buyer_ids"] == ["b-1"] and alert["seller_id"] == "s-1"
    assert alert["order_id"] == "o-7"
    assert alert["evidence_event_ids"] == [event["event_id"]]
    assert alert["recommended_actions"] == ["decline_off_platform_payment", "collect_evidence"]
    assert alert["explanation"] == (
        'Buyer b-1 asked to pay outside the platform at shop s-1 about order o-7 ("不走平台"): '
        "refuse and keep the messages; a payment made off the platform has none of its "
        "protection.")
    assert state["w"] == 0 and state["s"] == {}  # a message counts in no window


def test_it_fires_once_a_day_per_shop_and_a_redelivery_changes_nothing():
    first = message("Zelle ok?", when=at(hours=1))
    state, alerts = step_buyer(None, first, RULES)
    assert len(alerts) == 1
    for again in (first, message("western union then?", when=at(hours=3))):
        state, raised = step_buyer(state, again, RULES)
        assert raised == []
    state, other_shop = step_buyer(state, message("Zelle ok?", seller="s-2"), RULES)
    state, next_day = step_buyer(state, message("Zelle ok?", when=at(days=1, hours=1)), RULES)
    ids = {a["alert_id"] for a in alerts + other_shop + next_day}
    assert len(other_shop) == len(next_day) == 1 and len(ids) == 3


def test_the_same_messages_give_the_same_alert_id_in_any_order():
    a, b = message("Zelle ok?", when=at(hours=1)), message("venmo?", when=at(hours=2))
    _, first = step_buyer(None, a, RULES)
    _, second = step_buyer(step_buyer(None, b, RULES)[0], a, RULES)
    assert step_buyer(None, b, RULES)[1][0]["alert_id"] == first[0]["alert_id"]
    assert second == []


def test_other_messages_raise_nothing_and_change_nothing():
    state, _ = step_buyer(None, created("b-1", at()), RULES)
    before = repr(state)
    state, alerts = step_buyer(state, message("什么时候发货？"), RULES)
    assert alerts == [] and repr(state) == before


def test_a_disabled_rule_never_fires_and_extra_phrases_are_read_from_the_rules():
    off = dataclasses.replace(RULES, off_platform_payment=dataclasses.replace(
        RULES.off_platform_payment, enabled=False))
    assert step_buyer(None, message("Zelle ok?"), off)[1] == []
    extra = dataclasses.replace(RULES, off_platform_payment=dataclasses.replace(
        RULES.off_platform_payment, extra_phrases=("paypal gift",)))
    assert len(step_buyer(None, message("PayPal gift ok?"), extra)[1]) == 1


def test_an_allow_listed_buyers_alert_is_suppressed():
    lists = ListBook()
    entry = ListEntry("allow", "b-1", "s-1", "wholesale partner", "alice",
                      int(T0.timestamp()) - 100, None)
    lists.apply(entry.key, entry.to_dict())
    (alert,) = step_buyer(None, message("Zelle ok?"), RULES, lists)[1]
    assert alert["suppressed"]["reason"] == "wholesale partner"


def test_replay_resolves_the_buyer_of_a_message_that_names_only_its_order():
    order = created("b-9", at(), order_id="o-42")
    thin = message("可以私下交易吗", buyer=None, order="o-42")
    without_order = message("Zelle ok?", buyer="b-8", seller="s-3")
    del without_order["order_id"]
    engine = Replay(RULES)
    alerts = engine.feed(thin) + engine.feed(order) + engine.feed(without_order)
    assert [(a["buyer_ids"], a["order_id"]) for a in alerts] == [
        (["b-9"], "o-42"), (["b-8"], None)]


@pytest.mark.parametrize(("table", "error"), [
    ("extra_phrases = 'zelle'", "must be a list of strings"),
    ("extra_phrases = [1]", "must be a list of strings"),
    ("extra_phrases = ['  ']", "must not hold an empty phrase"),
])
def test_the_rules_file_checks_extra_phrases(tmp_path, table, error):
    path = tmp_path / "rules.toml"
    path.write_text(f"[off_platform_payment]\n{table}\n")
    with pytest.raises(ConfigError, match=error):
        load_rules(path)


def test_the_rules_file_sets_extra_phrases(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[off_platform_payment]\nextra_phrases = ['paypal gift']\n")
    assert load_rules(path).off_platform_payment.extra_phrases == ("paypal gift",)
