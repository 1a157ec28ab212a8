import dataclasses
import random

import pytest

from schemas.alert import validate_alert
from streams.core.buyers import step_buyer
from streams.core.contacts import contact_problems, phone_problem, placeholder, postal_problem
from streams.core.rules import load_rules
from streams.sim import contacts as simulated

from .factories import at, contact, created

RULES = load_rules()
RULE = RULES.bad_contact


def feed(events, rules=RULES):
    state, alerts = None, []
    for event in events:
        state, raised = step_buyer(state, event, rules)
        alerts += [a for a in raised if a["rule_id"] == "bad_contact"]
    return alerts


@pytest.mark.parametrize(
    ("phone", "problem"),
    [
        ("+34 612 345 978", None),
        ("+1 (559) 555-0134", None),
        ("13812345678", "counts up or down"),  # 12345678
        ("+86 138 0000 0000", "repeats one digit"),
        ("11111111", "repeats one digit"),
        ("0000000000", "repeats one digit"),
        ("98765432", "counts up or down"),
        ("123", "3 digits"),
        ("555-12", "5 digits"),
        ("+1 234 567 890 123 456", "16 digits"),
        ("n/a", "0 digits"),
    ],
)
def test_phone_numbers_too_short_too_long_or_made_up_are_implausible(phone, problem):
    found = phone_problem(phone, RULE.min_phone_digits, RULE.max_phone_digits,
                          RULE.max_repeated_digits)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("country", "postal", "ok"),
    [
        ("CN", "310012", True),
        ("CN", "31001", False),
        ("US", "93650", True),
        ("US", "93650-1234", True),
        ("US", "9365", False),
        ("US", "00000", False),
        ("ES", "28013", True),
        ("ES", "60001", False),  # Spanish codes start with a province 01-52
        ("FR", "75011", True),
        ("FR", "7501", False),
        ("BR", "13010-000", True),
        ("BR", "13010000", True),
        ("BR", "13010", False),
        ("DE", "10115", True),
        ("DE", "1011", False),
        ("GB", "SW1A 1AA", True),
        ("GB", "ls6 2ab", True),
        ("UK", "LS6 2AB", True),
        ("GB", "12345", False),
        ("US", "", False),  # missing where a postal code is always used
        ("JP", "", True),  # not checked where we do not know the format
        ("IT", "anything", True),
        ("", "", True),
    ],
)
def test_postal_codes_must_fit_the_countrys_format_where_we_know_it(country, postal, ok):
    assert (postal_problem(postal, country) is None) == ok


@pytest.mark.parametrize(
    ("text", "made_up"),
    [
        ("Lucía Martín", False),
        ("王芳", False),
        ("Calle de Alcalá 42, 3º B", False),
        ("西湖区文三路12号3栋1201室", False),
        ("12 Main St, Apt 5", False),
        ("test", True),
        ("Test address", True),
        ("xxx", True),
        ("asdf", True),
        ("asdfgh 12", True),
        ("qwerty", True),
        ("123", True),
        ("..", True),
        ("a", True),
        ("aaaa", True),
        ("sdsd", True),
        ("none", True),
        ("测试地址", True),
        ("无", True),
    ],
)
def test_placeholder_names_and_addresses(text, made_up):
    assert placeholder(text) is made_up


@pytest.mark.parametrize(
    ("overrides", "problems"),
    [
        ({}, 0),
        ({"phone": None}, 0),  # many shops do not ask for a phone
        ({"name": ""}, 1),
        ({"name": None}, 1),
        ({"address1": ""}, 1),
        ({"address1": "x"}, 1),
        ({"address1": "test"}, 1),
        ({"postal_code": None}, 1),
        ({"postal_code": "2801"}, 1),
        ({"phone": "11111111"}, 1),
        ({"phone": "123", "address1": "asdf"}, 2),
        ({"name": "test", "phone": "1", "address1": "", "postal_code": ""}, 4),
    ],
)
def test_contact_problems_count_each_implausible_field(overrides, problems):
    assert len(contact_problems(contact(**overrides), RULE)) == problems


def test_an_order_without_contact_details_is_not_judged():
    assert contact_problems(None, RULE) == ()
    assert contact_problems({"email": "a@example.com", "country": "US"}, RULE) == ()


def test_bad_contact_is_an_order_level_alert_with_the_reasons():
    order = created("b-8", at(), "s-2", order="o-77", shipping=contact(phone="11111111"))
    (alert,) = feed([order])
    validate_alert(alert)
    assert alert["order_id"] == "o-77"
    assert alert["severity"] == "medium"
    assert (alert["observed"], alert["threshold"]) == (1, 1)
    assert alert["evidence_event_ids"] == [order["event_id"]]
    assert alert["window_start"] is None and alert["window_end"] is None
    assert alert["explanation"] == (
        "Order o-77 from buyer b-8 at shop s-2 has a phone number that repeats one digit "
        "('11111111'): check the contact details with the buyer before shipping."
    )
    assert alert["recommended_actions"] == ["hold_shipment", "contact_buyer"]


@pytest.mark.parametrize(
    ("overrides", "severity"),
    [({"address1": "xxx"}, "medium"), ({"address1": "xxx", "postal_code": ""}, "high")],
)
def test_two_implausible_fields_make_it_high(overrides, severity):
    (alert,) = feed([created(shipping=contact(**overrides))])
    assert alert["severity"] == severity


def test_every_order_with_a_bad_contact_alerts_and_a_good_contact_never():
    bad = contact(address1="asdf")
    events = [created(when=at(d), shipping=bad) for d in range(3)]
    events += [created(when=at(d + 3), shipping=contact()) for d in range(3)]
    assert [a["order_id"] for a in feed(events)] == [e["order_id"] for e in events[:3]]


def test_a_redelivered_order_raises_nothing_new():
    order = created(shipping=contact(name=""))
    assert len(feed([order, dict(order)])) == 1


def test_a_known_good_contact_is_checked_again_under_a_new_rule_version():
    shipping = contact(address1="Calle Mayor 1")
    strict = dataclasses.replace(RULES, bad_contact=dataclasses.replace(
        RULE, version=2, min_address_chars=30))
    state, raised = step_buyer(None, created(when=at(), shipping=shipping), RULES)
    assert raised == [] and "c" in state  # remembered as plausible
    state, raised = step_buyer(state, created(when=at(1), shipping=shipping), RULES)
    assert raised == []
    state, raised = step_buyer(state, created(when=at(2), shipping=shipping), strict)
    assert [a["rule_id"] for a in raised] == ["bad_contact"]


def test_simulated_contacts_are_plausible_and_simulated_fakes_never_are():
    rng = random.Random(5)
    for _ in range(3000):
        honest = simulated.shipping(rng)
        assert contact_problems(honest, RULE) == (), honest
        fake = simulated.fake(rng, honest)
        assert contact_problems(fake, RULE), fake
