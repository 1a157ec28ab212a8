import copy
import random

import orjson
import pytest

from schemas.alert import FIELDS, alert_id, validate_alert
from streams.core.eventids import pack
from streams.core.layout import KEY_ALPHABET
from streams.core.linking import (
    MAX_BUYER_KEYS,
    LinkedAccounts,
    LinkingRules,
    buyer_identity_keys,
    identity_keys,
    link_message,
    load_linking_rules,
    normalize_address,
    normalize_email,
    normalize_phone,
    step_identity,
)
from streams.core.linking_normalize import normalize_fingerprint
from streams.core.linking_state import dropped_accounts
from streams.core.replay import Replay
from streams.core.rules import load_rules
from streams.errors import ConfigError

from .factories import at, make_event

RULES = LinkingRules()

PHONE = {"shipping": {"phone": "+86 139 1234 8765", "country": "CN"}}
DEVICE = {"device": {"ip": "203.0.113.9", "fingerprint": "df-7c1e55aa90"}}
PAYMENT = {"payment": {"method": "card", "account_fingerprint": "pf-41d0c3b2e8"}}
EMAIL = {"shipping": {"email": "ring.master+shop1@gmail.com"}}
HOME = {"shipping": {"country": "US", "postal_code": "93650", "address1": "12 Main Street, Apt 4"}}


def own(buyer: str) -> dict:
    """Identity details nobody else has."""
    n = sum(map(ord, buyer)) * 7919
    return {
        "shipping": {
            "phone": f"+1 415 {n % 900 + 100} {n % 9000 + 1000}",
            "email": f"{buyer}@163.com",
            "country": "US",
            "postal_code": f"{n % 90000 + 10000}",
            "address1": f"{n % 999 + 1} Oak Road",
        },
        "payment": {"method": "card", "account_fingerprint": f"pf-{buyer}-own"},
        "device": {"ip": "203.0.113.9", "fingerprint": f"df-{buyer}-own"},
    }


def shared(buyer: str, *identities: dict) -> dict:
    """``own(buyer)`` with the given identities replacing its own."""
    details = own(buyer)
    for identity in identities:
        for part, values in identity.items():
            details[part] = {**details[part], **values}
    return details


def orders(buyer: str, fates: list[str], day: float = 0, *identities: dict) -> list[dict]:
    """Orders placed on ``day`` with the buyer's details; each fate follows 2 days later."""
    details = shared(buyer, *identities)
    events = []
    for n, fate in enumerate(fates):
        created = make_event("order.created", buyer, at(day, hours=n), **details)
        events.append(created)
        if fate:
            later = at(day + 2, hours=n)
            events.append(make_event(f"order.{fate}", buyer, later, order=created["order_id"]))
    return events


def in_event_time(events: list[dict]) -> list[dict]:
    return sorted(events, key=lambda e: e["occurred_at"])


def feed(events: list[dict], stage: LinkedAccounts | None = None) -> list[dict]:
    stage = stage or LinkedAccounts(RULES)
    alerts = []
    for event in events:
        alerts += stage.feed(event)
    return alerts


def ring(identity: dict, unpaid=(1, 2, 1, 1), paid=(0, 0, 0, 0)) -> list[dict]:
    events = []
    for n, (bad, good) in enumerate(zip(unpaid, paid, strict=True)):
        fates = ["closed_unpaid"] * bad + ["paid"] * good
        events += orders(f"r-{n + 1}", fates, n * 0.25, identity)
    return in_event_time(events)


def each_first(accounts: list[str]) -> list[list[str]]:
    """The buyer_ids of a ring's alerts, one per account: that account, then the others."""
    return [[a, *(b for b in accounts if b != a)] for a in accounts]


