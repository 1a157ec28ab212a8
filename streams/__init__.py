"""orderguard: webhooks -> Kafka -> Faust risk rules -> explained alerts -> DuckDB."""

__version__ = "0.1.0"
