"""Times as users write them on the command line.

Durations (``90m``, ``12h``, ``30d``, ``2w``) and points in time (a UTC day ``2026-10-01``,
an RFC 3339 time; one without an offset is UTC). ``--since`` counts a duration back from
now, ``block add --expires`` forward; both read points in time the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime

UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def seconds(text: str) -> int | None:
    """The seconds ``text`` means (``30d``: 2,592,000), or ``None`` when it is no duration."""
    unit = UNITS.get(text[-1:].lower())
    count = text[:-1]
    if unit is None or not (count.isascii() and count.isdigit()):  # not "²d"
        return None
    return int(text[:-1]) * unit


def instant(text: str) -> datetime | None:
    """The UTC-aware time ``text`` names (a day from its start), or ``None`` when it names none."""
    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)