# --- normalization ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("+86 138 0013 8000", "", "+8613800138000"),
        ("0086-138-0013-8000", "", "+8613800138000"),
        ("+86 (138) 0013-8000", "US", "+8613800138000"),
        ("13800138000", "CN", "+8613800138000"),
        ("8613800138000", "CN", "+8613800138000"),
        ("１３８ ００１３ ８０００", "CN", "+8613800138000"),  # full-width digits
        ("+86 138 0013 8000 ext. 12", "", "+8613800138000"),
        ("010-6552 9988", "CN", "+861065529988"),  # landline: the trunk 0 goes
        ("07700 900 431", "GB", "+447700900431"),
        ("+44 (0)7700 900431", "", "+447700900431"),
        ("(212) 555-0142", "US", "+12125550142"),
        ("1-212-555-0142", "US", "+12125550142"),
        ("8 (916) 482-37-15", "RU", "+79164823715"),
        ("3478120956", "IT", "+393478120956"),
        ("13800138000", "", "13800138000"),  # no country: digits as written
        ("13800138000", "ZZ", "13800138000"),
        ("138****8000", "CN", None),  # masked by the platform: shared by many
        ("N/A", "", None),
        ("", "", None),
        (None, "CN", None),
        ("12345", "", None),  # too short
        ("+86 138 0000 0000", "", None),  # placeholder digits
        ("+1 415 123 4567", "", None),  # 1234567
        ("+86 1380013800012345", "", None),  # longer than E.164 allows
        ("+0 138 0013 8000", "", None),
        ("(+86) 13971642850", "", "+8613971642850"),  # the code in brackets, as CN forms show it
        ("（+86）139-7164-2850", "CN", "+8613971642850"),  # full-width brackets
        ("(0086)13971642850", "", "+8613971642850"),
        ("0151/48279135", "DE", "+4915148279135"),  # a slash after the area code (DE, AT, CH)
        ("0151 / 4827 9135", "DE", "+4915148279135"),
        ("+49 151/48279135", "", "+4915148279135"),
        ("+49 (0)151/48279135", "", "+4915148279135"),
        ("030/2848 1935", "DE", "+493028481935"),
        ("0151/48279135", "", "015148279135"),  # no country: digits as written
        ("(559) 284-7193 / 284-7194", "US", "+15592847193"),  # a second number goes
        ("+49 151 48279135 / 12", "", "+4915148279135"),  # an extension goes
    ],
)
def test_normalize_phone(raw, country, expected):
    assert normalize_phone(raw, country) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Li.Wei@163.com", "li.wei@163.com"),
        ("  li.wei@163.com ", "li.wei@163.com"),
        ("li.wei+shop2@163.com", "li.wei@163.com"),
        ("John.Doe@gmail.com", "johndoe@gmail.com"),
        ("j.o.h.n.doe+ali@GMAIL.COM", "johndoe@gmail.com"),
        ("johndoe@googlemail.com", "johndoe@gmail.com"),
        ("noreply@shop.com", None),
        ("test@example.com", None),
        ("a***e@gmail.com", None),  # masked
        ("li wei@163.com", None),
        ("li.wei@localhost", None),
        ("someone@host.invalid", None),
        ("john1234@example.com", None),  # reserved: made up, and made up alike by many
        ("john@mail.example.net", None),
        ("john@example.community", "john@example.community"),
        ("a@b@c.com", None),
        ("+tag@gmail.com", None),
        ("li.wei@163.com.", "li.wei@163.com"),
        ("", None),
        (None, None),
    ],
)
def test_normalize_email(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("address1", "postal", "country", "expected"),
    [
        ("12 Main Street, Apt. 4", "93650", "US", "us|93650|12 main st apt 4"),
        ("12 main st #4", "93650-1234", "US", "us|93650|12 main st apt 4"),
        ("12  MAIN ST. APARTMENT 4", "936501234", "US", "us|93650|12 main st apt 4"),
        ("12 Main St., Unit 4", " 93650 ", "us", "us|93650|12 main st apt 4"),
        ("221B Baker Street", "NW1 6XE", "GB", "gb|nw16xe|221b baker st"),
        ("Hauptstraße 5", "10115", "DE", "de|10115|hauptstr 5"),
        ("Hauptstr. 5", "10115", "DE", "de|10115|hauptstr 5"),
        ("文三路１２号", "310000", "CN", "cn|310000|文三路12号"),
        # Chinese is written without spaces: spaces typed next to it change nothing
        ("西湖区 文三路 12号 3栋 201室", "310012", "CN", "cn|310012|西湖区文三路12号3栋201室"),
        ("西湖区文三路12号3栋 201室", "310012", "CN", "cn|310012|西湖区文三路12号3栋201室"),
        ("西湖区文三路12号3栋201室", "310012", "CN", "cn|310012|西湖区文三路12号3栋201室"),
        ("望京 SOHO T1 1201室", "100102", "CN", "cn|100102|望京soho t1 1201室"),
        ("望京SOHO T1 1201室", "100102", "CN", "cn|100102|望京soho t1 1201室"),
        ("朝阳区, 望京街 10号", "100102", "CN", "cn|100102|朝阳区望京街10号"),
        ("12 Main St", "93650", "", "|93650|12 main st"),
        ("12 Main St", "", "US", None),  # a street line alone names many places
        ("", "93650", "US", None),
        ("N/A", "93650", "US", None),
        ("---", "93650", "US", None),
        ("home", "93650", "US", None),
        ("123", "310012", "CN", None),
        ("Test address", "310012", "CN", None),
        ("测试", "310012", "CN", None),
        ("12 Main St", "00000", "US", None),
        ("12 Main St", "n/a", "US", None),
    ],
)
def test_normalize_address(address1, postal, country, expected):
    assert normalize_address(address1, postal, country) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pf-41d0c3b2e8", "pf-41d0c3b2e8"),
        (" stripe:card:Ab12 ", "stripe:card:Ab12"),
        ("", None),
        ("N/A", None),
        ("unknown", None),
        ("0.0.0.0", None),
        ("00000000-0000-0000-0000-000000000000", None),
        (None, None),
    ],
)
def test_normalize_fingerprint(raw, expected):
    assert normalize_fingerprint(raw) == expected


