import pytest

from streams.core.fields import cents, epoch_of, format_day, format_epoch, units


@pytest.mark.parametrize(
    ("ts", "epoch"),
    [
        ("1970-01-01T00:00:00Z", 0),
        ("2026-10-01T08:30:00Z", 1790843400),
        ("2026-10-01T16:30:00+08:00", 1790843400),
        ("2026-10-01T08:30:00.999Z", 1790843400),
    ],
)
def test_epoch_of_reads_rfc3339_in_utc(ts, epoch):
    assert epoch_of(ts) == epoch


def test_format_epoch_and_format_day_write_rfc3339_with_z():
    assert format_epoch(1790843400) == "2026-10-01T08:30:00Z"
    assert format_day(1790843400 // 86400) == "2026-10-01T00:00:00Z"


@pytest.mark.parametrize(
    ("amount", "hundredths"),
    [
        ("129.90", 12990),
        ("129.9", 12990),
        ("129", 12900),
        ("0.05", 5),
        ("1e3", 100000),
        ("-3.50", -350),
        ("12.345", 1234),
        ("NaN", 0),
        ("abc", 0),
        (None, 0),
        (12.5, 0),
    ],
)
def test_cents_reads_decimal_strings(amount, hundredths):
    assert cents(amount) == hundredths


@pytest.mark.parametrize(
    ("items", "total"),
    [
        (None, 1),
        ([], 1),
        ([{"sku": "a", "quantity": 3}], 3),
        ([{"sku": "a", "quantity": 2}, {"sku": "b", "quantity": "4"}], 6),
        ([{"sku": "a"}], 1),
        ([{"sku": "a", "quantity": "lots"}], 1),
        ([{"sku": "a", "quantity": -2}], 0),
        (["not an item"], 1),
    ],
)
def test_units_totals_item_quantities(items, total):
    assert units(items) == total
