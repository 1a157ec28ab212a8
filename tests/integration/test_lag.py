"""`orderguard lag` against a real broker: a worker that caught up, an app that never ran."""

from __future__ import annotations

import subprocess
import sys
import uuid

import orjson
from kafka import KafkaConsumer, TopicPartition

from streams import topics
from tests.factories import T0
from tests.integration.conftest import sql, wait_for
from tests.integration.helpers import nonpayer, post


def lag(env: dict[str, str], said: list[str] | None = None) -> dict[str, dict]:
    out = subprocess.run([sys.executable, "-m", "streams.cli", "lag", "--format", "json"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    if said is not None:
        said += out.stderr.splitlines()
    return {row["stage"]: row for row in orjson.loads(out.stdout)}


def test_a_worker_that_caught_up_is_behind_on_no_stage(worker, run_id):
    events = nonpayer(f"lag-{run_id}", T0, run_id, orders=3)
    assert post(worker.url, events)[0] == 202
    wait_for(lambda: sql(worker, f"SELECT count(*) FROM events WHERE event_id LIKE "
                                 f"'{run_id}-%'")[0][0] == len(events), what="events stored")
    # the stages commit every few seconds: wait for the commits, not for the processing
    def caught_up() -> dict[str, dict] | None:
        rows = lag(worker.env)
        return None if sum(row["behind"] for row in rows.values()) else rows

    rows = wait_for(caught_up, timeout_s=90, what="no lag")
    # every stage these events went through has committed; they show no contact details,
    # so the identities stage may have had nothing yet
    for stage in ("deliveries", "orders", "buyers", "sink: events", "sink: alerts"):
        assert rows[stage]["exists"] and rows[stage]["committed"], rows[stage]
    assert rows["identities"]["exists"]


def test_an_app_that_never_ran_has_every_stored_event_ahead_of_it(broker, worker):
    env = {**worker.env, "ORDERGUARD_APP_ID": f"never-{uuid.uuid4().hex[:8]}"}
    said: list[str] = []
    rows = lag(env, said)
    assert said == [f"lag: no stage of app id {env['ORDERGUARD_APP_ID']!r} has committed "
                    "anything on this cluster: no worker of it has run yet, or "
                    "ORDERGUARD_APP_ID names another app"]  # a mistyped app id, most likely
    consumer = KafkaConsumer(bootstrap_servers=broker)
    try:
        parts = [TopicPartition(topics.EVENTS, p)
                 for p in consumer.partitions_for_topic(topics.EVENTS)]
        stored = sum(consumer.end_offsets(parts).values()) - sum(
            consumer.beginning_offsets(parts).values())
    finally:
        consumer.close()
    assert stored > 0  # the session's worker has had events
    assert rows["orders"]["behind"] >= stored  # more may have come since
    assert not rows["orders"]["committed"]
    assert not rows["buyers"]["exists"] and rows["buyers"]["behind"] == 0


def test_skipping_the_backlog_moves_an_apps_groups_to_the_ends(broker, worker):
    from streams.lag import skip_backlog

    app = f"skip-{uuid.uuid4().hex[:8]}"
    env = {**worker.env, "ORDERGUARD_APP_ID": app}
    before = lag(env)
    assert before["orders"]["behind"] > 0 and before["sink: events"]["behind"] > 0
    skipped = skip_backlog(broker, app)
    assert skipped >= before["orders"]["behind"] + before["sink: events"]["behind"]
    after = lag(env)
    # more may have come since on the shared topics; nothing of the backlog is left
    assert after["orders"]["committed"] and after["sink: events"]["committed"]
    assert after["orders"]["behind"] < before["orders"]["behind"]
    assert not after["buyers"]["exists"] and not after["buyers"]["committed"]
