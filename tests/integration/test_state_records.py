"""Table states an older worker wrote as JSON: restored, read and counted by a worker now."""

from __future__ import annotations

from datetime import timedelta

import orjson
from kafka import KafkaConsumer, KafkaProducer

from streams import statecodec
from streams.core.layout import CLOSED_UNPAID, WIDTH
from tests.factories import T0, unpaid_order
from tests.integration.conftest import sql, start_worker, wait_for
from tests.integration.helpers import post

TABLES = ("delivery-keys", "order-state", "buyer-windows", "buyer-identity-keys",
          "identity-state")


def _latest(broker: str, topics: list[str]) -> dict[tuple[str, int, bytes], bytes | None]:
    """The latest value of every key on each topic, by topic, partition and key."""
    consumer = KafkaConsumer(*topics, bootstrap_servers=broker, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=3000)
    try:
        return {(r.topic, r.partition, r.key): r.value for r in consumer}
    finally:
        consumer.close()


def _closes(broker: str, app_id: str, buyer: str) -> int:
    """The unpaid closes the buyer's latest state counts (0 before it has one)."""
    topic = f"{app_id}-buyer-windows-changelog"
    values = [v for (_, _, k), v in _latest(broker, [topic]).items()
              if v and orjson.loads(k) == buyer]
    rows = [row for value in values for row in statecodec.loads(value)["s"].values()]
    return sum(row[i + CLOSED_UNPAID] for row in rows for i in range(0, len(row), WIDTH))


def _counters(worker) -> dict:
    return (worker.health() or {}).get("counters", {})


def test_states_an_older_worker_wrote_as_json_are_restored_and_counted_on(
    own_broker, tmp_path, run_id
):
    broker, app_id, buyer = own_broker[0], f"og-json-{run_id}", f"json-{run_id}"
    events = []  # creation and unpaid close, 4 times, with a phone and a device
    for n in range(4):
        events += unpaid_order(buyer, T0 + timedelta(hours=6 * n), run_id, n,
                               device={"fingerprint": f"dev-{run_id}"})
    events[0]["shipping"] = {"name": "王芳", "phone": "+86 138 0013 8000", "country": "CN"}
    worker = start_worker(broker, tmp_path / "w", app_id)
    try:
        assert post(worker.url, events[:4])[0] == 202  # the first two orders
        wait_for(lambda: _closes(broker, app_id, buyer) == 2, timeout_s=120,
                 what="the buyer's state counting two unpaid closes")
    finally:
        worker.stop()

    # every table's latest records written again as JSON, as workers before
    # streams.statecodec wrote them
    latest = _latest(broker, [f"{app_id}-{table}-changelog" for table in TABLES])
    records = {key: value for key, value in latest.items() if value is not None}
    assert {topic for topic, _, _ in records} == {f"{app_id}-{t}-changelog" for t in TABLES}
    assert all(value[:1] == statecodec.MARK for value in records.values())
    producer = KafkaProducer(bootstrap_servers=broker)
    for (topic, partition, key), value in records.items():
        producer.send(topic, key=key, partition=partition,
                      value=orjson.dumps(statecodec.loads(value)))
    producer.flush()
    producer.close()

    worker = start_worker(broker, tmp_path / "w", app_id)  # reads the changelogs whole
    try:
        # the first delivery again, as a platform retries: its key came back from JSON too
        assert post(worker.url, events[:4])[0] == 202
        wait_for(lambda: _counters(worker).get("duplicate_deliveries") == 1, timeout_s=60,
                 what="the redelivery dropped")
        assert post(worker.url, events[4:])[0] == 202
        query = ("SELECT evidence_event_ids FROM alerts WHERE rule_id = 'nonpayment_burst' "
                 f"AND list_contains(buyer_ids, '{buyer}')")
        evidence = wait_for(lambda: sql(worker, query), timeout_s=120,
                            what="the nonpayment_burst alert")[0][0]
        # the first two closes were counted from the states restored from JSON
        assert {f"{run_id}-0-x", f"{run_id}-1-x"} <= set(evidence), evidence
    finally:
        worker.stop()
