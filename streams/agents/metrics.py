"""``/metrics``: the worker's counters in Prometheus' text format, read when scraped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

import streams
from streams.agents.wiring import Wiring

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DEAD_LETTERED = "dead_lettered_"
# counters without labels, kept in ``Wiring.stats``: (stat, metric, help)
STAT_COUNTERS = (
    ("duplicate_deliveries", "orderguard_duplicate_deliveries",
     "Webhook deliveries dropped as seen before."),
    ("ingest_not_acked", "orderguard_ingest_not_acked",
     "Webhook deliveries Kafka did not acknowledge in time (spooled, or answered 503)."),
    ("ingest_spooled", "orderguard_ingest_spooled",
     "Webhook deliveries kept on disk while Kafka could not take them (answered 202)."),
    ("ingest_spool_full", "orderguard_ingest_spool_full",
     "Webhook deliveries answered 503 because the spool on disk was full."),
    ("spool_published", "orderguard_spool_published",
     "Spooled deliveries published to Kafka since."),
)


class WorkerCollector:
    """Turns what a worker counts anyway (``Wiring``, the sink, the lists) into metrics.

    Nothing here runs per event: the stages bump plain counters, and a scrape reads them.
    """

    def __init__(self, wiring: Wiring) -> None:
        self.w = wiring

    def collect(self) -> Iterator[Metric]:
        """The metric families, in a stable order."""
        w = self.w
        yield _counter("orderguard_webhook_requests", "Webhook deliveries answered, by platform "
                       "and HTTP status.", ["platform", "code"],
                       {(p, str(code)): n for (p, code), n in w.webhooks.items()})
        yield _counter("orderguard_stage_messages", "Messages each stage has taken, dead-lettered "
                       "ones included.", ["stage"], {(s,): n for s, n in w.processed.items()})
        yield _counter("orderguard_dead_letters", "Messages sent to orderguard.deadletter, by the "
                       "stage that could not handle them.", ["stage"],
                       {(k.removeprefix(DEAD_LETTERED),): n for k, n in w.stats.items()
                        if k.startswith(DEAD_LETTERED)})
        yield _counter("orderguard_alerts", "Alerts published to orderguard.alerts, by rule and "
                       "severity.", ["rule", "severity"], dict(w.alert_counts))
        yield _counter("orderguard_alerts_suppressed", "Alerts an allow-list entry suppressed, by "
                       "rule.", ["rule"], {(r,): n for r, n in w.suppressed_counts.items()})
        for stat, name, doc in STAT_COUNTERS:
            yield _counter(name, doc, [], {(): w.stats[stat]})
        if w.spool is not None:
            yield _gauge("orderguard_spool_bytes", "Bytes of deliveries waiting on disk for "
                         "Kafka.", w.spool.size())
        sink = w.sink
        if sink is not None:
            yield _counter("orderguard_sink_records", "Records the sink has written to DuckDB "
                           "(skipped: undecodable events).", ["kind"],
                           {("events",): sink.stored_events, ("alerts",): sink.stored_alerts,
                            ("skipped",): sink.skipped})
            yield _counter("orderguard_sink_pruned_rows", "Rows the retention "
                           "(ORDERGUARD_RETENTION_DAYS) deleted from DuckDB.", ["table"],
                           {(table,): n for table, n in sink.pruned.items()})
        reach = w.kafka
        if reach.reachable is not None:
            yield _gauge("orderguard_kafka_up", "1 when the latest probe of Kafka got an answer.",
                         int(reach.reachable))
            yield _gauge("orderguard_kafka_since_timestamp_seconds", "When Kafka became "
                         "reachable or unreachable (the latest change), epoch seconds.",
                         reach.since or 0)
        yield _gauge("orderguard_tables_recovered", "1 once the tables are read back from their "
                     "changelogs.", int(w.app.tables.recovery.completed.is_set()))
        lists = w.lists_service
        yield _gauge("orderguard_lists_entries", "Allow and deny list entries held.", len(w.lists))
        yield _gauge("orderguard_lists_caught_up", "1 once the lists topic is read to its end.",
                     int(bool(lists and lists.caught_up)))
        info = GaugeMetricFamily("orderguard_worker_info", "This worker's app id, version, core "
                                 "and table store.",
                                 labels=["app_id", "version", "core", "table_store"])
        info.add_metric([w.settings.app_id, streams.__version__, streams.CORE,
                         w.settings.table_store], 1)
        yield info


def _counter(
    name: str, doc: str, labels: list[str], values: dict[tuple[str, ...], int]
) -> CounterMetricFamily:
    family = CounterMetricFamily(name, doc, labels=labels)
    for key in sorted(values):
        family.add_metric(list(key), values[key])
    return family


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


def registry_for(wiring: Wiring) -> CollectorRegistry:
    """A registry of this worker's metrics alone (not the process-wide default one)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(WorkerCollector(wiring))  # type: ignore[arg-type]
    return registry


def render(registry: Any) -> bytes:
    """The exposition text of ``registry``."""
    return generate_latest(registry)
