"""The rocksdb table store on a real worker: files kept over a clean stop, dropped after a kill."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import streams
from streams import topics
from streams.lag import group_lag, skip_backlog
from streams.producer import produce
from tests.factories import T0
from tests.integration.conftest import start_worker, wait_for
from tests.integration.helpers import nonpayer, read_alerts

# Other workers of the session (other app ids) read the same events and raise the same
# alerts; this worker's nonpayment_burst has a version of its own, so its alerts are its own.
VERSION = 77


def _rules(tmp_path: Path) -> str:
    packaged = (Path(streams.__file__).parent / "rules.toml").read_text()
    own = re.sub(r"(\[nonpayment_burst\][^\[]*?\nversion = )\d+", rf"\g<1>{VERSION}",
                 packaged, count=1)
    assert own != packaged
    (tmp_path / "rules.toml").write_text(own)
    return str(tmp_path / "rules.toml")


def _own(broker: str, buyer: str, count: int) -> list[dict]:
    """This worker's alerts about ``buyer``, once there are ``count``."""
    def mine(found: list[dict]) -> list[dict]:
        return [a for a in found if a["rule_version"] == VERSION]
    return mine(read_alerts(broker, {buyer}, until=lambda found: len(mine(found)) >= count))


def _settled(broker: str, app_id: str) -> None:
    stages = (topics.EVENTS, topics.buyer_events(app_id), topics.identity_events(app_id))
    wait_for(lambda: not group_lag(broker, app_id, stages), timeout_s=120,
             what="the worker to process every event")


def test_rocksdb_tables_outlive_a_clean_stop_and_are_rebuilt_after_a_kill(
    broker, tmp_path, run_id
):
    buyer = f"rocks-{run_id}"
    closes = nonpayer(buyer, T0, run_id, orders=5)  # created + closed unpaid, per order
    app_id = f"og-rocks-{uuid.uuid4().hex[:8]}"
    rocksdb = {"ORDERGUARD_TABLE_STORE": "rocksdb", "ORDERGUARD_RULES": _rules(tmp_path)}
    skip_backlog(broker, app_id)  # not the history other tests wrote
    worker = start_worker(broker, tmp_path, app_id, **rocksdb)
    port = int(worker.url.rsplit(":", 1)[1])
    try:
        assert worker.health()["tables"] == {"store": "rocksdb", "recovered": True,
                                             "files": "new"}
        produce(broker, closes[:4])  # two unpaid closes: below the rule
        _settled(broker, app_id)
    finally:
        worker.stop()
    assert (tmp_path / "data" / "v1" / f"tables-{app_id}" / "clean-stop").exists()

    worker = start_worker(broker, tmp_path, app_id, port, **rocksdb)
    try:
        assert worker.health()["tables"]["files"] == "kept"
        produce(broker, closes[4:6])  # the third: the two before it came from the files
        [alert] = _own(broker, buyer, 1)
        assert alert["rule_id"] == "nonpayment_burst"
        assert alert["severity"] == "medium"
        assert len(alert["evidence_event_ids"]) == 3
        _settled(broker, app_id)
    finally:
        worker.kill()
    assert not (tmp_path / "data" / "v1" / f"tables-{app_id}" / "clean-stop").exists()

    worker = start_worker(broker, tmp_path, app_id, port, **rocksdb)
    try:
        # the killed worker's files may be ahead of Kafka: gone, and read from the changelogs
        assert worker.health()["tables"]["files"] == "dropped"
        produce(broker, closes[6:])  # the fourth and fifth: high, on all five closes
        alerts = _own(broker, buyer, 2)
        assert [a["severity"] for a in alerts] == ["medium", "high"]
        assert len(alerts[1]["evidence_event_ids"]) == 5
    finally:
        worker.stop()
