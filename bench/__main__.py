"""Run every benchmark: `python -m bench` (or `make bench`); needs a broker for the pipeline."""

from __future__ import annotations

import platform
import sys

from bench import (
    bench_backtest,
    bench_ingest,
    bench_pipeline,
    bench_replay,
    bench_restart,
    bench_sink,
    bench_tables,
)


def main() -> None:
    """Run the benchmarks in turn; each prints its figures and ratios."""
    print(f"python {platform.python_version()} on {platform.machine()}, {sys.platform}")
    bench_replay.run()
    bench_backtest.run()
    bench_sink.run()
    bench_pipeline.run()
    bench_ingest.run()
    bench_restart.run()
    bench_tables.run()


if __name__ == "__main__":
    main()
