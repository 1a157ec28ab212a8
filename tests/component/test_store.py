"""The DuckDB store on a real file: batches, idempotency, lineage, read-only queries."""

import json

import duckdb
import pytest

from analytics import migrations
from analytics.client import QueryFailed, format_table, query_file
from analytics.migrations import MIGRATIONS
from analytics.store import BadQuery, ReadOnlyViolation, Store, StoreBusy, StoredMessage
from streams.errors import OrderguardError
from tests.factories import make_event


def alert(alert_id="a1", buyer="b1", **kw):
    value = {
        "alert_id": alert_id, "rule_id": "nonpayment_burst", "rule_version": 1,
        "severity": "medium", "buyer_ids": [buyer], "seller_id": "s1", "marketplace": "generic",
        "order_id": None, "occurred_at": "2026-10-03T08:00:00Z",
        "window_start": "2026-09-26T08:00:00Z", "window_end": "2026-10-03T08:00:00Z",
        "observed": 3, "threshold": 3, "evidence_event_ids": ["e1", "e2", "e3"],
        "explanation": "Buyer b1 let 3 orders close unpaid.",
        "recommended_actions": ["hold_shipment"], "deadline_at": None, "schema_version": 1,
    }
    value.update(kw)
    return value


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "og.duckdb")
    yield s
    s.close()


def test_a_batch_with_duplicates_stores_each_event_once(store):
    created = make_event(order="o1", event_id="e1")
    paid = make_event("order.paid", buyer=None, order="o1", event_id="e2")
    store.write([StoredMessage(created, 0, 10), StoredMessage(created, 0, 10),
                 StoredMessage(paid, 1, 11)], [alert(), alert()])
    store.write([StoredMessage(created, 0, 10)], [alert()])
    assert store.query("SELECT count(*), count(DISTINCT event_id) FROM events").rows == [(2, 2)]
    assert store.query("SELECT count(*) FROM alerts").rows == [(1,)]


def test_follow_ups_without_buyer_resolve_through_the_orders_table(store):
    store.write([StoredMessage(make_event("order.closed_unpaid", buyer=None, order="o9",
                                          event_id="late")),
                 StoredMessage(make_event(buyer="b7", order="o9", event_id="c9"))], [])
    rows = store.query("SELECT event_id, buyer_id FROM events_resolved ORDER BY 1").rows
    assert rows == [("c9", "b7"), ("late", "b7")]


def test_amounts_are_exact_decimals_and_extra_fields_are_kept_in_payload(store):
    store.write([StoredMessage(make_event(amount="1234567.89", event_id="big", tmall_x="y"))], [])
    amount, extra = store.query(
        "SELECT amount::VARCHAR, payload->>'tmall_x' FROM events WHERE event_id = 'big'"
    ).rows[0]
    assert amount == "1234567.8900"
    assert extra == "y"


def test_alert_lists_and_timestamps_are_queryable(store):
    store.write([], [alert(buyer_ids=["b1", "b2"])])
    rows = store.query("SELECT len(buyer_ids), window_end > window_start FROM alerts").rows
    assert rows == [(2, True)]
    # an alert is about its first buyer (a ring's accounts each get their own)
    risk = store.query("SELECT buyer_id, alerts FROM buyer_risk ORDER BY 1").rows
    assert risk == [("b1", 1)]


@pytest.mark.parametrize(
    "sql",
    ["DELETE FROM events", "INSERT INTO alerts SELECT * FROM alerts", "DROP TABLE events",
     "COPY events TO '/tmp/x.csv'", "ATTACH '/tmp/other.duckdb'", "SELECT 1; DELETE FROM events",
     "CREATE TABLE x AS SELECT 1", "PRAGMA enable_profiling",
     # EXPLAIN ANALYZE runs what it explains
     "EXPLAIN ANALYZE DELETE FROM events", "explain analyse COPY events TO '/tmp/x.csv'",
     "EXPLAIN (ANALYZE) DROP TABLE events", "/* a */ EXPLAIN ANALYZE SET GLOBAL threads = 1",
     "EXPLAIN ANALYZE CHECKPOINT", "SELECT 1; EXPLAIN ANALYZE INSTALL httpfs"],
)
def test_queries_other_than_select_are_refused(store, sql):
    with pytest.raises(ReadOnlyViolation):
        store.query(sql)
    assert store.con.execute("SELECT current_setting('threads')").fetchone()[0] > 1


