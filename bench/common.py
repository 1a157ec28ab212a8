"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any

import orjson


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Seconds taken by the fastest of ``repeat`` runs (the least disturbed by noise)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def wait_until(started: float, what: str, reached: Callable[[], bool],
               timeout_s: float = 300) -> float:
    """Seconds from ``started`` (``time.perf_counter``) until ``reached()`` holds, checked every
    50 ms; a benchmark that would hang says what it was waiting for instead."""
    while not reached():
        if time.perf_counter() - started > timeout_s:
            msg = f"{what}: not reached within {timeout_s:.0f} s"
            raise RuntimeError(msg)
        time.sleep(0.05)
    return time.perf_counter() - started


def report(name: str, items: int, seconds: float, baseline_name: str, baseline_s: float) -> dict:
    """Print one line: throughput, baseline throughput and their ratio."""
    rate, base_rate = items / seconds, items / baseline_s
    line = (f"{name:<34} {rate:>12,.0f}/s   baseline {baseline_name:<28} {base_rate:>12,.0f}/s"
            f"   ratio {rate / base_rate:6.3f}")
    print(line, flush=True)
    return {"name": name, "rate": rate, "baseline": baseline_name, "baseline_rate": base_rate,
            "ratio": rate / base_rate}


def json_lines(values: Iterable[Any]) -> list[bytes]:
    """Each value as a JSON line (no newline), each bytes object only as long as its text.

    orjson's bytes keep the whole 4 KiB buffer they were written into: the simulated week's
    427,719 lines held that way took 2 GB, copied 135 MB.
    """
    return [bytes(memoryview(orjson.dumps(value))) for value in values]


def median(values: list[float]) -> float:
    return statistics.median(values)
