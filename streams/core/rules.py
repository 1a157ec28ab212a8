"""The rule registry and the rule set, loaded from TOML (packaged defaults + overrides)."""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from streams.core.thresholds import (
    MAX_HORIZON_DAYS,
    BadContact,
    BlockedBuyerOrder,
    BurstRule,
    CancelChurn,
    ChargebackAbuse,
    ChargebackDeadline,
    DisputeAbuse,
    NonpaymentBurst,
    OffPlatformPayment,
    OrderFlood,
    RatioRule,
    Rule,
    UnpaidStockHeld,
)
from streams.errors import ConfigError

__all__ = [
    "EXTERNAL",
    "MAX_HORIZON_DAYS",
    "RULES",
    "BadContact",
    "BlockedBuyerOrder",
    "BurstRule",
    "CancelChurn",
    "ChargebackAbuse",
    "ChargebackDeadline",
    "DisputeAbuse",
    "NonpaymentBurst",
    "OffPlatformPayment",
    "OrderFlood",
    "RatioRule",
    "Rule",
    "RuleSet",
    "UnpaidStockHeld",
    "load_rule_tables",
    "load_rules",
]

# The explicit registry: rule id -> its dataclass. A RuleSet has one field per entry.
RULES: dict[str, type[Rule]] = {
    cls.id: cls
    for cls in (
        NonpaymentBurst,
        CancelChurn,
        OrderFlood,
        UnpaidStockHeld,
        BadContact,
        DisputeAbuse,
        ChargebackAbuse,
        ChargebackDeadline,
        BlockedBuyerOrder,
        OffPlatformPayment,
    )
}
# Tables a rules file may hold for rules configured elsewhere (the identities stage's
# ``linked_accounts``, see ``streams.core.linking_rules``): load_rules passes them over,
# load_rule_tables returns them.
EXTERNAL: frozenset[str] = frozenset({"linked_accounts"})


@dataclass(frozen=True)
class RuleSet:
    """Every buyer rule, configured, and how long the buyer windows must keep their counts.

    ``retention_days`` is the longest horizon of the daily rules (daily buckets are kept that
    long); ``long_days`` the longest horizon of the enabled long rules (disputes,
    chargebacks), whose older days are kept in coarse form, 0 when none is enabled.
    """

    nonpayment_burst: NonpaymentBurst
    cancel_churn: CancelChurn
    order_flood: OrderFlood
    unpaid_stock_held: UnpaidStockHeld
    bad_contact: BadContact
    dispute_abuse: DisputeAbuse
    chargeback_abuse: ChargebackAbuse
    chargeback_deadline: ChargebackDeadline
    blocked_buyer_order: BlockedBuyerOrder
    off_platform_payment: OffPlatformPayment
    retention_days: int = field(init=False)
    long_days: int = field(init=False)

    def __post_init__(self) -> None:
        bursts = [rule for rule in self.all() if isinstance(rule, BurstRule)]
        short = [rule.horizon_days for rule in bursts if not rule.long]
        long = [rule.horizon_days for rule in bursts if rule.long and rule.enabled]
        retention = max(max(short, default=0), 2)
        object.__setattr__(self, "retention_days", retention)
        object.__setattr__(self, "long_days", max(long, default=0))
        if self.long_days and self.long_days <= retention:
            object.__setattr__(self, "long_days", 0)  # the daily buckets already cover it
            object.__setattr__(self, "retention_days", max(retention, *long))

    def all(self) -> tuple[Rule, ...]:
        """The rules in registry order."""
        return tuple(getattr(self, rule_id) for rule_id in RULES)


def load_rule_tables(path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, Any]]:
    """The rules file's tables, merged key by key over the packaged defaults, unchecked.

    For loaders of rules configured outside the registry (``EXTERNAL``), which check
    their own table.

    Raises:
        ConfigError: the file is missing, unreadable or not TOML, or names an unknown rule.

    """
    packaged = resources.files("streams").joinpath("rules.toml")
    tables = _parse(packaged.read_text(encoding="utf-8"), "packaged rules.toml")
    if path is not None:
        name = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"rules file not found: {name}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read rules file {name}: {exc}") from None
        for rule_id, values in _parse(text, name).items():
            tables.setdefault(rule_id, {}).update(values)
    return tables


def load_rules(path: str | os.PathLike[str] | None = None) -> RuleSet:
    """Load the rules: the packaged defaults, overridden key by key by ``path`` if given.

    Args:
        path: a TOML file with one table per rule id (see ``streams/rules.toml``);
            ``None`` loads the packaged defaults only.

    Returns:
        The configured rule set.

    Raises:
        ConfigError: the file is missing or not TOML, names an unknown rule or key, gives
            a value of the wrong type, or a threshold that makes no sense (one line).

    """
    tables = load_rule_tables(path)
    name = "packaged rules.toml" if path is None else str(path)
    rules = {rule_id: _build(cls, tables.get(rule_id, {}), name) for rule_id, cls in RULES.items()}
    return RuleSet(**rules)  # type: ignore[arg-type]


def _parse(text: str, name: str) -> dict[str, dict[str, Any]]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: invalid TOML: {exc}") from None
    for key, value in doc.items():
        if key not in RULES and key not in EXTERNAL:
            known = ", ".join([*RULES, *sorted(EXTERNAL)])
            raise ConfigError(f"{name}: unknown rule {key!r} (known: {known})")
        if not isinstance(value, dict):
            raise ConfigError(f"{name}: [{key}] must be a table of settings")
    return doc


def _build(cls: type[Rule], values: dict[str, Any], name: str) -> Rule:
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    values = dict(values)  # lists become tuples below; the caller's table stays as it was
    for key, value in values.items():
        if key not in fields:
            raise ConfigError(f"{name}: unknown setting {cls.id}.{key}")
        expected = hints[key]
        if expected == tuple[str, ...]:
            if not (isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)):
                raise ConfigError(f"{name}: {cls.id}.{key} must be a list of strings, "
                                  f"got {value!r}")
            values[key] = tuple(value)
            continue
        ok = (
            isinstance(value, bool)
            if expected is bool
            else isinstance(value, int | float) and not isinstance(value, bool)
            if expected is float
            else isinstance(value, int) and not isinstance(value, bool)
        )
        if not ok:
            kind = {bool: "true or false", float: "a number"}.get(expected, "an integer")
            raise ConfigError(f"{name}: {cls.id}.{key} must be {kind}, got {value!r}")
    missing = sorted(fields - values.keys())
    if missing:
        raise ConfigError(f"{name}: {cls.id} lacks settings {', '.join(missing)}")
    rule = cls(**values)
    try:
        rule.check()
    except ValueError as exc:
        raise ConfigError(f"{name}: {cls.id}: {exc}") from None
    return rule