@pytest.mark.parametrize("sql", ["", "  ;  ", "SELEC 1", "EXPLAIN"])
def test_a_query_that_does_not_parse_is_a_bad_query(store, sql):
    with pytest.raises(BadQuery):
        store.query(sql)


@pytest.mark.parametrize("sql", ["EXPLAIN SELECT * FROM events",
                                 "EXPLAIN ANALYZE SELECT count(*) FROM events",
                                 "-- the plan\nEXPLAIN (FORMAT json) SELECT 1"])
def test_explaining_a_select_is_allowed(store, sql):
    assert store.query(sql).rows


@pytest.mark.parametrize("sql", ["SELECT * FROM read_text('/etc/passwd')",
                                 "SELECT * FROM read_csv('/etc/passwd')",
                                 "SELECT * FROM glob('/etc/*')"])
def test_a_select_reaches_no_file_but_the_store(store, sql):
    with pytest.raises(duckdb.PermissionException):
        store.query(sql)


def test_the_read_only_file_reader_reaches_no_other_file(tmp_path):
    Store(tmp_path / "og.duckdb").close()
    with pytest.raises(QueryFailed, match="disabled"):
        query_file(tmp_path / "og.duckdb", "SELECT * FROM read_text('/etc/passwd')")


def test_a_second_writer_is_told_the_file_is_busy(tmp_path):
    path = tmp_path / "og.duckdb"
    script = (f"import duckdb, time; c = duckdb.connect({str(path)!r}); "
              "print('locked', flush=True); time.sleep(30)")
    import subprocess
    import sys

    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"locked"
        with pytest.raises(StoreBusy):
            Store(path)
    finally:
        holder.kill()
        holder.wait()


def test_query_file_reads_without_a_worker_and_formats_a_table(tmp_path):
    s = Store(tmp_path / "og.duckdb")
    s.write([StoredMessage(make_event(event_id="e1"))], [])
    s.close()
    result = query_file(tmp_path / "og.duckdb", "SELECT event_id, type FROM events")
    assert result.rows == [("e1", "order.created")]
    text = format_table(result)
    assert "e1" in text and text.endswith("(1 row)")


def test_query_file_without_a_store_says_so(tmp_path):
    with pytest.raises(OrderguardError, match="no analytics store"):
        query_file(tmp_path / "missing.duckdb", "SELECT 1")


def test_migrations_run_once(tmp_path):
    Store(tmp_path / "og.duckdb").close()
    Store(tmp_path / "og.duckdb").close()
    con = duckdb.connect(str(tmp_path / "og.duckdb"))
    assert con.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)


def test_a_store_of_an_earlier_version_is_migrated_on_open(tmp_path, monkeypatch):
    path = tmp_path / "og.duckdb"
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", MIGRATIONS[:3])  # as the previous release left it
        old = Store(path)
        old.write([], [alert(buyer_ids=["b1", "b2"])])
        assert len(old.query("SELECT * FROM buyer_risk").rows) == 2  # every listed buyer
        old.close()
    store = Store(path)
    try:
        assert store.query("SELECT buyer_id, alerts FROM buyer_risk").rows == [("b1", 1)]
    finally:
        store.close()


def test_suppressed_alerts_are_recorded_with_the_allow_list_entry(store):
    suppressed = alert("s1", buyer="vip", suppressed={
        "list": "allow", "seller_id": "*", "reason": "wholesale", "source": "ops"})
    store.write([], [], [suppressed, suppressed])
    rows = store.query("SELECT alert_id, buyer_ids, list_reason, list_source FROM suppressions")
    assert rows.rows == [("s1", ["vip"], "wholesale", "ops")]
    assert store.query("SELECT count(*) FROM alerts").rows == [(0,)]


def test_a_capped_query_refuses_a_result_over_the_cap_and_fetches_no_further(store):
    from analytics.store import ResultTooLarge

    assert store.query("SELECT * FROM range(3)", max_rows=3).rows == [(0,), (1,), (2,)]
    with pytest.raises(ResultTooLarge, match="more than 2 rows"):
        store.query("SELECT * FROM range(3)", max_rows=2)
    # a billion rows are refused as fast as three: only one past the cap is fetched
    with pytest.raises(ResultTooLarge, match="more than 1,000 rows"):
        store.query("SELECT * FROM range(1000000000)", max_rows=1000)


