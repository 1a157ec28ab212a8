from __future__ import annotations

import pytest

from streams.adapters import PLATFORMS, Webhook
from streams.adapters.fields import (
    CHINA_TZ,
    currency,
    decimal_str,
    email_id,
    ident,
    ip_address,
    loads,
    minor_units,
    timestamp,
)
from streams.adapters.registry import ADAPTERS
from streams.errors import InvalidEvent


def test_every_platform_has_an_adapter():
    assert tuple(ADAPTERS) == PLATFORMS


def test_loads_keeps_64_bit_ids_exact():
    assert ident(loads(b'{"tid": 4000000000000000001}')["tid"], "tid") == "4000000000000000001"


@pytest.mark.parametrize("value", [4.0e18, 1.5, True, None, "", " ", "x" * 201, [], {}])
def test_ident_refuses_floats_booleans_and_empty_values(value):
    with pytest.raises(InvalidEvent):
        ident(value, "id")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("129.90", "129.90"),
        (" 5 ", "5"),
        (12, "12"),
        (3.3, "3.3"),
        (1e-7, "0.0000001"),
        ("1E2", "100"),
    ],
)
def test_decimal_str_keeps_decimals_exact(value, expected):
    assert decimal_str(value, "amount") == expected


@pytest.mark.parametrize("value", ["1e999999", "NaN", "Infinity", "abc", "", True, None, [], 1e300])
def test_decimal_str_refuses_non_amounts(value):
    with pytest.raises(InvalidEvent):
        decimal_str(value, "amount")


@pytest.mark.parametrize(
    ("amount", "code", "expected"),
    [(1000, "USD", "10.00"), (5, "USD", "0.05"), (5000, "JPY", "5000"), (1234, "KWD", "1.234")],
)
def test_minor_units_follow_the_currency_exponent(amount, code, expected):
    assert minor_units(amount, code) == expected


@pytest.mark.parametrize("value", [10.5, "1000", True, 10**20])
def test_minor_units_refuse_non_integers(value):
    with pytest.raises(InvalidEvent):
        minor_units(value, "USD")


@pytest.mark.parametrize(
    ("value", "tz", "expected"),
    [
        ("2008-01-10T11:00:00-05:00", None, "2008-01-10T16:00:00Z"),
        ("2026-01-01T00:00:00.000000000Z", None, "2026-01-01T00:00:00Z"),
        ("2026-03-01 10:00:05", CHINA_TZ, "2026-03-01T02:00:05Z"),
        ("2026-03-01T10:00:05+09:00", CHINA_TZ, "2026-03-01T01:00:05Z"),
        (1625755540, None, "2021-07-08T14:45:40Z"),
        (1625755540000, None, "2021-07-08T14:45:40Z"),
        ("1625755540", None, "2021-07-08T14:45:40Z"),
    ],
)
def test_timestamps_become_rfc3339_utc(value, tz, expected):
    assert timestamp(value, "t", tz) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-01 10:00:05",  # naive without a declared zone
        "2026-13-45T99:99:99Z",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-23:59",
        "1600-01-01T00:00:00Z",
        10**30,
        -(10**13),
        True,
        [],
    ],
)
def test_bad_timestamps_are_invalid(value):
    with pytest.raises(InvalidEvent):
        timestamp(value, "t")


def test_email_buyer_ids_are_lower_cased_and_stripped():
    assert email_id("  Bob@Example.COM ") == "email:bob@example.com"
    assert email_id("not an email") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.0.0.0", None), ("::", None), ("bad", None), ("203.0.113.7", "203.0.113.7")],
)
def test_placeholder_ips_are_dropped(value, expected):
    assert ip_address(value) == expected


def test_currency_is_upper_cased_iso_code():
    assert currency("usd") == "USD"
    with pytest.raises(InvalidEvent):
        currency("dollars")


def test_webhook_lower_cases_header_names():
    hook = Webhook("shopify", {"X-Shopify-Topic": " orders/create "}, b"")
    assert hook.headers == {"x-shopify-topic": " orders/create "}
    assert hook.header("X-SHOPIFY-TOPIC") == "orders/create"
    assert hook.header("missing") is None
