"""An auto-created lists topic (3 partitions, deleting): still read whole, and made compacted."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace

import orjson
from kafka import KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic

from streams.agents.lists import ListsService
from streams.core.lists import ListBook, ListEntry
from streams.kafka_admin import admin_client, compact_lists
from streams.lists_topic import read_book
from streams.settings import Settings


def _auto_created(broker: str) -> str:
    """A scratch topic as auto-creation makes one: 3 partitions, the default policy."""
    name = f"og-lists-{uuid.uuid4().hex[:8]}"
    admin = admin_client(broker)
    try:
        admin.create_topics([NewTopic(name, 3, 1)])
    finally:
        admin.close()
    return name


def _write(broker: str, topic: str, entries: list[ListEntry]) -> None:
    producer = KafkaProducer(bootstrap_servers=broker, acks="all")
    try:
        for partition, entry in enumerate(entries, start=1):  # partitions 1 and 2, not 0
            producer.send(topic, key=entry.key.encode(), value=orjson.dumps(entry.to_dict()),
                          partition=partition)
        producer.flush()
    finally:
        producer.close()


ENTRIES = [ListEntry(kind="deny", buyer_id=f"b-{n}", seller_id="*", reason="test", source="t",
                     added_at=1_796_000_000) for n in range(2)]


def _write_malformed(broker: str, topic: str) -> None:
    producer = KafkaProducer(bootstrap_servers=broker, acks="all")
    try:
        for key, value in ((b"deny|*|x", b"not json"), (b"deny|*|y", b'{"kind": "deny"}'),
                           (None, orjson.dumps(ENTRIES[0].to_dict()))):
            producer.send(topic, key=key, value=value, partition=0)
        producer.flush()
    finally:
        producer.close()


def test_entries_on_every_partition_reach_the_cli_and_the_worker(broker, caplog):
    topic = _auto_created(broker)
    _write_malformed(broker, topic)  # skipped, with a warning each: not every entry lost
    _write(broker, topic, ENTRIES)
    assert [e.buyer_id for e in read_book(broker, topic=topic).entries()] == ["b-0", "b-1"]
    assert sum("skipped a malformed entry" in r.getMessage() for r in caplog.records) == 3

    async def follow() -> ListBook:
        wiring = SimpleNamespace(settings=Settings(kafka=broker), lists=ListBook())
        service = ListsService(wiring)
        service.topic = topic
        await service.start()
        try:
            for _ in range(100):
                if service.caught_up:
                    break
                await asyncio.sleep(0.1)
            assert service.caught_up
        finally:
            await service.stop()
        return wiring.lists

    assert len(asyncio.run(follow())) == 2


def test_a_lists_topic_that_deletes_old_records_is_made_compacted(broker):
    topic = _auto_created(broker)
    admin = admin_client(broker)
    try:
        assert compact_lists(admin, topic) is True
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        assert configs["topic"][topic]["cleanup.policy"]["value"] == "compact"
        assert compact_lists(admin, topic) is False  # nothing more to do
    finally:
        admin.close()


def test_a_buyers_case_file_shows_their_entries_as_the_workers_see_them(
        broker, tmp_path, monkeypatch):
    import time

    from click.testing import CliRunner

    from analytics.store import Store, StoredMessage
    from streams.cli import main
    from streams.kafka_admin import ensure_topics
    from streams.lists_topic import publish_entry
    from tests.factories import make_event

    buyer = f"case-{uuid.uuid4().hex[:8]}"
    ensure_topics(broker, 4)
    now = int(time.time())
    publish_entry(broker, ListEntry(kind="deny", buyer_id=buyer, seller_id="*",
                                    reason="9 unpaid orders", source="ops", added_at=now))
    publish_entry(broker, ListEntry(kind="allow", buyer_id=buyer, seller_id="s9",
                                    reason="wholesale", source="ops", added_at=now - 100,
                                    expires_at=now - 10))
    store = Store(tmp_path / "og.duckdb")
    store.write([StoredMessage(make_event(buyer=buyer, seller="s1"))], [])
    store.close()
    monkeypatch.setenv("ORDERGUARD_KAFKA", broker)
    monkeypatch.setenv("ORDERGUARD_DUCKDB", str(tmp_path / "og.duckdb"))
    monkeypatch.setenv("ORDERGUARD_WEB_PORT", "9")

    def lists_section(*args: str) -> list[list[str]]:
        result = CliRunner().invoke(main, ["report", "--buyer", buyer, *args])
        assert result.exit_code == 0, result.output
        section = result.stdout.split("== Allow and deny lists (orderguard.lists, now) ==\n")[1]
        return [line.split()[:2] + line.split()[-1:] for line in section.splitlines()[2:-1]]

    assert lists_section() == [["allow", "s9", "expired"], ["deny", "*", "yes"]]
    assert lists_section("--seller", "s1") == [["deny", "*", "yes"]]
    as_json = CliRunner().invoke(main, ["report", "--buyer", buyer, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    lists = orjson.loads(as_json.stdout)["lists"]
    assert [(e["kind"], e["seller_id"], e["reason"], e["applies"]) for e in lists] == [
        ("allow", "s9", "wholesale", "expired"), ("deny", "*", "9 unpaid orders", "yes")]


def test_block_list_all_says_which_entries_have_lapsed(broker):
    import os
    import subprocess
    import sys
    import time

    from streams.lists_topic import publish_entry, remove_entry

    now, tag = int(time.time()), uuid.uuid4().hex[:8]
    lapsed = ListEntry("deny", f"{tag}-old", "*", "once", "test", now - 86400, now - 60)
    live = ListEntry("deny", f"{tag}-new", "*", "now", "test", now, now + 86400)
    for entry in (lapsed, live):
        publish_entry(broker, entry)
    try:
        env = {**os.environ, "ORDERGUARD_KAFKA": broker}
        shown = subprocess.run([sys.executable, "-m", "streams.cli", "block", "list", "--all"],
                               env=env, capture_output=True, text=True, timeout=120,
                               check=True).stdout.splitlines()
        assert shown[0].split()[-1] == "state"
        state = {line.split()[1]: line.split()[-1] for line in shown if tag in line}
        assert state == {lapsed.buyer_id: "expired", live.buyer_id: "active"}
        plain = subprocess.run([sys.executable, "-m", "streams.cli", "block", "list"], env=env,
                               capture_output=True, text=True, timeout=120, check=True).stdout
        assert live.buyer_id in plain and lapsed.buyer_id not in plain
        assert "state" not in plain.splitlines()[0]
    finally:
        for entry in (lapsed, live):
            remove_entry(broker, entry.key)
