"""The native detection core (``engine/``, Rust), when built: ``streams._engine``.

A port of ``streams/core`` that keeps its states and alerts exactly (the differential tests,
``tests/unit/core/test_engine_parity.py``), with its states kept natively, not as dicts.
``make native`` builds it with cargo. This module is what the extension calls back into:
the full validation of an event line the native quick path leaves to Python.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import orjson

from schemas.event import validate_event
from streams.core.linking_rules import load_linking_file
from streams.core.lists import ListBook
from streams.core.rules import load_rules


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
        from streams import _engine
    except ImportError:
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
