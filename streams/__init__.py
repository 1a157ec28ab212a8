"""orderguard: webhooks -> Kafka -> Faust risk rules -> explained alerts -> DuckDB."""

from streams.native import select_core

__version__ = "0.1.0"

# "compiled" (mypyc) or "python (<why>)"; decided before anything imports streams.core
CORE = select_core()
