import dataclasses

import pytest

from streams.core.rules import (
    RULES,
    CancelChurn,
    NonpaymentBurst,
    RuleSet,
    load_rule_tables,
    load_rules,
)
from streams.errors import ConfigError


def test_packaged_defaults_load_with_every_registered_rule():
    rules = load_rules()
    assert isinstance(rules, RuleSet)
    assert [rule.id for rule in rules.all()] == list(RULES) == [
        "nonpayment_burst",
        "cancel_churn",
        "order_flood",
        "unpaid_stock_held",
        "bad_contact",
        "dispute_abuse",
        "chargeback_abuse",
        "chargeback_deadline",
        "blocked_buyer_order",
        "off_platform_payment",
    ]
    assert rules.nonpayment_burst == NonpaymentBurst(
        version=1,
        enabled=True,
        horizon_days=7,
        medium=3,
        high=5,
        shops_medium=4,
        shops_high=6,
        min_shops=2,
    )
    assert rules.cancel_churn.min_ratio == 0.5
    assert rules.retention_days == 7
    assert rules.long_days == 180  # the chargeback horizon; disputes look back 90 days


def test_rules_are_frozen():
    rules = load_rules()
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.nonpayment_burst.medium = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.cancel_churn = rules.cancel_churn  # type: ignore[misc]


def test_a_rules_file_overrides_the_defaults_key_by_key(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[nonpayment_burst]\nversion = 2\nmedium = 4\nhorizon_days = 14\n")
    rules = load_rules(path)
    assert rules.nonpayment_burst.version == 2
    assert rules.nonpayment_burst.medium == 4
    assert rules.nonpayment_burst.high == 5  # untouched default
    assert rules.cancel_churn == load_rules().cancel_churn
    assert rules.retention_days == 14


def test_a_rule_can_be_disabled(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[cancel_churn]\nenabled = false\n")
    assert load_rules(str(path)).cancel_churn.enabled is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[nonpayment_burst\n", "invalid TOML"),
        ("[order_flud]\nmedium = 3\n", "unknown rule 'order_flud'"),
        ("nonpayment_burst = 3\n", "must be a table"),
        ("[nonpayment_burst]\nmedum = 3\n", "unknown setting nonpayment_burst.medum"),
        ("[nonpayment_burst]\nmedium = '3'\n", "nonpayment_burst.medium must be an integer"),
        ("[nonpayment_burst]\nmedium = true\n", "nonpayment_burst.medium must be an integer"),
        ("[nonpayment_burst]\nmedium = 2.5\n", "nonpayment_burst.medium must be an integer"),
        ("[cancel_churn]\nenabled = 1\n", "cancel_churn.enabled must be true or false"),
        ("[cancel_churn]\nmin_ratio = 'half'\n", "cancel_churn.min_ratio must be a number"),
        ("[cancel_churn]\nmin_ratio = 1.5\n", "min_ratio must be above 0 and at most 1"),
        ("[nonpayment_burst]\nhigh = 2\n", "high must be at least medium"),
        ("[nonpayment_burst]\nhorizon_days = 0\n", "horizon_days must be between"),
        ("[nonpayment_burst]\nmin_shops = 1\n", "min_shops must be at least 2"),
        ("[nonpayment_burst]\nversion = 0\n", "version must be at least 1"),
        ("[cancel_churn]\nshops_high = 1\n", "shops_high must be at least shops_medium"),
        ("[order_flood]\nhorizon_minutes = 0\n", "horizon_minutes must be between 1 and 1440"),
        ("[order_flood]\nunits_high = 3\n", "units_high must be at least units_medium"),
        ("[order_flood]\norders_medium = 0\n", "orders_medium must be at least 1"),
        ("[order_flood]\norders_high = 65\n", "orders_high must be at most 64"),
        ("[unpaid_stock_held]\nvalue_high = 10\n", "value_high must be at least value_medium"),
        ("[unpaid_stock_held]\nvalue_medium = -1\n", "must be 0 (off) or more"),
        ("[bad_contact]\nmin_phone_digits = 20\n", "min_phone_digits must be at least 1"),
        ("[bad_contact]\nhigh_problems = 1\n", "high_problems must be at least 2"),
        ("[dispute_abuse]\nmin_ratio = 0\n", "min_ratio must be above 0"),
        ("[chargeback_abuse]\nhorizon_days = 500\n", "horizon_days must be between"),
        ("[chargeback_deadline]\nhigh_hours = 100\n", "high_hours must be above 0"),
        ("[blocked_buyer_order]\nseverity = 'high'\n", "unknown setting blocked_buyer_order"),
    ],
)
def test_a_bad_rules_file_raises_config_error_with_one_clear_line(tmp_path, text, message):
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_rules(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_a_missing_rules_file_raises_config_error(tmp_path):
    with pytest.raises(ConfigError, match="rules file not found"):
        load_rules(tmp_path / "nope.toml")


def test_cancel_churn_accepts_an_integer_ratio(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[cancel_churn]\nmin_ratio = 1\n")
    assert load_rules(path).cancel_churn == dataclasses.replace(
        load_rules().cancel_churn, min_ratio=1
    )
    assert isinstance(load_rules().cancel_churn, CancelChurn)


def test_long_rules_keep_their_own_retention_and_disabling_them_drops_it(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[chargeback_abuse]\nenabled = false\n")
    assert load_rules(path).long_days == 90  # disputes still look back 90 days
    path.write_text("[chargeback_abuse]\nenabled = false\n[dispute_abuse]\nenabled = false\n")
    assert load_rules(path).long_days == 0
    path.write_text("[dispute_abuse]\nhorizon_days = 5\n[chargeback_abuse]\nhorizon_days = 6\n")
    rules = load_rules(path)
    assert (rules.retention_days, rules.long_days) == (7, 0)  # the daily rows cover them


def test_the_linked_accounts_table_is_passed_over_for_the_identities_stage(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[linked_accounts]\nmedium = 4\n")
    assert load_rules(path) == load_rules()
    assert load_rule_tables(path)["linked_accounts"]["medium"] == 4
