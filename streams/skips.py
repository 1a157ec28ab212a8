"""Bad inputs skipped on the way: the first few named, the rest only counted.

A file that is not what it should be (a binary, the wrong export) or a store full of old
dead-lettered payloads would otherwise print a line of standard error per record.
"""

from __future__ import annotations

import sys
from typing import IO

# bad records named one by one before the rest are only counted
REPORTED_SKIPS = 20


class Skips:
    """Reports skipped records to ``out`` (standard error by default) and counts them."""

    def __init__(self, out: IO[str] | None = None) -> None:
        self.out = out
        self.count = 0

    def skip(self, reason: str) -> None:
        """One more skipped record; named if it is among the first :data:`REPORTED_SKIPS`."""
        self.count += 1
        if self.count <= REPORTED_SKIPS:
            print(f"skipped {reason}", file=self.out or sys.stderr)

    def close(self, what: str) -> None:
        """Count what was skipped past the named ones (``what``: e.g. "lines of day.jsonl")."""
        if self.count > REPORTED_SKIPS:
            print(f"skipped {self.count - REPORTED_SKIPS:,} more invalid {what} "
                  f"({self.count:,} in all; the first {REPORTED_SKIPS} are named above)",
                  file=self.out or sys.stderr)
