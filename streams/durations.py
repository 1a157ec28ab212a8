"""Durations as users write them on the command line: ``90m``, ``12h``, ``30d``, ``2w``."""

from __future__ import annotations

UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def seconds(text: str) -> int | None:
    """The seconds ``text`` means (``30d``: 2,592,000), or ``None`` when it is no duration."""
    unit = UNITS.get(text[-1:].lower())
    if unit is None or not text[:-1].isdigit():
        return None
    return int(text[:-1]) * unit
