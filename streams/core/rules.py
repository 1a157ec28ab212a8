"""Detection rules as frozen dataclasses with versioned thresholds, loaded from TOML."""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from streams.errors import ConfigError

MAX_HORIZON_DAYS = 400


@dataclass(frozen=True)
class BurstRule:
    """A count of one buyer outcome within a horizon, at one shop and across shops.

    Attributes:
        version: part of every alert id; bump it when thresholds change.
        enabled: a disabled rule never fires.
        horizon_days: length of the counting window, in UTC days.
        medium: count at one shop that raises a medium alert.
        high: count at one shop that raises a high alert.
        shops_medium: count across shops (at least ``min_shops``) for a medium alert.
        shops_high: count across shops for a high alert.
        min_shops: shops the buyer must have hit for the across-shops count to apply.

    """

    id: ClassVar[str] = ""

    version: int
    enabled: bool
    horizon_days: int
    medium: int
    high: int
    shops_medium: int
    shops_high: int
    min_shops: int

    def check(self) -> None:
        """Raise ValueError naming the first threshold that makes no sense."""
        if self.version < 1:
            raise ValueError("version must be at least 1")
        if not 1 <= self.horizon_days <= MAX_HORIZON_DAYS:
            raise ValueError(f"horizon_days must be between 1 and {MAX_HORIZON_DAYS}")
        if self.medium < 1 or self.shops_medium < 1:
            raise ValueError("medium and shops_medium must be at least 1")
        if self.high < self.medium:
            raise ValueError("high must be at least medium")
        if self.shops_high < self.shops_medium:
            raise ValueError("shops_high must be at least shops_medium")
        if self.min_shops < 2:
            raise ValueError("min_shops must be at least 2")


@dataclass(frozen=True)
class NonpaymentBurst(BurstRule):
    """Orders the buyer let close unpaid (``order.closed_unpaid``) within the horizon."""

    id: ClassVar[str] = "nonpayment_burst"


@dataclass(frozen=True)
class CancelChurn(BurstRule):
    """Orders the buyer cancelled within the horizon, when they are a large share of orders.

    Attributes:
        min_ratio: cancels divided by orders placed in the window must reach this share.

    """

    id: ClassVar[str] = "cancel_churn"

    min_ratio: float

    def check(self) -> None:
        """Raise ValueError naming the first threshold that makes no sense."""
        super().check()
        if not 0.0 < self.min_ratio <= 1.0:
            raise ValueError("min_ratio must be above 0 and at most 1")


Rule = NonpaymentBurst | CancelChurn

# The explicit registry: rule id -> its dataclass. A RuleSet has one field per entry.
RULES: dict[str, type[BurstRule]] = {cls.id: cls for cls in (NonpaymentBurst, CancelChurn)}


@dataclass(frozen=True)
class RuleSet:
    """Every rule, configured. ``retention_days`` is the longest horizon: how long windows keep."""

    nonpayment_burst: NonpaymentBurst
    cancel_churn: CancelChurn
    retention_days: int = field(init=False)

    def __post_init__(self) -> None:
        longest = max(rule.horizon_days for rule in self.all())
        object.__setattr__(self, "retention_days", max(longest, 2))

    def all(self) -> tuple[BurstRule, ...]:
        """The rules in registry order."""
        return tuple(getattr(self, rule_id) for rule_id in RULES)


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
    else:
        name = "packaged rules.toml"
    rules = {rule_id: _build(cls, tables.get(rule_id, {}), name) for rule_id, cls in RULES.items()}
    return RuleSet(**rules)  # type: ignore[arg-type]


def _parse(text: str, name: str) -> dict[str, dict[str, Any]]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: invalid TOML: {exc}") from None
    for key, value in doc.items():
        if key not in RULES:
            known = ", ".join(RULES)
            raise ConfigError(f"{name}: unknown rule {key!r} (known: {known})")
        if not isinstance(value, dict):
            raise ConfigError(f"{name}: [{key}] must be a table of settings")
    return doc


def _build(cls: type[BurstRule], values: dict[str, Any], name: str) -> BurstRule:
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    for key, value in values.items():
        if key not in fields:
            raise ConfigError(f"{name}: unknown setting {cls.id}.{key}")
        expected = hints[key]
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