# --- identity keys ---------------------------------------------------------------------


def test_identity_keys_of_an_order_name_each_kind_and_hide_the_values():
    event = make_event("order.created", "b-1", **own("b-1"))
    keys = identity_keys(event)
    assert [k.partition(":")[0] for k in keys] == ["phone", "addr", "email", "pay", "device"]
    assert all(len(k.partition(":")[2]) == 16 for k in keys)
    text = " ".join(keys)
    for value in ("415", "b-1", "oak", "pf-b-1-own", "df-b-1-own", "203.0.113.9"):
        assert value not in text


def test_spellings_of_one_identity_give_one_key():
    a = make_event("order.created", "b-1", shipping={"phone": "+86 139 1234 8765"})
    b = make_event("order.created", "b-2", shipping={"phone": "13912348765", "country": "CN"})
    c = make_event("order.created", "b-3", shipping={"email": "Ring.Master+x@googlemail.com"})
    d = make_event("order.created", "b-4", shipping={"email": "ringmaster@gmail.com"})
    assert identity_keys(a) == identity_keys(b)
    assert identity_keys(c) == identity_keys(d)


def test_placeholders_and_the_device_ip_are_never_keys():
    event = make_event(
        "order.created",
        "b-1",
        shipping={"phone": "N/A", "email": "noreply@x.com", "address1": "n/a", "postal_code": ""},
        payment={"method": "card", "account_fingerprint": ""},
        device={"ip": "203.0.113.9", "fingerprint": "0.0.0.0"},
    )
    assert identity_keys(event) == []
    assert identity_keys(make_event("order.created", "b-1")) == []


def test_orders_and_payments_have_identity_keys_and_nothing_else_does():
    payment = {"payment": {"method": "card", "account_fingerprint": "pf-41d0c3b2e8"}}
    paid = make_event("order.paid", "b-1", **payment)
    assert [k.partition(":")[0] for k in identity_keys(paid)] == ["pay"]
    for etype in ("order.closed_unpaid", "order.shipped", "dispute.opened"):
        assert identity_keys(make_event(etype, "b-1", **own("b-1"))) == []


def test_buyer_identity_keys_keep_the_latest_added_and_stay_bounded():
    first = make_event("order.created", "b-1", **own("b-1"))
    keys = buyer_identity_keys([], first)
    assert keys == identity_keys(first)
    assert buyer_identity_keys(keys, first) is keys  # nothing new: same list, no write
    follow = make_event("order.closed_unpaid", "b-1", order=first["order_id"])
    assert buyer_identity_keys(keys, follow) is keys
    paid = make_event("order.paid", "b-1", order=first["order_id"], **PAYMENT)
    with_card = buyer_identity_keys(keys, paid)
    assert with_card[-1].startswith("pay:")
    # the buyer's next order shows the same address, phone, ...: nothing new, nothing moves
    # (created and paid show different keys: moving them would rewrite the list each time)
    repeat = make_event("order.created", "b-1", **own("b-1"))
    assert buyer_identity_keys(with_card, repeat) is with_card
    assert buyer_identity_keys(with_card, dict(paid, event_id="ev-again")) is with_card
    second = make_event("order.created", "b-1", **own("b-2"))
    after = buyer_identity_keys(keys, second)
    assert len(after) == MAX_BUYER_KEYS
    assert after[-5:] == identity_keys(second)
    assert after[:3] == keys[-3:]
    assert keys == identity_keys(first)  # the argument is never modified
    again = buyer_identity_keys(after, first)
    assert again[-5:] == identity_keys(first)
    assert len(again) == MAX_BUYER_KEYS


def test_link_message_carries_no_contact_details():
    event = make_event("order.created", "b-1", **own("b-1"))
    (key, *_) = identity_keys(event)
    message = link_message(None, event, key)
    assert message == {
        "identity": key,
        "event_id": event["event_id"],
        "type": "order.created",
        "occurred_at": event["occurred_at"],
        "buyer_id": "b-1",
        "seller_id": "s-1",
        "marketplace": "aliexpress",
        "order_id": event["order_id"],
    }
    cancel = make_event("order.cancelled", "b-1", order=event["order_id"])
    assert link_message({}, cancel, key)["actor"] == "buyer"


# --- rings -----------------------------------------------------------------------------


