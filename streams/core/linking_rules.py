"""The ``linked_accounts`` rule: a frozen dataclass with its defaults and its TOML loader."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any, ClassVar

from streams.core.linking_keys import WEAK_KINDS
from streams.errors import ConfigError

MAX_HORIZON_DAYS = 60  # the state keeps two horizons of daily rows per member


@dataclass(frozen=True, slots=True)
class Levels:
    """When the accounts sharing one identity fire, for one strength of link.

    Attributes:
        medium: bad outcomes in the window for a medium alert.
        high: bad outcomes in the window for a high alert.
        min_ratio: bad outcomes over the orders placed in the window must reach this.
        min_accounts: distinct accounts with a bad outcome in the window.
        list_all: the alert lists every account seen with the identity (strong links), or
            only those with a bad outcome in the window (addresses: a paying co-resident is
            not part of a ring).

    """

    medium: int
    high: int
    min_ratio: float
    min_accounts: int
    list_all: bool


@dataclass(frozen=True)
class LinkingRules:
    """Accounts that share an identity and together cross the single-buyer thresholds.

    "Bad outcomes" are orders left to close unpaid, cancelled by the buyer, disputes opened
    and chargebacks, summed over every account seen with the identity. Strong links (phone,
    device, payment account, email) use ``medium``/``high``/``min_ratio``/``min_accounts``;
    addresses, shared by households, offices and dorms, the higher ``address_*`` bar.

    Attributes:
        version: part of every alert id; bump it when thresholds change.
        enabled: a disabled rule never fires (the state is still kept).
        horizon_days: length of the counting window, in UTC days.
        medium: bad outcomes of strongly linked accounts for a medium alert.
        high: ... for a high alert.
        min_ratio: share of the orders placed in the window that went bad.
        min_accounts: linked accounts that must each have a bad outcome in the window.
        address_medium: bad outcomes of accounts sharing an address for a medium alert.
        address_high: ... for a high alert.
        address_min_ratio: share of the address's orders in the window that went bad.
        address_min_accounts: accounts at the address with a bad outcome in the window.
        max_members: accounts kept per identity; beyond it the least bad, least recent
            account is dropped (and counted) so the state stays bounded.

    """

    id: ClassVar[str] = "linked_accounts"

    version: int = 1
    enabled: bool = True
    horizon_days: int = 7
    medium: int = 3
    high: int = 6
    min_ratio: float = 0.5
    min_accounts: int = 2
    address_medium: int = 5
    address_high: int = 10
    address_min_ratio: float = 0.6
    address_min_accounts: int = 3
    max_members: int = 16

    def check(self) -> None:
        """Raise ValueError naming the first setting that makes no sense."""
        if self.version < 1:
            raise ValueError("version must be at least 1")
        if not 1 <= self.horizon_days <= MAX_HORIZON_DAYS:
            raise ValueError(f"horizon_days must be between 1 and {MAX_HORIZON_DAYS}")
        for prefix in ("", "address_"):
            medium, high = getattr(self, f"{prefix}medium"), getattr(self, f"{prefix}high")
            if medium < 1:
                raise ValueError(f"{prefix}medium must be at least 1")
            if high < medium:
                raise ValueError(f"{prefix}high must be at least {prefix}medium")
            if not 0.0 <= getattr(self, f"{prefix}min_ratio") <= 1.0:
                raise ValueError(f"{prefix}min_ratio must be between 0 and 1")
            if getattr(self, f"{prefix}min_accounts") < 2:
                raise ValueError(f"{prefix}min_accounts must be at least 2")
        if not 2 <= self.max_members <= 256:
            raise ValueError("max_members must be between 2 and 256")

    @property
    def retention_days(self) -> int:
        """Days of rows kept: a late event up to one horizon old still sees whole windows."""
        return 2 * self.horizon_days

    def levels(self, kind: str) -> Levels:
        """The thresholds for an identity kind (``"phone"``, ``"addr"``, ...)."""
        if kind in WEAK_KINDS:
            return Levels(
                self.address_medium,
                self.address_high,
                self.address_min_ratio,
                self.address_min_accounts,
                list_all=False,
            )
        return Levels(self.medium, self.high, self.min_ratio, self.min_accounts, list_all=True)


def load_linking_rules(mapping: dict[str, Any] | None, name: str = "rules file") -> LinkingRules:
    """The ``linked_accounts`` rule: the defaults, overridden key by key by ``mapping``.

    Args:
        mapping: the ``[linked_accounts]`` table of a rules file, or ``None``.
        name: the file's name, for error messages.

    Raises:
        ConfigError: an unknown key, a value of the wrong type or a setting that makes no
            sense (one line naming the setting).

    """
    rid = LinkingRules.id
    if mapping is None:
        return LinkingRules()
    if not isinstance(mapping, dict):
        raise ConfigError(f"{name}: [{rid}] must be a table of settings")
    defaults = LinkingRules()
    types: dict[str, type] = {
        f.name: type(getattr(defaults, f.name)) for f in dataclasses.fields(LinkingRules)
    }
    for key, value in mapping.items():
        expected = types.get(key)
        if expected is None:
            raise ConfigError(f"{name}: unknown setting {rid}.{key}")
        if expected is bool:
            ok = isinstance(value, bool)
        elif expected is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        else:
            ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok:
            kind = "true or false" if expected is bool else "a number" if expected is float else ""
            kind = kind or "an integer"
            raise ConfigError(f"{name}: {rid}.{key} must be {kind}, got {value!r}")
    values: dict[str, Any] = {k: float(v) if types[k] is float else v for k, v in mapping.items()}
    rules = dataclasses.replace(defaults, **values)
    try:
        rules.check()
    except ValueError as exc:
        raise ConfigError(f"{name}: {rid}: {exc}") from None
    return rules


def load_linking_file(path: str | os.PathLike[str] | None = None) -> LinkingRules:
    """The ``linked_accounts`` rule from a rules file (``None``: the packaged defaults)."""
    from streams.core.rules import load_rule_tables

    table = load_rule_tables(path).get("linked_accounts")
    return load_linking_rules(table, str(path) if path is not None else "packaged rules.toml")
