import dataclasses

import pytest

from streams.core.rules import RULES, CancelChurn, NonpaymentBurst, RuleSet, load_rules
from streams.errors import ConfigError


def test_packaged_defaults_load_with_every_registered_rule():
    rules = load_rules()
    assert isinstance(rules, RuleSet)
    assert [rule.id for rule in rules.all()] == list(RULES) == ["nonpayment_burst", "cancel_churn"]
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