def test_ring_of_four_sharing_a_phone_gives_each_account_an_alert_listing_all_four():
    events = ring(PHONE, unpaid=(1, 2, 1, 1))
    alerts = feed(events)
    assert [a["buyer_ids"] for a in alerts] == each_first(["r-1", "r-2", "r-3", "r-4"])
    closes = [e["event_id"] for e in events if e["type"] == "order.closed_unpaid"]
    (key,) = [k for k in identity_keys(events[0]) if k.startswith("phone:")]
    for alert in alerts:
        assert tuple(alert) == FIELDS
        validate_alert(alert)
        assert alert["rule_id"] == "linked_accounts"
        assert alert["rule_version"] == 1
        assert alert["severity"] == "medium"
        assert alert["order_id"] is None
        assert alert["deadline_at"] is None
        assert alert["occurred_at"] == at(2, hours=7)  # r-2's second close: the third
        assert alert["observed"] == 3
        assert alert["threshold"] == 3
        assert alert["window_start"] == "2026-10-07T00:00:00Z"
        assert alert["window_end"] == "2026-10-14T00:00:00Z"
        assert alert["evidence_event_ids"] == closes[:3]
        assert alert["explanation"] == (
            "4 accounts sharing one phone number let 3 orders close unpaid within 7 days "
            "(100% bad; limit 3 and 50%)."
        )
        assert alert["recommended_actions"] == [
            "hold_shipment",
            "shorten_auto_cancel",
            "let_platform_auto_close",
            "block_buyer",
            "report_buyer",
            "share_with_sellers",
        ]
        assert "cancel_order" not in alert["recommended_actions"]
        # the id: the identity and the account, the episode (the 7-day calendar block from
        # Thu 1 Oct that the window from Wed 7 Oct starts in) and the severity
        account = alert["buyer_ids"][0]
        assert alert["alert_id"] == alert_id(
            "linked_accounts",
            1,
            f"{key}|{account}",
            "2026-10-01T00:00:00Z/2026-10-08T00:00:00Z",
            "medium",
        )
    ids = [a["alert_id"] for a in alerts]
    assert len(set(ids)) == 4
    assert [a["alert_id"] for a in feed(events)] == ids  # deterministic


def test_ring_evidence_is_kept_packed_and_named_as_the_adapters_wrote_it():
    events = [
        dict(e, event_id=f"tmall:{e['type']}:38{e['order_id']}")
        for e in ring(PHONE, unpaid=(1, 2, 1, 1))
    ]
    stage = LinkedAccounts(RULES)
    alerts = feed(events, stage)
    closes = [e["event_id"] for e in events if e["type"] == "order.closed_unpaid"]
    assert alerts and all(a["evidence_event_ids"] == closes[:3] for a in alerts)
    (key,) = [k for k in identity_keys(events[0]) if k.startswith("phone:")]
    kept = stage.identities[key]["e"]
    assert [entry[1] for entry in kept] == [pack(c) for c in closes]
    assert all(entry[1].startswith("~13") for entry in kept)


def test_ring_alert_leaks_no_contact_detail():
    alerts = feed(ring(PHONE))
    assert len(alerts) == 4
    text = orjson.dumps(alerts).decode()
    for part in ("+86", "8613912348765", "13912348765", "1234 8765", "phone:"):
        assert part not in text


@pytest.mark.parametrize(
    ("identity", "noun"),
    [(DEVICE, "device"), (PAYMENT, "payment account"), (EMAIL, "email address")],
)
def test_ring_sharing_a_strong_identity_fires(identity, noun):
    alerts = feed(ring(identity, unpaid=(1, 1, 1, 1)))
    assert [a["buyer_ids"] for a in alerts] == each_first(["r-1", "r-2", "r-3", "r-4"])
    assert [a["severity"] for a in alerts] == ["medium"] * 4
    for alert in alerts:
        assert f"4 accounts sharing one {noun} " in alert["explanation"]


def test_ring_that_pays_half_its_orders_still_fires_and_one_that_pays_most_does_not():
    assert feed(ring(PHONE, unpaid=(1, 1, 1, 1), paid=(1, 1, 1, 1)))
    assert feed(ring(PHONE, unpaid=(1, 1, 1, 0), paid=(2, 2, 2, 2))) == []


def test_cancel_ring_fires_with_the_cancels_named():
    events = []
    for n in range(2):
        events += orders(f"c-{n}", ["cancelled", "cancelled", "paid"], n * 0.5, DEVICE)
    alerts = feed(in_event_time(events))
    assert [a["buyer_ids"] for a in alerts] == [["c-0", "c-1"], ["c-1", "c-0"]]
    for alert in alerts:
        # c-1's first cancel, one of three orders, does not make it a ring member yet
        assert alert["observed"] == 4
        assert "cancelled 4 orders within 7 days and paid for 1 (80% bad" in (
            alert["explanation"]
        )
    assert alerts[0]["alert_id"] != alerts[1]["alert_id"]


def test_ring_severity_rises_once_to_high_with_new_ids():
    alerts = feed(ring(PHONE, unpaid=(2, 2, 2, 2)))
    accounts = ["r-1", "r-2", "r-3", "r-4"]
    assert [a["severity"] for a in alerts] == ["medium"] * 4 + ["high"] * 4
    assert [a["buyer_ids"] for a in alerts] == each_first(accounts) * 2
    assert [(a["observed"], a["threshold"]) for a in alerts] == [(3, 3)] * 4 + [(6, 6)] * 4
    assert len({a["alert_id"] for a in alerts}) == 8