def test_a_query_past_its_time_is_interrupted_and_the_store_goes_on(store):
    import time

    from analytics.store import QueryTimeout

    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="ran longer than 0.5 s"):
        store.query("SELECT count(*) FROM range(100000000000)", timeout_s=0.5)
    assert time.monotonic() - started < 10  # counting to 1e11 takes minutes
    assert store.query("SELECT 42", timeout_s=0.5).rows == [(42,)]
    time.sleep(0.7)  # the timer of a query that finished in time interrupts nothing later
    assert store.query("SELECT 43").rows == [(43,)]


def test_a_timer_that_fires_as_the_query_ends_does_not_spoil_its_answer(store, monkeypatch):
    import threading

    class FiresLate(threading.Timer):
        # fires exactly between the end of the query and its cancellation
        def cancel(self):
            self.function()
            super().cancel()

    monkeypatch.setattr(threading, "Timer", FiresLate)
    assert store.query("SELECT 42", timeout_s=30).rows == [(42,)]
    assert store.query("SELECT 43", timeout_s=30).rows == [(43,)]


def test_prune_deletes_what_happened_before_the_cutoff_and_keeps_orders_still_followed_up(store):
    from datetime import timedelta

    from tests.factories import T0

    old, new = T0 - timedelta(days=200), T0
    store.write([StoredMessage(make_event(order="o-old", at=old, event_id="e-old")),
                 StoredMessage(make_event("order.closed_unpaid", order="o-old",
                                          at=old + timedelta(days=1), event_id="e-old-2")),
                 # a chargeback months later names no buyer: it finds it through the order
                 StoredMessage(make_event(order="o-kept", at=old, event_id="e-kept")),
                 StoredMessage(make_event("chargeback.notified", buyer=None, order="o-kept",
                                          at=new, event_id="e-cb", amount="129.90",
                                          currency="USD", chargeback_id="cb1")),
                 StoredMessage(make_event(order="o-new", at=new, event_id="e-new"))],
                [alert("a-old", occurred_at="2026-03-01T00:00:00Z"), alert("a-new")],
                [alert("s-old", buyer="vip", occurred_at="2026-03-01T00:00:00Z",
                       suppressed={"list": "allow", "seller_id": "*", "reason": "r",
                                   "source": "ops"})])
    cutoff = T0 - timedelta(days=30)
    assert store.prune(cutoff) == {"events": 3, "alerts": 1, "suppressions": 1, "orders": 1}
    events = store.query("SELECT event_id, buyer_id FROM events_resolved ORDER BY event_id")
    assert events.rows == [("e-cb", "b1"), ("e-new", "b1")]
    assert store.query("SELECT order_id FROM orders ORDER BY 1").rows == [("o-kept",), ("o-new",)]
    assert store.query("SELECT alert_id FROM alerts").rows == [("a-new",)]
    assert store.prune(cutoff) == {"events": 0, "alerts": 0, "suppressions": 0, "orders": 0}


@pytest.mark.parametrize("make", [lambda p: p.mkdir(), lambda p: p.write_bytes(b""),
                                  lambda p: p.write_text("not a database\n")])
def test_a_path_that_is_no_store_is_named_in_one_line(tmp_path, make):
    path = tmp_path / "og.duckdb"
    make(path)
    with pytest.raises(OrderguardError, match=r"^cannot open the analytics store .*og\.duckdb "
                       r"\(ORDERGUARD_DUCKDB\): ") as info:
        query_file(path, "SELECT 1")
    assert "\n" not in str(info.value)


def test_sql_jsonl_keeps_huge_integers_and_repeated_column_names(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from streams.cli import main

    Store(tmp_path / "og.duckdb").close()
    monkeypatch.setenv("ORDERGUARD_DUCKDB", str(tmp_path / "og.duckdb"))
    monkeypatch.setenv("ORDERGUARD_WEB_PORT", "9")  # no worker: the file is read
    result = CliRunner().invoke(main, [
        "sql", "SELECT 1 AS a, 2 AS a, 3 AS a_2, (2::HUGEINT << 70) AS big, "
        "TIMESTAMPTZ '2026-10-01 08:30:00+00' AS at", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    # the standard library's reader: orjson reads an integer past 64 bits as a float
    assert json.loads(result.stdout) == {"a": 1, "a_2_": 2, "a_2": 3, "big": 2 << 70,
                                         "at": "2026-10-01T08:30:00+00:00"}
