"""Run every benchmark: `python -m bench` (or `make bench`)."""

from __future__ import annotations

import platform
import sys

from bench import bench_sink


def main() -> None:
    print(f"python {platform.python_version()} on {platform.machine()}, {sys.platform}")
    results = []
    results += bench_sink.run()
    for name in ("bench_replay", "bench_pipeline"):
        try:
            module = __import__(f"bench.{name}", fromlist=["run"])
        except ImportError:
            continue
        results += module.run()


if __name__ == "__main__":
    main()