def test_a_new_account_joining_the_ring_gets_its_own_alert_listing_every_account():
    stage = LinkedAccounts(RULES)
    first = feed(ring(PHONE, unpaid=(1, 1, 1, 1)), stage)
    assert [a["buyer_ids"] for a in first] == each_first(["r-1", "r-2", "r-3", "r-4"])
    # r-5 joins: its own alert, the others have fired at medium already
    (grown,) = feed(orders("r-5", [""], 2, PHONE), stage)
    assert grown["severity"] == "medium"
    assert grown["buyer_ids"] == ["r-5", "r-1", "r-2", "r-3", "r-4"]
    assert grown["window_start"] == first[0]["window_start"]
    assert grown["alert_id"] not in {a["alert_id"] for a in first}
    assert grown["explanation"].startswith("5 accounts sharing one phone number ")
    assert feed(orders("r-5", ["paid"], 3, PHONE), stage) == []
    # two more closes on Wed 7 Oct make it high: one high alert per account
    rise = feed(orders("r-5", ["closed_unpaid", "closed_unpaid"], 0.5, PHONE), stage)
    accounts = ["r-1", "r-2", "r-3", "r-4", "r-5"]
    assert [a["severity"] for a in rise] == ["high"] * 5
    assert [a["buyer_ids"] for a in rise] == each_first(accounts)
    assert {a["window_start"] for a in rise} == {first[0]["window_start"]}
    assert {(a["observed"], a["threshold"]) for a in rise} == {(6, 6)}
    # r-6 joins a ring already high: it reaches medium and high at once, nobody else fires
    late = feed(orders("r-6", ["paid"], 2.5, PHONE), stage)
    assert [a["severity"] for a in late] == ["medium", "high"]
    assert [a["buyer_ids"] for a in late] == [["r-6", *accounts]] * 2
    assert [a["threshold"] for a in late] == [3, 6]
    ids = [a["alert_id"] for a in [*first, grown, *rise, *late]]
    assert len(set(ids)) == len(ids) == 12


def test_mixed_ring_names_every_kind_of_bad_outcome():
    events = orders("m-0", ["closed_unpaid", "closed_unpaid"], 0, DEVICE)
    events += orders("m-1", ["cancelled", "paid"], 0.5, DEVICE)
    alerts = feed(in_event_time(events))
    assert [a["buyer_ids"] for a in alerts] == [["m-0", "m-1"], ["m-1", "m-0"]]
    for alert in alerts:
        assert alert["explanation"] == (
            "2 accounts sharing one device let 2 orders close unpaid and cancelled 1 within "
            "7 days (100% bad; limit 3 and 50%)."
        )


def test_link_messages_and_canonical_events_fold_alike():
    events = ring(PAYMENT, unpaid=(2, 1, 2, 1), paid=(1, 0, 1, 0))
    key = identity_keys(events[0])[3]
    assert key.startswith("pay:")
    by_event, by_message = (None, []), (None, [])
    for event in events:
        state, raised = step_identity(by_event[0], key, event, RULES)
        by_event = (state, by_event[1] + raised)
        message = link_message(None, event, key)
        state, raised = step_identity(by_message[0], key, message, RULES)
        by_message = (state, by_message[1] + raised)
    assert by_event == by_message
    # medium, then high, for each of the four accounts
    assert [(a["severity"], a["buyer_ids"][0]) for a in by_event[1]] == [
        (severity, f"r-{n}") for severity in ("medium", "high") for n in range(1, 5)
    ]


def test_one_account_alone_never_makes_a_ring():
    events = orders("solo", ["closed_unpaid"] * 4, 0, PHONE) + orders("mate", ["paid"], 0, PHONE)
    assert feed(in_event_time(events)) == []


def test_ring_below_the_bar_does_not_fire():
    assert feed(ring(PHONE, unpaid=(1, 1, 0, 0))) == []


def test_disputes_and_chargebacks_count_and_add_evidence_actions():
    events = []
    for n in range(3):
        mine = orders(f"d-{n}", ["paid"], n * 0.25, PAYMENT)
        events += mine
        events.append(make_event("dispute.opened", f"d-{n}", at(4), order=mine[0]["order_id"]))
    alerts = feed(in_event_time(events))
    assert [a["buyer_ids"] for a in alerts] == each_first(["d-0", "d-1", "d-2"])
    for alert in alerts:
        assert alert["observed"] == 3
        assert alert["explanation"] == (
            "3 accounts sharing one payment account opened 3 disputes within 7 days "
            "(100% bad; limit 3 and 50%)."
        )
        assert alert["recommended_actions"] == [
            "hold_shipment",
            "block_buyer",
            "report_buyer",
            "share_with_sellers",
            "collect_evidence",
            "contact_platform_support",
        ]


