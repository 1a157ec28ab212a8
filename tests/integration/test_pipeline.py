"""End to end on a real broker: webhook -> stages -> orderguard.alerts -> DuckDB."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import orjson

from streams import statecodec
from streams.demo import namespace_ids
from tests.component.test_store import alert as contract_alert
from tests.factories import T0, make_event
from tests.integration.conftest import sql, wait_for
from tests.integration.helpers import churner, honest, nonpayer, post, read_alerts


def rules_by_buyer(alerts):
    out: dict[str, set[str]] = {}
    for a in alerts:
        for b in a["buyer_ids"]:
            out.setdefault(b, set()).add(a["rule_id"])
    return out


def stored(worker, prefix):
    return sql(worker, f"SELECT count(*), count(DISTINCT event_id) FROM events "
                       f"WHERE event_id LIKE '{prefix}-%'")[0]


def test_webhook_traffic_raises_the_expected_alerts_for_a_downstream_consumer(
    broker, worker, run_id
):
    np, ch, ok = f"np-{run_id}", f"ch-{run_id}", f"ok-{run_id}"
    events = nonpayer(np, T0, run_id) + churner(ch, T0, run_id) + honest(ok, T0, run_id)
    status, body = post(worker.url, events)
    assert (status, body) == (202, {"accepted": len(events)})

    alerts = read_alerts(broker, {np, ch, ok},
                         until=lambda found: {np, ch} <= set(rules_by_buyer(found)))
    by_buyer = rules_by_buyer(alerts)
    assert "nonpayment_burst" in by_buyer[np]
    assert "cancel_churn" in by_buyer[ch]
    assert ok not in by_buyer
    for a in alerts:
        assert a["explanation"] and a["evidence_event_ids"] and a["recommended_actions"]
    # the sink stores every event once
    wait_for(lambda: stored(worker, run_id) == (len(events), len(events)), what="events stored")


def test_follow_ups_without_buyer_are_attributed_even_when_they_arrive_first(
    broker, worker, run_id
):
    buyer = f"late-{run_id}"
    events = nonpayer(buyer, T0, run_id)
    closes = [e for e in events if e["type"] == "order.closed_unpaid"]
    creates = [e for e in events if e["type"] == "order.created"]
    assert all("buyer_id" not in e for e in closes)
    assert post(worker.url, closes)[0] == 202  # the thin follow-ups come first
    assert post(worker.url, creates)[0] == 202
    alerts = read_alerts(broker, {buyer}, until=lambda f: any(
        a["rule_id"] == "nonpayment_burst" for a in f))
    evidence = {e for a in alerts for e in a["evidence_event_ids"]}
    assert evidence & {e["event_id"] for e in closes}
    wait_for(lambda: stored(worker, run_id)[0] == len(events), what="events stored")
    resolved = sql(worker, f"SELECT DISTINCT buyer_id FROM events_resolved "
                           f"WHERE event_id LIKE '{run_id}-%'")
    assert resolved == [(buyer,)]


def test_redelivered_events_change_nothing(broker, worker, run_id):
    buyer = f"dup-{run_id}"
    events = nonpayer(buyer, T0, run_id)
    assert post(worker.url, events)[0] == 202
    first = read_alerts(broker, {buyer}, until=lambda f: bool(f))
    wait_for(lambda: stored(worker, run_id)[0] == len(events), what="events stored")
    shuffled = events[:]
    random.Random(3).shuffle(shuffled)
    assert post(worker.url, shuffled)[0] == 202  # the platform redelivers everything
    assert post(worker.url, events[:3])[0] == 202
    marker = f"mark-{run_id}"  # an unrelated buyer's alert proves the redeliveries were consumed
    assert post(worker.url, nonpayer(marker, T0, f"m{run_id}"))[0] == 202
    again = read_alerts(broker, {buyer, marker}, until=lambda f: any(
        marker in a["buyer_ids"] for a in f))
    assert sorted(a["alert_id"] for a in again if buyer in a["buyer_ids"]) == sorted(
        a["alert_id"] for a in first)
    wait_for(lambda: stored(worker, f"m{run_id}")[0] == 10, what="marker stored")
    assert stored(worker, run_id) == (len(events), len(events))


def test_replay_of_the_same_events_yields_the_same_alert_ids(broker, worker, run_id, tmp_path):
    from streams.simulator import simulate

    # Every archetype: rings, stock lockers, chargeback and dispute abusers, fake contacts,
    # households, late and redelivered events. The stream interleaves a buyer's orders
    # across partitions differently from the file; the alert ids must not care.
    sim = simulate(seed=11, buyers=120)
    # keep the simulation apart from other tests' buyers and events
    events = [namespace_ids(e, run_id) for e in sim.events]
    for start in range(0, len(events), 200):
        assert post(worker.url, events[start:start + 200])[0] == 202
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    replayed = subprocess.run([sys.executable, "-m", "streams.cli", "replay", str(path)],
                              check=True, capture_output=True).stdout.splitlines()
    alerts = [orjson.loads(line) for line in replayed]
    expected = {a["alert_id"] for a in alerts}
    assert {a["rule_id"] for a in alerts} >= {
        "nonpayment_burst", "cancel_churn", "order_flood", "unpaid_stock_held", "bad_contact",
        "dispute_abuse", "chargeback_abuse", "chargeback_deadline", "linked_accounts"}
    buyers = {e["buyer_id"] for e in events if e.get("buyer_id")}
    streamed = read_alerts(broker, buyers, until=lambda f: {a["alert_id"] for a in f} >= expected)
    assert {a["alert_id"] for a in streamed} == expected


def test_replay_with_the_same_lists_raises_and_suppresses_the_same_alerts(
    broker, worker, run_id, tmp_path
):
    from streams.core.lists import ListEntry
    from streams.lists_topic import publish_entry
    from streams.simulator import simulate

    sim = simulate(seed=12, buyers=120)
    events = [namespace_ids(e, run_id) for e in sim.events]
    assert sim.rings, "the simulation should hold a linked ring"

    def ours(kind: str) -> list[str]:
        return sorted(f"{run_id}-{b}" for b, k in sim.truth.items() if k == kind)

    # a whole ring and two non-payers allow-listed, two honest buyers deny-listed
    allowed = sorted(f"{run_id}-{b}" for b in sim.rings[0]) + ours("nonpayer")[:2]
    entries = [ListEntry("allow", b, "*", "known accounts", "it", 0) for b in allowed]
    entries += [ListEntry("deny", b, "*", "chargeback fraud", "it", 0) for b in ours("honest")[:2]]
    before = worker.health()["lists"]["entries"]
    for entry in entries:
        publish_entry(broker, entry)
    wait_for(lambda: worker.health()["lists"]["entries"] >= before + len(entries),
             what="the worker to see the entries")
    for start in range(0, len(events), 200):
        assert post(worker.url, events[start:start + 200])[0] == 202

    path, lists = tmp_path / "events.jsonl", tmp_path / "lists.jsonl"
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    lists.write_bytes(b"".join(orjson.dumps(e.to_dict()) + b"\n" for e in entries))
    replay = subprocess.run([sys.executable, "-m", "streams.cli", "replay", str(path),
                             "--lists", str(lists)], check=True, capture_output=True, text=True)
    alerts = [orjson.loads(line) for line in replay.stdout.splitlines()]
    expected = {a["alert_id"] for a in alerts}
    assert {"blocked_buyer_order", "linked_accounts"} <= {a["rule_id"] for a in alerts}
    suppressed = int(replay.stderr.split(" alerts suppressed by allow-list entries")[0]
                     .rsplit("replay: ", 1)[1])
    assert suppressed > 0

    buyers = {e["buyer_id"] for e in events if e.get("buyer_id")}
    streamed = read_alerts(broker, buyers, until=lambda f: {a["alert_id"] for a in f} >= expected)
    assert {a["alert_id"] for a in streamed} == expected
    assert not {b for a in streamed for b in a["buyer_ids"]} & set(allowed[:len(sim.rings[0])])
    count = f"SELECT count(*) FROM suppressions WHERE buyer_ids[1] LIKE '{run_id}-%'"
    wait_for(lambda: sql(worker, count)[0][0] == suppressed, timeout_s=90,
             what=f"the stream's {suppressed} suppressions stored")


def test_bad_webhook_gets_422_with_a_reason_and_lands_in_the_dead_letter_topic(
    broker, worker, run_id
):
    from kafka import KafkaConsumer

    bad = orjson.dumps(make_event(event_id=f"bad-{run_id}", amount=12.5))
    status, body = post(worker.url, bad)
    assert status == 422
    assert body["error"] == "amount must be a decimal string such as \"129.90\""
    status, body = post(worker.url, b'{"event_id": "x", ' + run_id.encode())
    assert status == 422 and body["error"].startswith("body is not valid JSON")

    consumer = KafkaConsumer("orderguard.deadletter", bootstrap_servers=broker,
                             group_id=f"dl-{run_id}", auto_offset_reset="earliest",
                             consumer_timeout_ms=3000)
    found = {}
    for _ in range(20):
        for m in consumer:
            if run_id.encode() in m.value:
                found[m.value] = dict(m.headers)
        if len(found) == 2:
            break
    consumer.close()
    assert bad in found
    headers = found[bad]
    assert headers["orderguard.errors.stage"] == b"ingest"
    assert headers["orderguard.errors.exception.class.name"] == b"InvalidEvent"
    assert set(headers) >= {f"orderguard.errors.{h}" for h in (
        "topic", "partition", "offset", "stage", "exception.class.name", "exception.message")}


def test_a_bad_message_on_the_events_topic_is_dead_lettered_and_the_worker_carries_on(
    broker, worker, run_id
):
    from kafka import KafkaConsumer, KafkaProducer

    producer = KafkaProducer(bootstrap_servers=broker)
    garbage = f"not json {run_id}".encode()
    producer.send("orderguard.events", key=b"k", value=garbage).get(30)
    invalid = orjson.dumps({"event_id": f"inv-{run_id}", "type": "order.created"})
    producer.send("orderguard.events", key=b"k", value=invalid).get(30)
    # every field there, but a time the analytics store cannot cast either
    timeless = orjson.dumps(make_event(event_id=f"nt-{run_id}", occurred_at="garbage"))
    producer.send("orderguard.events", key=b"k", value=timeless).get(30)
    producer.close()
    buyer = f"after-{run_id}"
    assert post(worker.url, nonpayer(buyer, T0, run_id))[0] == 202
    read_alerts(broker, {buyer}, until=bool)  # later traffic is still processed
    wait_for(lambda: stored(worker, run_id)[0] == 10, what="the sink stores what follows")

    consumer = KafkaConsumer("orderguard.deadletter", bootstrap_servers=broker,
                             group_id=f"dl2-{run_id}", auto_offset_reset="earliest",
                             consumer_timeout_ms=3000)
    found = {m.value: dict(m.headers) for m in consumer if run_id.encode() in m.value}
    consumer.close()
    assert set(found) == {garbage, invalid, timeless}  # once each, by the orders stage
    for headers in found.values():
        assert headers["orderguard.errors.topic"] == b"orderguard.events"
        assert headers["orderguard.errors.stage"] == b"orders"
        assert int(headers["orderguard.errors.offset"]) >= 0


def test_a_bad_message_on_the_alerts_topic_is_dead_lettered_by_the_sink_which_carries_on(
    broker, worker, run_id
):
    from kafka import KafkaConsumer, KafkaProducer

    bad = [
        f"not json {run_id}".encode(),
        orjson.dumps({"alert_id": f"{run_id}-bare", "severity": "high"}),
        orjson.dumps(contract_alert(f"{run_id}-no-time", occurred_at=f"never {run_id}")),
    ]
    good = contract_alert(f"{run_id}-good")
    producer = KafkaProducer(bootstrap_servers=broker)
    for value in [*bad, orjson.dumps(good)]:
        producer.send("orderguard.alerts", key=b"k", value=value).get(30)
    producer.close()
    wait_for(lambda: sql(worker, f"SELECT count(*) FROM alerts WHERE alert_id = '{run_id}-good'")
             == [(1,)], what="the good alert stored after the bad ones")
    assert sql(worker, f"SELECT count(*) FROM alerts WHERE alert_id LIKE '{run_id}-%'") == [(1,)]

    consumer = KafkaConsumer("orderguard.deadletter", bootstrap_servers=broker,
                             group_id=f"dl3-{run_id}", auto_offset_reset="earliest",
                             consumer_timeout_ms=3000)
    found = {m.value: dict(m.headers) for m in consumer if run_id.encode() in m.value}
    consumer.close()
    assert set(found) == set(bad)
    for headers in found.values():
        assert headers["orderguard.errors.topic"] == b"orderguard.alerts"
        assert headers["orderguard.errors.stage"] == b"sink"
    reasons = {v: h["orderguard.errors.exception.message"] for v, h in found.items()}
    assert b"lacks fields" in reasons[bad[1]]
    assert b"never" in reasons[bad[2]]  # DuckDB's conversion error names the value
    # a downstream consumer such as `orderguard alerts` skips what is no JSON alert, and says so
    printed = subprocess.run([sys.executable, "-m", "streams.cli", "alerts"],
                             env={**os.environ, "ORDERGUARD_KAFKA": broker},
                             capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0, printed.stderr
    assert "not an alert" in printed.stderr
    assert f"{run_id}-good" in printed.stdout


def test_sql_cli_reads_while_the_worker_runs_and_refuses_writes(worker, run_id):
    assert post(worker.url, honest(f"sql-{run_id}", T0, run_id, orders=2))[0] == 202
    wait_for(lambda: stored(worker, run_id)[0] == 4, what="events stored")
    env = {**worker.env}
    query = f"SELECT count(*) AS n FROM events WHERE event_id LIKE '{run_id}-%'"
    out = subprocess.run([sys.executable, "-m", "streams.cli", "sql", query, "--format", "jsonl"],
                         env=env, capture_output=True, text=True, check=True).stdout
    assert orjson.loads(out) == {"n": 4}
    refused = subprocess.run([sys.executable, "-m", "streams.cli", "sql", "DELETE FROM events"],
                             env=env, capture_output=True, text=True)
    assert refused.returncode == 2
    assert "only SELECT queries are allowed" in refused.stderr
    assert stored(worker, run_id)[0] == 4
    # EXPLAIN ANALYZE runs what it explains, and a SELECT could read the host's files
    for query, status, said in [
        (f"EXPLAIN ANALYZE DELETE FROM events WHERE event_id LIKE '{run_id}-%'", 403,
         "only SELECT queries are allowed here, not DELETE"),
        ("SELECT * FROM read_text('/etc/hostname')", 400, "file system operations are disabled"),
        ("SELEC 1", 400, "cannot parse query"),
    ]:
        answer = post(worker.url, {"sql": query}, path="/sql")
        assert answer[0] == status and said in answer[1]["error"], answer
    assert stored(worker, run_id)[0] == 4
    # a result the worker would build whole beside its stages is refused past the cap
    huge = subprocess.run([sys.executable, "-m", "streams.cli", "sql",
                           "SELECT * FROM range(100000001)"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert huge.returncode == 2
    assert "more than 100,000 rows, the most a worker serves" in huge.stderr
    capped = subprocess.run([sys.executable, "-m", "streams.cli", "sql",
                             "SELECT count(*) AS n FROM range(100000)", "--format", "jsonl"],
                            env=env, capture_output=True, text=True, check=True).stdout
    assert orjson.loads(capped) == {"n": 100000}


def test_sql_on_another_store_reads_that_file_not_the_running_worker_s(worker, run_id, tmp_path):
    from analytics.store import Store, StoredMessage

    other = tmp_path / "copy.duckdb"
    store = Store(other)
    store.write([StoredMessage(make_event(event_id=f"{run_id}-only-here"))], [])
    store.close()
    query = f"SELECT count(*) AS n FROM events WHERE event_id LIKE '{run_id}-only-here'"
    for path, expected in ((other, 1), (worker.env["ORDERGUARD_DUCKDB"], 0)):
        out = subprocess.run(
            [sys.executable, "-m", "streams.cli", "sql", query, "--format", "jsonl"],
            env={**worker.env, "ORDERGUARD_DUCKDB": str(path)}, capture_output=True,
            text=True, check=True).stdout
        assert orjson.loads(out) == {"n": expected}, path


def test_alerts_follow_prints_alerts_as_json_lines(broker, worker, run_id):
    buyer = f"follow-{run_id}"
    assert post(worker.url, nonpayer(buyer, T0, run_id))[0] == 202
    read_alerts(broker, {buyer}, until=bool)
    out = subprocess.run(
        [sys.executable, "-m", "streams.cli", "alerts", "--follow", "--idle-timeout", "5"],
        env=worker.env, capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    mine = [orjson.loads(line) for line in out.splitlines() if buyer in line]
    assert mine and all(a["buyer_ids"] == [buyer] for a in mine)


def test_alerts_keeps_to_the_sellers_and_severities_asked_for(broker, run_id):
    from kafka import KafkaProducer

    from streams.kafka_admin import ensure_topics
    from streams.topics import ALERTS

    ensure_topics(broker, 4)
    sent = [(f"{run_id}-a", "medium"), (f"{run_id}-a", "high"), (f"{run_id}-b", "critical"),
            (f"{run_id}-c", "critical")]
    producer = KafkaProducer(bootstrap_servers=broker)
    for n, (seller, severity) in enumerate(sent):
        alert = contract_alert(f"{run_id}-{n}", buyer_ids=[f"{run_id}-b{n}"],
                               seller_id=seller, severity=severity)
        producer.send(ALERTS, key=f"{run_id}-b{n}".encode(), value=orjson.dumps(alert))
    producer.flush()
    producer.close()

    def printed(*args: str) -> list[tuple[str, str]]:
        out = subprocess.run([sys.executable, "-m", "streams.cli", "alerts", *args],
                             env={**os.environ, "ORDERGUARD_KAFKA": broker},
                             capture_output=True, text=True, timeout=120, check=True).stdout
        alerts = [orjson.loads(line) for line in out.splitlines()]
        # sorted: the alerts' keys put them on different partitions
        return sorted((a["seller_id"], a["severity"]) for a in alerts
                      if a["alert_id"].startswith(run_id))

    assert printed() == sorted(sent)
    assert printed("--seller", f"{run_id}-a", "--min-severity", "high") == [sent[1]]
    assert printed("--seller", f"{run_id}-a", "--seller", f"{run_id}-b") == sorted(sent[:3])
    assert printed("--min-severity", "critical") == sent[2:]
    text = subprocess.run(
        [sys.executable, "-m", "streams.cli", "alerts", "--seller", f"{run_id}-b", "--format",
         "text"], env={**os.environ, "ORDERGUARD_KAFKA": broker}, capture_output=True,
        text=True, timeout=120, check=True).stdout.splitlines()
    assert len(text) == 1 and text[0].split()[1:5] == [f"{run_id}-b", f"{run_id}-b2", "!!!",
                                                      "critical"], text


def test_alerts_with_a_group_moves_it_past_the_alerts_it_printed_only(broker, run_id):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    from streams.topics import ALERTS

    group = f"{run_id}-reader"
    start = KafkaConsumer(bootstrap_servers=broker, group_id=group, enable_auto_commit=False)
    parts = [TopicPartition(ALERTS, p) for p in start.partitions_for_topic(ALERTS)]
    start.commit({tp: OffsetAndMetadata(end, "", -1)
                  for tp, end in start.end_offsets(parts).items()})  # what came before: read
    start.close()
    producer = KafkaProducer(bootstrap_servers=broker)
    for n in range(6):  # one key: one partition, in this order
        producer.send(ALERTS, key=f"{run_id}-b".encode(), value=orjson.dumps(
            contract_alert(f"{run_id}-{n}", buyer_ids=[f"{run_id}-b"])))
    producer.flush()
    producer.close()
    env = {**os.environ, "ORDERGUARD_KAFKA": broker}
    reader = [sys.executable, "-m", "streams.cli", "alerts", "--group", group]
    # alerts that could not be written (a full disk) are not read: the group stays
    with open("/dev/full", "wb") as full:
        failed = subprocess.run(reader, env=env, stdout=full, stderr=subprocess.PIPE,
                                timeout=120)
    assert failed.returncode == 2
    assert failed.stderr.decode().splitlines() == [
        "Error: cannot write the alerts: No space left on device"]
    # two that were printed and the four after them: the group moves past each it printed
    first = subprocess.run([*reader, "--format", "text"], env=env, capture_output=True,
                           text=True, timeout=120, check=True).stdout.splitlines()
    again = subprocess.run(reader, env=env, capture_output=True, text=True, timeout=120,
                           check=True).stdout
    assert [line.split()[2] for line in first] == [f"{run_id}-b"] * 6
    assert again == ""
    # a reader that closes the pipe (`| head -n 1`) ends quietly
    head = subprocess.run(["bash", "-c", f"{' '.join(reader[:-1])} {run_id}-new | head -n 1"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert head.returncode == 0 and len(head.stdout.splitlines()) == 1
    assert "Error" not in head.stderr and "Traceback" not in head.stderr, head.stderr


def test_a_buyer_asking_to_pay_off_the_platform_is_alerted_through_the_real_pipeline(
        broker, worker, run_id):
    from datetime import timedelta

    buyer, order = f"op-{run_id}", f"{run_id}-o1"
    created = make_event(buyer=buyer, order=order, event_id=f"{run_id}-c1")
    # a thin message (no buyer) that overtakes its order's creation: the orders stage holds
    # it until the creation names the buyer
    asked = make_event("buyer.message", buyer=None, order=order, event_id=f"{run_id}-m1",
                       at=T0 + timedelta(minutes=5), text="亲，可以私下交易吗？微信转账给你")
    everyday = make_event("buyer.message", buyer=buyer, order=order, event_id=f"{run_id}-m2",
                          at=T0 + timedelta(minutes=6), text="什么时候发货？")
    assert post(worker.url, [asked, everyday, created])[0] == 202
    (alert,) = read_alerts(broker, {buyer}, until=lambda found: bool(found))
    assert alert["rule_id"] == "off_platform_payment" and alert["severity"] == "medium"
    assert (alert["buyer_ids"], alert["order_id"]) == ([buyer], order)
    assert alert["evidence_event_ids"] == [asked["event_id"]]
    assert "decline_off_platform_payment" in alert["recommended_actions"]


def test_a_message_that_raises_nothing_writes_no_buyer_state(broker, worker, run_id):
    import time
    from datetime import timedelta

    from kafka import KafkaConsumer

    buyer, order = f"quiet-{run_id}", f"{run_id}-q1"
    note = make_event("buyer.message", buyer=buyer, order=order, event_id=f"{run_id}-qm",
                      text="什么时候发货？")
    created = make_event(buyer=buyer, order=order, event_id=f"{run_id}-qc",
                         at=T0 + timedelta(minutes=1))
    # one order: its events stay in this order through every stage, so the buyer's changelog
    # holds the message's write (if any) before the creation's
    assert post(worker.url, [note, created])[0] == 202
    topic = f"{worker.env['ORDERGUARD_APP_ID']}-buyer-windows-changelog"
    consumer = KafkaConsumer(topic, bootstrap_servers=broker, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=1000)
    states: list = []
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and not any(s and s.get("w") for s in states):
            states += [statecodec.loads(r.value) for r in consumer
                       if r.key and orjson.loads(r.key) == buyer and r.value]
    finally:
        consumer.close()
    assert len(states) == 1 and states[0]["w"] > 0, states


def test_the_worker_log_says_which_core_runs(worker):
    lines = worker.log_path.read_text().splitlines()
    first = next(line for line in lines if line.startswith("orderguard worker: "))
    assert first.startswith("orderguard worker: app id og-it-"), first
    if os.environ.get("ORDERGUARD_REQUIRE_NATIVE") == "1":
        assert first.endswith("core: compiled"), first
    else:
        assert ", core: " in first, first


def _metrics(worker) -> dict[tuple[str, tuple], float]:
    """The worker's /metrics, parsed by Prometheus' own parser: {(sample, labels): value}."""
    import urllib.request

    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"{worker.url}/metrics", timeout=10) as r:  # noqa: S310
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = r.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_count_the_webhooks_stage_messages_and_alerts_of_a_delivery(worker, run_id):
    before = _metrics(worker)
    buyer = f"mx-{run_id}"
    events = nonpayer(buyer, T0, run_id)  # 10 events, one delivery each
    assert {post(worker.url, e)[0] for e in events} == {202}
    assert post(worker.url, events[0])[0] == 202  # the deliveries stage drops it
    assert post(worker.url, {}, path="/webhooks/nosuchplatform")[0] == 404
    wait_for(lambda: stored(worker, run_id) == (10, 10), what="events stored")
    wait_for(lambda: _metrics(worker).get(("orderguard_duplicate_deliveries_total", ()), 0)
             > before.get(("orderguard_duplicate_deliveries_total", ()), 0),
             what="the second delivery dropped")
    wait_for(lambda: sql(worker, f"SELECT count(*) FROM alerts WHERE list_contains(buyer_ids, "
                                 f"'{buyer}') AND rule_id = 'nonpayment_burst'")[0][0],
             what="the nonpayment_burst alert stored")
    after = _metrics(worker)

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("orderguard_webhook_requests_total", platform="generic", code="202") == 11
    assert grew("orderguard_webhook_requests_total", platform="other", code="404") == 1
    assert grew("orderguard_duplicate_deliveries_total") == 1
    assert grew("orderguard_stage_messages_total", stage="deliveries") >= 11
    assert grew("orderguard_stage_messages_total", stage="orders") >= 10
    assert grew("orderguard_stage_messages_total", stage="buyers") >= 10
    assert sum(grew("orderguard_alerts_total", rule="nonpayment_burst", severity=s)
               for s in ("medium", "high", "critical")) >= 1
    assert grew("orderguard_sink_records_total", kind="events") >= 10
    assert after[("orderguard_kafka_up", ())] == 1
    assert after[("orderguard_tables_recovered", ())] == 1
