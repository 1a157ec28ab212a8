"""Whether the worker can reach Kafka, and a log filter that keeps an outage from flooding the log.

While the broker is down, aiokafka logs every failed connection, metadata refresh, fetch and
produce of every client in the worker: about 230 error lines a second for one worker here.
:class:`RepeatFilter` lets the first line of each kind through and counts the rest;
``streams.agents.broker`` reports the counts once a minute and when the broker is back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass


class RepeatFilter(logging.Filter):
    """Pass the first warning or error of each message template per window; count the others.

    Records below WARNING pass untouched. A template is the record's logger and its
    unformatted message (``"Unable connect to node with id %s: %s"``), so the same failure
    against another node or partition is still a repeat.
    """

    MAX_TEMPLATES = 1000  # a library that logs pre-formatted strings makes every line new

    def __init__(self, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.window_s = window_s
        self.clock = clock
        self._passed: dict[tuple[str, str], float] = {}
        self.suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether ``record`` is logged; counts it in :attr:`suppressed` when it is not."""
        if record.levelno < logging.WARNING:
            return True
        now = self.clock()
        key = (record.name, str(record.msg))
        last = self._passed.get(key)
        if last is not None and now - last < self.window_s:
            self.suppressed += 1
            return False
        if len(self._passed) >= self.MAX_TEMPLATES:
            self._passed = {k: t for k, t in self._passed.items() if now - t < self.window_s}
        self._passed[key] = now
        return True

    def take(self) -> int:
        """How many records were held back since the last call."""
        count, self.suppressed = self.suppressed, 0
        return count


def install(flt: logging.Filter, prefix: str = "aiokafka") -> list[str]:
    """Attach ``flt`` to the logger ``prefix`` and every one below it created so far.

    A filter on a logger sees only the records logged to that logger itself, not those its
    children pass up, so each is given the filter. Returns the loggers' names.
    """
    names = [prefix] + sorted(
        name for name in logging.root.manager.loggerDict if name.startswith(prefix + ".")
    )
    for name in names:
        logger = logging.getLogger(name)
        if flt not in logger.filters:
            logger.addFilter(flt)
    return names


@dataclass
class Reachability:
    """What the latest probes said of the broker.

    Attributes:
        reachable: the latest probe's answer; ``None`` before the first.
        since: epoch seconds when the current answer began (the first probe that gave it).
        checked: epoch seconds of the latest probe.

    """

    reachable: bool | None = None
    since: float | None = None
    checked: float | None = None

    def observe(self, ok: bool, now: float) -> bool:
        """Record a probe's answer at ``now``; whether it changed the state."""
        self.checked = now
        if ok is self.reachable:
            return False
        self.reachable, self.since = ok, now
        return True

    @property
    def down(self) -> bool:
        """Whether the latest probe failed (not before the first probe)."""
        return self.reachable is False

    def as_dict(self, now: float) -> dict[str, object]:
        """The ``kafka`` part of ``/health``."""
        return {
            "reachable": self.reachable,
            "for_s": None if self.since is None else round(now - self.since, 1),
            "checked_s_ago": None if self.checked is None else round(now - self.checked, 1),
        }