def test_card_named_only_at_payment_links_a_chargeback_ring():
    events = []
    for n in range(3):
        buyer = f"k-{n}"
        created = make_event("order.created", buyer, at(n * 0.1), **own(buyer))
        oid = created["order_id"]
        events += [
            created,
            make_event("order.paid", buyer, at(n * 0.1, hours=1), order=oid, **PAYMENT),
            make_event("chargeback.notified", buyer, at(5), order=oid, amount="25.00"),
        ]
    alerts = feed(in_event_time(events))
    assert [a["buyer_ids"] for a in alerts] == each_first(["k-0", "k-1", "k-2"])
    for alert in alerts:
        assert "3 accounts sharing one payment account filed 3 chargebacks" in (
            alert["explanation"]
        )
        assert "appeal_chargeback" not in alert["recommended_actions"]  # the order's own


# --- households ------------------------------------------------------------------------


def test_household_of_four_sharing_an_address_who_pay_does_not_fire():
    events = []
    for n in range(4):
        events += orders(f"h-{n}", ["paid", "paid", "paid"], n, HOME)
    assert feed(in_event_time(events)) == []


def test_household_with_one_non_payer_does_not_fire():
    events = orders("h-0", ["closed_unpaid"] * 4, 0, HOME)
    for n in range(1, 4):
        events += orders(f"h-{n}", ["paid", "paid"], n, HOME)
    assert feed(in_event_time(events)) == []


def test_household_where_each_leaves_one_order_unpaid_but_pays_the_rest_does_not_fire():
    events = []
    for n in range(4):
        events += orders(f"h-{n}", ["closed_unpaid", "paid", "paid"], n * 0.5, HOME)
    assert feed(in_event_time(events)) == []


def test_ring_sharing_only_an_address_fires_past_the_higher_bar_listing_only_the_ring():
    events = orders("payer", ["paid", "paid"], 0, HOME)
    for n in range(3):
        events += orders(f"a-{n}", ["closed_unpaid", "closed_unpaid"], n * 0.25, HOME)
    alerts = feed(in_event_time(events))
    assert [a["buyer_ids"] for a in alerts] == each_first(["a-0", "a-1", "a-2"])  # no payer
    for alert in alerts:
        assert alert["threshold"] == 5
        assert alert["explanation"] == (
            "3 accounts sharing one address let 6 orders close unpaid within 7 days "
            "(100% bad; limit 5 and 60%)."
        )


def test_heavy_abuser_with_co_residents_who_slipped_once_does_not_make_a_ring():
    # The buyer rules catch the churner; the others cancelled one order in four.
    for identity in (HOME, DEVICE):
        events = orders("churner", ["cancelled"] * 6, 0, identity)
        for n in range(3):
            events += orders(f"h-{n}", ["cancelled", "paid", "paid", "paid"], n * 0.5, identity)
        assert feed(in_event_time(events)) == []


def test_family_sharing_a_card_where_each_slipped_once_does_not_fire():
    events = []
    for n in range(4):
        events += orders(f"f-{n}", ["closed_unpaid", "paid", "paid"], n * 0.5, PAYMENT)
    assert feed(in_event_time(events)) == []


def test_address_alert_evidence_is_the_rings_own():
    events = orders("payer", ["cancelled", "paid", "paid", "paid"], 0, HOME)
    for n in range(3):
        events += orders(f"a-{n}", ["closed_unpaid", "closed_unpaid"], n * 0.25, HOME)
    alerts = feed(in_event_time(events))
    assert [a["buyer_ids"][0] for a in alerts] == ["a-0", "a-1", "a-2"]
    ring_closes = [e["event_id"] for e in in_event_time(events) if e["buyer_id"] != "payer"]
    for alert in alerts:
        assert set(alert["evidence_event_ids"]) <= set(ring_closes)
        assert len(alert["evidence_event_ids"]) == 6


def test_two_accounts_at_one_address_never_fire_together():
    events = []
    for n in range(2):
        events += orders(f"a-{n}", ["closed_unpaid"] * 3, n * 0.25, HOME)
    assert feed(in_event_time(events)) == []


# --- state: redelivery, order, eviction, bounds -----------------------------------------


def test_redelivered_events_change_nothing():
    stage = LinkedAccounts(RULES)
    events = ring(PHONE)
    feed(events, stage)
    before = copy.deepcopy(stage.identities)
    assert feed(events, stage) == []
    assert stage.identities == before


def test_an_identity_with_the_old_hex_keys_still_dedupes_its_events():
    stage = LinkedAccounts(RULES)
    events = ring(PHONE)
    feed(events, stage)
    now = copy.deepcopy(stage.identities)
    for state in stage.identities.values():  # the layout before: 12 hex digits each, in "i"
        keys = state.pop("k")
        state["i"] = "".join(
            f"{day:04x}{crc:08x}"
            for day, crc in (_day_and_crc(keys[i : i + 8]) for i in range(0, len(keys), 8))
        )
    assert feed(events, stage) == []
    assert stage.identities == now


