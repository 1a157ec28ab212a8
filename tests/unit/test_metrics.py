"""The /metrics collector over a worker's counters, read back with Prometheus' own parser."""

import asyncio
from collections import Counter
from types import SimpleNamespace

from prometheus_client.parser import text_string_to_metric_families

import streams
from streams.agents.metrics import registry_for, render
from streams.brokerwatch import Reachability
from streams.core.lists import ListBook
from streams.settings import Settings


def _worker(**overrides):
    recovered = asyncio.Event()
    recovered.set()
    kafka = Reachability()
    kafka.observe(False, 1_790_000_000.0)
    w = SimpleNamespace(
        webhooks=Counter({("shopify", 202): 5, ("other", 404): 1}),
        processed=Counter({"orders": 7, "buyers": 4}),
        stats=Counter({"dead_lettered_orders": 2, "duplicate_deliveries": 3,
                       "ingest_spool_full": 4}),
        alert_counts=Counter({("cancel_churn", "high"): 1, ("order_flood", "medium"): 2}),
        suppressed_counts=Counter({"cancel_churn": 1}),
        sink=SimpleNamespace(stored_events=9, stored_alerts=1, skipped=0,
                             pruned=Counter({"events": 40, "orders": 12})),
        kafka=kafka, lists=ListBook(), lists_service=SimpleNamespace(caught_up=True),
        app=SimpleNamespace(tables=SimpleNamespace(recovery=SimpleNamespace(completed=recovered))),
        settings=Settings.from_env({"ORDERGUARD_APP_ID": "og-x"}), spool=None,
    )
    vars(w).update(overrides)
    return w


def _samples(w) -> dict:
    text = render(registry_for(w)).decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_every_counter_and_gauge_is_exposed_with_its_labels():
    got = _samples(_worker())
    webhooks = "orderguard_webhook_requests_total"
    assert got[(webhooks, (("code", "202"), ("platform", "shopify")))] == 5
    assert got[(webhooks, (("code", "404"), ("platform", "other")))] == 1
    assert got[("orderguard_stage_messages_total", (("stage", "orders"),))] == 7
    assert got[("orderguard_dead_letters_total", (("stage", "orders"),))] == 2
    assert got[("orderguard_alerts_total", (("rule", "order_flood"), ("severity", "medium")))] == 2
    assert got[("orderguard_alerts_suppressed_total", (("rule", "cancel_churn"),))] == 1
    assert got[("orderguard_duplicate_deliveries_total", ())] == 3
    assert got[("orderguard_ingest_not_acked_total", ())] == 0
    assert got[("orderguard_ingest_spooled_total", ())] == 0
    assert got[("orderguard_ingest_spool_full_total", ())] == 4
    assert got[("orderguard_sink_records_total", (("kind", "events"),))] == 9
    assert got[("orderguard_sink_pruned_rows_total", (("table", "orders"),))] == 12
    assert got[("orderguard_kafka_up", ())] == 0
    assert got[("orderguard_kafka_since_timestamp_seconds", ())] == 1_790_000_000
    assert got[("orderguard_tables_recovered", ())] == 1
    assert got[("orderguard_lists_caught_up", ())] == 1
    info = (("app_id", "og-x"), ("core", streams.CORE), ("table_store", "bytes"),
            ("version", streams.__version__))
    assert got[("orderguard_worker_info", info)] == 1


def test_a_worker_without_sink_and_before_its_first_probe_leaves_those_metrics_out():
    got = _samples(_worker(sink=None, kafka=Reachability()))
    names = {name for name, _ in got}
    assert "orderguard_sink_records_total" not in names
    assert "orderguard_kafka_up" not in names
    assert "orderguard_stage_messages_total" in names


def test_a_worker_with_a_spool_reports_the_bytes_waiting_in_it(tmp_path):
    from streams.spool import Spool

    spool = Spool(tmp_path / "spool", 1 << 20)
    spool.append(b'{"keys": ["k"], "events": []}')
    got = _samples(_worker(spool=spool))
    assert got[("orderguard_spool_bytes", ())] == len(b'{"keys": ["k"], "events": []}\n')


def test_counters_read_at_scrape_time_so_a_later_scrape_sees_new_counts():
    w = _worker()
    registry = registry_for(w)
    first = render(registry)
    w.processed["identities"] += 4
    assert b'stage="identities"' not in first
    assert b'orderguard_stage_messages_total{stage="identities"} 4.0' in render(registry)
