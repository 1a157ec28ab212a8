"""The native detection core (``engine/``, Rust), when built: ``streams._engine``.

A port of ``streams/core`` that keeps its states and alerts exactly (the differential tests,
``tests/unit/core/test_engine_parity.py``), with its states kept natively, not as dicts.
``make native`` builds it with cargo. This module is what the extension calls back into:
the full validation of an event line the native quick path leaves to Python.
"""

from __future__ import annotations

import importlib
import os
import unicodedata
import warnings
from types import ModuleType
from typing import Any

import orjson

from schemas.event import validate_event
from streams.core import buyers, linking, orders
from streams.core.linking_rules import LinkingRules, load_linking_file
from streams.core.lists import ListBook
from streams.core.rules import RuleSet, load_rules


def decode_event(line: bytes) -> dict[str, Any]:
    """``validate_event(orjson.loads(line))``: a line the native quick path did not take.

    Raises:
        orjson.JSONDecodeError: the line is not JSON.
        InvalidEvent: it is no canonical event.

    """
    return validate_event(orjson.loads(line))


def native() -> ModuleType | None:
    """The native core's module, or ``None``.

    ``None`` when it is not built, or when ``ORDERGUARD_PURE=1`` asks for the Python core.
    """
    if os.environ.get("ORDERGUARD_PURE") == "1":
        return None
    try:
        _engine = importlib.import_module("streams._engine")
    except ImportError:
        return None
    if _engine.UNIDATA_VERSION != unicodedata.unidata_version:
        # its character tables (engine/gen/unitables.py) are of another Unicode than this
        # Python's: contact checks could judge a rare character otherwise than Python does
        warnings.warn(
            f"orderguard: the native engine was built with Unicode {_engine.UNIDATA_VERSION}'s "
            f"tables, this Python has {unicodedata.unidata_version}'s; running the Python "
            "core instead. Regenerate them: python engine/gen/unitables.py > "
            "engine/src/pystr_tables.rs, then make native.",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    return _engine


def replay_engine(
    rules_file: str | os.PathLike[str] | None, lists: ListBook | None = None
) -> Any | None:
    """The native replay pipeline as ``orderguard replay`` runs it, or ``None``.

    Every rule and the linked-accounts stage, as ``streams.backtest.detection`` builds the
    Python one; ``None`` when :func:`native` is.

    Raises:
        ConfigError: the rules file is unusable (one line).

    """
    module = native()
    if module is None:
        return None
    return module.Engine(load_rules(rules_file), lists, load_linking_file(rules_file))


class Steps:
    """The stages' step functions over the dicts their tables keep: native when built.

    The orders, buyers and identities agents call these, so that the stream runs the same
    engine as ``orderguard replay``. Each native step reads the state dict, steps the
    native state and writes a new dict (the Python core's steps update the dict they are
    given; callers write back what is returned either way). Rules and lists are converted
    for the engine once, and again only when they change (``ListBook.version``).
    With ``module=None`` they are the Python core's own functions.
    """

    def __init__(self, module: ModuleType | None) -> None:
        self.module = module
        self._rules: tuple[Any, Any] = (None, None)
        self._linking: tuple[Any, Any] = (None, None)
        self._lists: tuple[Any, int, Any] = (None, -1, None)

    def step_order(
        self, state: dict[str, Any] | None, event: dict[str, Any]
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``streams.core.orders.step_order``."""
        if self.module is None:
            return orders.step_order(state, event)
        result: tuple[dict[str, Any], list[dict[str, Any]]] = self.module.step_order(state, event)
        return result

    def step_buyer(
        self,
        state: dict[str, Any] | None,
        event: dict[str, Any],
        rules: RuleSet,
        lists: ListBook | None = None,
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``streams.core.buyers.step_buyer``."""
        if self.module is None:
            return buyers.step_buyer(state, event, rules, lists)
        result: tuple[dict[str, Any], list[dict[str, Any]]] = self.module.step_buyer(
            state, event, self._native_rules(rules), self._native_lists(lists)
        )
        return result

    def step_identity(
        self, state: dict[str, Any] | None, key: str, message: dict[str, Any],
        rules: LinkingRules,
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``streams.core.linking.step_identity``."""
        if self.module is None:
            return linking.step_identity(state, key, message, rules)
        if self._linking[0] is not rules:
            self._linking = (rules, self.module.Linking(rules))
        result: tuple[dict[str, Any], list[dict[str, Any]]] = self.module.step_identity(
            state, key, message, self._linking[1]
        )
        return result

    def buyer_identity_keys(self, buyer_keys: list[str], event: dict[str, Any]) -> list[str]:
        """``streams.core.linking_keys.buyer_identity_keys``.

        ``buyer_keys`` itself when the event adds no key, as the Python function returns
        it (callers test ``keys is not old``).
        """
        if self.module is None:
            return linking.buyer_identity_keys(buyer_keys, event)
        keys: list[str] | None = self.module.buyer_identity_keys(buyer_keys, event)
        return buyer_keys if keys is None else keys

    def record_for_new_keys(
        self, old: list[str], keys: list[str], windows: dict[str, Any]
    ) -> dict[str, Any] | None:
        """``streams.core.linking_state.record_for_new_keys``."""
        if self.module is None:
            return linking.record_for_new_keys(old, keys, windows)
        record: dict[str, Any] | None = self.module.record_for_new_keys(old, keys, windows)
        return record

    def link_message(
        self, record: dict[str, Any] | None, event: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """``streams.core.linking_keys.link_message``."""
        if self.module is None:
            return linking.link_message(record, event, key)
        message: dict[str, Any] = self.module.link_message(record, event, key)
        return message

    def _native_rules(self, rules: RuleSet) -> Any:
        if self._rules[0] is not rules:
            self._rules = (rules, self.module.Rules(rules))  # type: ignore[union-attr]
        return self._rules[1]

    def _native_lists(self, lists: ListBook | None) -> Any:
        if not lists:
            return None
        book, version, converted = self._lists
        if book is not lists or version != lists.version:
            converted = self.module.Lists(lists)  # type: ignore[union-attr]
            self._lists = (lists, lists.version, converted)
        return converted


def steps() -> Steps:
    """The step functions a worker's stages run (:class:`Steps` over :func:`native`)."""
    return Steps(native())