def _day_and_crc(key: str) -> tuple[int, int]:
    """The day and crc32 a dedupe key was made of (``streams.core.layout.dedupe_key``)."""
    value = 0
    for char in key.encode():
        value = value * 64 + KEY_ALPHABET.index(char)
    return value >> 32, value & 0xFFFFFFFF


def test_arrival_order_at_the_identity_gives_the_same_alert_ids():
    events = ring(PHONE, unpaid=(1, 2, 1, 2))
    for event in events:  # the platform closes every unpaid order the same day
        if event["type"] == "order.closed_unpaid":
            event["occurred_at"] = at(3)
    key = identity_keys(events[0])[0]
    messages = [link_message(None, event, key) for event in events]
    accounts = ["r-1", "r-2", "r-3", "r-4"]
    runs = set()
    rng = random.Random(7)
    for _ in range(40):
        rng.shuffle(messages)
        state, alerts = None, []
        for message in messages:
            state, raised = step_identity(state, key, message, RULES)
            alerts += raised
        # every account reaches medium and high once, whoever's events came first; the
        # accounts a medium alert lists depend on who had arrived, the high ones list all
        assert sorted((a["buyer_ids"][0], a["severity"]) for a in alerts) == [
            (account, severity) for account in accounts for severity in ("high", "medium")
        ]
        highs = [a["buyer_ids"] for a in alerts if a["severity"] == "high"]
        assert sorted(highs) == each_first(accounts)
        runs.add(frozenset(a["alert_id"] for a in alerts))
    (ids,) = runs
    assert len(ids) == 8


def test_same_events_in_event_order_give_identical_alerts_twice():
    events = ring(DEVICE, unpaid=(2, 1, 2, 1))
    assert feed(events) == feed(events)


def test_watermark_evicts_old_accounts_and_ignores_events_that_old():
    stage = LinkedAccounts(RULES)
    feed(ring(PHONE), stage)
    (key,) = [k for k in stage.identities if k.startswith("phone:")]
    feed(orders("late-comer", ["paid"], 20, PHONE), stage)
    state = stage.identities[key]
    assert list(state["b"]) == ["late-comer"]
    assert "e" not in state
    assert "f" not in state
    before = copy.deepcopy(state)
    feed(orders("r-1", ["closed_unpaid"], 1, PHONE), stage)  # 19 days behind
    assert stage.identities[key] == before


def test_eviction_keeps_two_horizons_of_days():
    state = None
    for day in range(30):
        event = link_message(None, make_event("order.created", f"b-{day}", at(day)), "pay:x")
        state, _ = step_identity(state, "pay:x", event, RULES)
    assert sorted(state["b"]) == sorted(f"b-{day}" for day in range(16, 30))


def test_a_thousand_accounts_on_one_identity_stay_bounded():
    state = None
    for n in range(1000):
        for etype in ("order.created", "order.paid"):
            event = make_event(etype, f"b-{n:04d}", at(n / 200), order=f"o-{n}")
            state, alerts = step_identity(state, "phone:x", event, RULES)
            assert alerts == []
    assert len(state["b"]) == RULES.max_members
    assert dropped_accounts(state) == 1000 - RULES.max_members
    assert len(orjson.dumps(state)) < 2048


def test_ring_state_stays_under_a_kilobyte():
    stage = LinkedAccounts(RULES)
    feed(ring(PHONE, unpaid=(2, 2, 2, 2), paid=(1, 1, 1, 1)), stage)
    sizes = [len(orjson.dumps(s)) for s in stage.identities.values()]
    assert max(sizes) < 1024


def test_events_that_count_nowhere_leave_the_state_alone():
    for etype, extra in [("order.shipped", {}), ("order.cancelled", {"actor": "seller"})]:
        event = make_event(etype, "b-1", **extra)
        state, alerts = step_identity(None, "phone:x", event, RULES)
        assert state == {"w": 0, "b": {}, "k": ""}
        assert alerts == []


def test_disabled_rule_keeps_state_but_never_fires():
    stage = LinkedAccounts(load_linking_rules({"enabled": False}))
    assert feed(ring(PHONE, unpaid=(2, 2, 2, 2)), stage) == []
    assert stage.identities


# --- rule settings -----------------------------------------------------------------------


def test_load_linking_rules_overrides_key_by_key():
    rules = load_linking_rules({"medium": 4, "min_ratio": 1, "version": 2})
    assert (rules.medium, rules.high, rules.min_ratio, rules.version) == (4, 6, 1.0, 2)
    assert isinstance(rules.min_ratio, float)
    assert load_linking_rules(None) == LinkingRules()
    assert rules.levels("addr").medium == 5
    assert rules.levels("device").medium == 4


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"medium": 0}, "linked_accounts: medium must be at least 1"),
        ({"high": 2}, "linked_accounts: high must be at least medium"),
        ({"address_min_ratio": 1.5}, "address_min_ratio must be between 0 and 1"),
        ({"min_accounts": 1}, "min_accounts must be at least 2"),
        ({"horizon_days": 0}, "horizon_days must be between 1 and 60"),
        ({"colour": 1}, "unknown setting linked_accounts.colour"),
        ({"medium": "3"}, "linked_accounts.medium must be an integer, got '3'"),
        ({"medium": 3.5}, "linked_accounts.medium must be an integer"),
        ({"enabled": 1}, "linked_accounts.enabled must be true or false"),
        ({"min_ratio": True}, "linked_accounts.min_ratio must be a number"),
    ],
)
def test_load_linking_rules_rejects_bad_settings_in_one_line(mapping, message):
    with pytest.raises(ConfigError, match=message):
        load_linking_rules(mapping, "rules.toml")


# --- an account's earlier events -------------------------------------------------------


def _late_card_ring() -> list[dict]:
    """Three accounts let two orders close unpaid each, then pay one with a shared card."""
    events = []
    for n in range(3):
        buyer = f"p-{n}"
        events += orders(buyer, ["closed_unpaid", "closed_unpaid"], n * 0.1)
        paid = make_event("order.created", buyer, at(3 + n * 0.1), **own(buyer))
        events += [paid, make_event("order.paid", buyer, at(3 + n * 0.1, hours=1),
                                    order=paid["order_id"], **PAYMENT)]
    return events


def _replay(events: list[dict]) -> list[dict]:
    engine = Replay(load_rules(), identities=LinkedAccounts(RULES))
    return [a for e in events for a in engine.feed(e) if a["rule_id"] == "linked_accounts"]


def test_a_key_shown_late_still_learns_the_accounts_earlier_events():
    # the card is named only on the payment, days after the unpaid closes: the identity
    # gets each account's record with its first event, so the ring is seen
    alerts = _replay(in_event_time(_late_card_ring()))
    pay = [a for a in alerts if "payment account" in a["explanation"]]
    assert sorted(a["buyer_ids"][0] for a in pay if a["severity"] == "medium") == [
        "p-0", "p-1", "p-2"]
    assert "3 accounts sharing one payment account let 6 orders close unpaid" in (
        pay[-1]["explanation"])


def test_the_record_makes_the_ring_independent_of_which_of_its_events_came_first():
    events = in_event_time(_late_card_ring())
    expected = {a["alert_id"] for a in _replay(events)}
    assert expected
    payments_first = [e for e in events if e["type"] in ("order.created", "order.paid")
                      and "payment" in e and e["payment"]["account_fingerprint"] == "pf-41d0c3b2e8"]
    # each account's card order (and the card) first, its unpaid closes after
    late = [e for e in events if e not in payments_first]
    assert {a["alert_id"] for a in _replay(payments_first + late)} == expected


@pytest.mark.parametrize(
    "record",
    [
        ["not", "a", "record"],
        "rows",
        {"rows": "20736,1,0,0,1,0,0"},
        {"rows": [20736, "1", None, 0, 0, 0, 0]},  # a string or null is no count
        {"rows": [20736, 0, 0, 0, 0, 0, 0], "evidence": "ev-1"},
        {"rows": [20736, 0, 0, 0, 0, 0, 0], "evidence": [[1, 2, 3], "x", [None, "ev-1"]]},
        {"evidence": [[1790812800, 7]]},
    ],
)
def test_a_malformed_record_counts_nothing_and_the_event_still_counts(record):
    events = ring(PAYMENT, unpaid=(2, 1, 2, 1), paid=(1, 0, 1, 0))
    key = identity_keys(events[0])[3]
    plain, tampered = None, None
    plain_alerts, tampered_alerts = [], []
    for event in events:
        plain, raised = step_identity(plain, key, link_message(None, event, key), RULES)
        plain_alerts += raised
        message = {**link_message(None, event, key), "record": record}
        tampered, raised = step_identity(tampered, key, message, RULES)
        tampered_alerts += raised
    assert tampered == plain
    assert tampered_alerts == plain_alerts


def test_a_record_does_not_repeat_evidence_a_state_from_before_packing_kept_whole():
    from streams.core.linking_state import merge_record, new_state

    day = 20736
    old = "tmall:order.closed_unpaid:381"
    state = new_state()
    state.update(w=day * 86_400, b={"b-1": [day, 1, 0, 0, 1, 0, 0]}, e=[[day * 86_400, old, "b-1"]])
    newer = "tmall:order.closed_unpaid:382"
    record = {"rows": [day, 2, 0, 0, 2, 0, 0],
              "evidence": [[day * 86_400, old], [day * 86_400 + 60, newer]]}
    assert merge_record(state, "b-1", record, RULES)
    assert [entry[1] for entry in state["e"]] == [old, pack(newer)]
