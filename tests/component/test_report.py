"""`orderguard report` on a real DuckDB file: scoped summaries and a buyer's case file."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import click
import duckdb
import pytest

from analytics.report import Scope, buyer_report, summary
from analytics.store import QueryResult, Store, StoredMessage
from streams.backtest import detection
from streams.cli import main
from streams.commands.base import Instant
from streams.simulator import simulate
from tests.component.test_store import alert
from tests.factories import T0, make_event, unpaid_order

DAY2 = T0 + timedelta(days=1)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "og.duckdb")
    yield s
    s.close()


def _at(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _shops(store):
    # b1 at s1 on day 1, b2 at s2 on day 2, one alert each, where and when they ordered
    store.write(
        [StoredMessage(e) for e in unpaid_order("b1", T0, "p1", 1, seller="s1")
         + unpaid_order("b2", DAY2, "p2", 1, seller="s2")],
        [alert("a1", buyer="b1", seller_id="s1", occurred_at=_at(T0), explanation="b1's"),
         alert("a2", buyer="b2", seller_id="s2", occurred_at=_at(DAY2), explanation="b2's")],
    )


def test_the_summary_keeps_to_a_seller_and_an_event_time_range(store):
    _shops(store)
    assert summary(store.query).startswith("orderguard summary: 4 events in, 2 alerts out")
    at_s1 = summary(store.query, scope=Scope(seller="s1"))
    assert at_s1.startswith("orderguard summary for seller s1: 2 events in, 1 alerts out")
    assert "b1" in at_s1 and "b2" not in at_s1
    day2 = summary(store.query, scope=Scope(since=DAY2))
    # b1's close (a day after its order), b2's order and b2's close
    assert day2.startswith("orderguard summary for 2026-10-02 08:00 UTC to …: 3 events in, "
                           "1 alerts out")
    assert "b2" in day2 and "b1" not in day2
    before = summary(store.query, scope=Scope(seller="s2", until=DAY2))
    assert before.startswith("orderguard summary for seller s2, … to 2026-10-02 08:00 UTC: "
                             "0 events in, 0 alerts out")


def test_the_demo_scopes_its_summary_to_one_run_by_prefix(store):
    store.write([StoredMessage(make_event(event_id="r1-e1", buyer="r1-b1")),
                 StoredMessage(make_event(event_id="r2-e1", buyer="r2-b1"))],
                [alert("a1", buyer="r1-b1"), alert("a2", buyer="r2-b1")])
    scoped = summary(store.query, scope=Scope(prefix="r1-"))
    assert scoped.startswith("orderguard summary: 1 events in, 1 alerts out")
    assert "r1-b1" in scoped and "r2-b1" not in scoped


def test_scope_values_are_quoted_not_run(store):
    store.write([StoredMessage(make_event(event_id="q1", seller="o'brien"))],
                [alert("a1", seller_id="o'brien")])
    scoped = summary(store.query, scope=Scope(seller="o'brien"))
    assert scoped.startswith("orderguard summary for seller o'brien: 1 events in, 1 alerts out")
    hostile = "x'; DROP TABLE events; --"
    assert "0 events in" in summary(store.query, scope=Scope(seller=hostile, prefix=hostile))
    assert buyer_report(store.query, hostile) is None
    assert store.query("SELECT count(*) FROM events").rows == [(1,)]
    with pytest.raises(ValueError, match="NUL"):
        summary(store.query, scope=Scope(seller="a\x00b"))
    with pytest.raises(ValueError, match="--until must be after --since"):
        Scope(since=DAY2, until=T0)


def test_the_summary_counts_suppressed_alerts(store):
    held = alert("s1", buyer="vip", suppressed={"list": "allow", "seller_id": "*",
                                                "reason": "wholesale", "source": "ops"})
    store.write([], [alert("a1")], [held])
    assert summary(store.query).startswith(
        "orderguard summary: 0 events in, 1 alerts out, 1 suppressed by allow lists")


def test_a_buyers_case_file(store):
    events = unpaid_order("b1", T0, "c", 1) + unpaid_order("b1", T0, "c", 2, seller="s2")
    events.append(make_event("order.created", buyer="b9", order="c-o9", event_id="c-9-c"))
    ring = alert("r1", buyer="b1", rule_id="linked_accounts", severity="high",
                 buyer_ids=["b1", "b9"], evidence_event_ids=["c-1-x", "c-9-c"],
                 occurred_at=_at(DAY2), explanation="2 accounts sharing one phone …")
    joined = alert("r2", buyer="b7", rule_id="linked_accounts", buyer_ids=["b7", "b1", "b9"],
                   evidence_event_ids=["c-9-c"])
    burst = alert("n1", buyer="b1", evidence_event_ids=["c-1-x", "c-2-x"])
    held = alert("h1", buyer="b1", rule_id="cancel_churn", suppressed={
        "list": "allow", "seller_id": "s2", "reason": "wholesale", "source": "ops"})
    store.write([StoredMessage(e) for e in events], [ring, joined, burst], [held])

    text = buyer_report(store.query, "b1")
    assert text is not None
    head, *_ = text.splitlines()
    assert head == ("orderguard buyer b1: 4 events at 2 sellers, 2026-10-01 08:00:00 to "
                    "2026-10-02 08:00:00 UTC; 2 alerts, highest severity high; "
                    "1 suppressed by allow lists")
    sections = _sections(text)
    # the closes carry no buyer: they count through their order
    assert _rows(sections["Orders by seller"]) == [
        ["s1", "generic", "1", "0", "0", "1", "0", "0", "0", "129.9000", "USD"],
        ["s2", "generic", "1", "0", "0", "1", "0", "0", "0", "129.9000", "USD"],
    ]
    alerts = _rows(sections["Alerts, oldest first"])
    assert [r[:5] for r in alerts] == [  # date, time, rule, severity, seller
        ["2026-10-02", "08:00:00", "linked_accounts", "high", "s1"],
        ["2026-10-03", "08:00:00", "nonpayment_burst", "medium", "s1"],
    ]
    assert "b7" not in sections["Alerts, oldest first"]  # b7's alert is b7's
    linked = _rows(sections["Linked accounts (named with this buyer in an alert)"])
    assert [r[:2] for r in linked] == [["b9", "2"], ["b7", "1"]]
    assert "wholesale" in sections["Suppressed by allow lists"]
    evidence = _rows(sections["Evidence events (the events the alerts cite)"])
    assert [(r[2], r[3], r[4]) for r in evidence] == [  # by event time
        ("c-9-c", "order.created", "b9"),
        ("c-1-x", "order.closed_unpaid", "b1"),
        ("c-2-x", "order.closed_unpaid", "b1"),
    ]
    capped = buyer_report(store.query, "b1", evidence=1)
    assert capped.endswith("(the oldest 1 of 3; --evidence 3 lists them all)")
    assert buyer_report(store.query, "nobody") is None
    at_s2 = buyer_report(store.query, "b1", scope=Scope(seller="s2"))
    assert at_s2.startswith("orderguard buyer b1 for seller s2: 2 events at 1 seller,")
    assert "0 alerts" in at_s2.splitlines()[0]


def test_a_case_file_adds_up_order_values_only_in_one_currency(store):
    store.write([StoredMessage(make_event(buyer="b1", seller="s1", event_id="u1")),
                 StoredMessage(make_event(buyer="b1", seller="s1", event_id="u2")),
                 StoredMessage(make_event(buyer="b1", seller="s2", event_id="c1")),
                 StoredMessage(make_event(buyer="b1", seller="s2", event_id="c2",
                                          currency="CNY"))], [])
    rows = _rows(_sections(buyer_report(store.query, "b1"))["Orders by seller"])
    assert [(r[0], r[2], r[-2], r[-1]) for r in rows] == [
        ("s1", "2", "259.8000", "USD"), ("s2", "2", "NULL", "CNY,USD")]


def test_case_file_times_are_utc_whatever_the_session_time_zone(store, tmp_path):
    store.write([StoredMessage(e) for e in unpaid_order("b1", T0, "z", 1)], [])
    store.close()
    con = duckdb.connect(str(tmp_path / "og.duckdb"), read_only=True)
    con.execute("SET TimeZone = 'Asia/Shanghai'")

    def query(sql: str) -> QueryResult:
        cursor = con.execute(sql)
        return QueryResult([d[0] for d in cursor.description], cursor.fetchall())

    try:
        head = buyer_report(query, "b1").splitlines()[0]
    finally:
        con.close()
    assert "2026-10-01 08:00:00 to 2026-10-02 08:00:00 UTC" in head


def test_on_simulated_traffic_each_buyer_file_holds_the_alerts_the_summary_counts(store):
    events = simulate(11, buyers=150, days=3).events
    engine = detection(None)
    alerts = [a for e in events for a in engine.feed(e)]
    store.write([StoredMessage(e) for e in events], alerts)
    per_buyer = Counter(a["buyer_ids"][0] for a in alerts)
    assert len(per_buyer) > 10
    assert summary(store.query).startswith(
        f"orderguard summary: {len({e['event_id'] for e in events})} events in, "
        f"{len({a['alert_id'] for a in alerts})} alerts out")
    for buyer, count in per_buyer.items():
        text = buyer_report(store.query, buyer, evidence=1000)
        assert f"; {count} alert{'s' if count != 1 else ''}" in text.splitlines()[0]
        cited = {e for a in alerts if a["buyer_ids"][0] == buyer for e in a["evidence_event_ids"]}
        listed = _rows(_sections(text)["Evidence events (the events the alerts cite)"])
        assert {r[2] for r in listed} == cited


@pytest.fixture
def shops_cli(env_store):
    """The CLI runner, with _shops() in the store the commands read."""
    runner, path = env_store
    store = Store(path)
    _shops(store)
    store.close()
    return runner


def test_report_command_scopes_and_says_when_a_buyer_is_unknown(shops_cli):
    runner = shops_cli
    result = runner.invoke(main, ["report", "--seller", "s2", "--since", "2026-10-02"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("orderguard summary for seller s2, 2026-10-02 00:00 UTC to "
                                    "…: 2 events in, 1 alerts out")
    case = runner.invoke(main, ["report", "--buyer", "b2"])
    assert case.exit_code == 0, case.output
    assert case.stdout.startswith("orderguard buyer b2: 2 events at 1 seller")
    # no broker here (env_store): the lists are left out, at once, and it says why
    assert case.stdout.endswith("== Allow and deny lists (orderguard.lists, now) ==\n"
                                "(not shown: no Kafka broker answers at 127.0.0.1:9)\n")
    unknown = runner.invoke(main, ["report", "--buyer", "b3", "--seller", "s1"])
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == (
        "Error: no events or alerts stored for buyer 'b3' for seller s1")
    backwards = runner.invoke(main, ["report", "--since", "2026-10-05", "--until", "2026-10-01"])
    assert backwards.exit_code == 2
    assert "--until must be after --since" in backwards.stderr
    nul = runner.invoke(main, ["report", "--seller", "s\x001"])
    assert nul.exit_code == 2
    assert nul.stderr.strip() == "Error: a NUL character cannot be part of a value"


def test_report_as_json_has_the_texts_figures_and_rows_as_objects(shops_cli):
    import orjson

    runner = shops_cli
    result = runner.invoke(main, ["report", "--seller", "s2", "--format", "json",
                                  "--since", "2026-10-02T00:00:00+08:00"])
    assert result.exit_code == 0, result.output
    doc = orjson.loads(result.stdout)
    assert {k: doc[k] for k in ("seller_id", "since", "until", "events", "alerts",
                                "suppressed")} == {
        "seller_id": "s2", "since": "2026-10-01T16:00:00Z", "until": None, "events": 2,
        "alerts": 1, "suppressed": 0}
    assert doc["sections"]["alerts_by_rule"] == [
        {"rule_id": "nonpayment_burst", "severity": "medium", "alerts": 1, "buyers": 1}]
    assert [row["buyer_id"] for row in doc["sections"]["riskiest_buyers"]] == ["b2"]
    case = runner.invoke(main, ["report", "--buyer", "b2", "--format", "json",
                                "--evidence", "0"])
    assert case.exit_code == 0, case.output
    doc = orjson.loads(case.stdout)
    assert (doc["buyer_id"], doc["events"], doc["sellers"], doc["alerts"],
            doc["highest_severity"]) == ("b2", 2, 1, 1, "medium")
    assert (doc["first_event_at_utc"], doc["last_event_at_utc"]) == (
        "2026-10-02T08:00:00Z", "2026-10-03T08:00:00Z")  # created, closed unpaid a day on
    sections = doc["sections"]
    assert sections["orders_by_seller"][0]["seller_id"] == "s2"
    assert sections["orders_by_seller"][0]["ordered_value"] == "129.9000"  # a decimal string
    assert [(a["occurred_at_utc"], a["explanation"]) for a in sections["alerts"]] == [
        ("2026-10-02T08:00:00Z", "b2's")]
    assert sections["evidence"] == []
    assert doc["evidence_cited"] == 0 and "notes" not in doc  # its ids name no stored event
    assert doc["lists"] is None
    assert doc["lists_note"] == "(not shown: no Kafka broker answers at 127.0.0.1:9)"


def test_dates_take_a_duration_back_from_now():
    before = datetime.now(UTC)
    at = Instant().convert("7d", None, None)
    assert before - timedelta(days=7, seconds=5) < at <= datetime.now(UTC) - timedelta(days=7)
    assert Instant().convert("2026-10-01", None, None) == datetime(2026, 10, 1, tzinfo=UTC)
    with pytest.raises(click.BadParameter, match="reaches back before the year 1"):
        Instant().convert("99999999999d", None, None)
    assert Instant().convert("2026-10-01T08:00:00+08:00", None, None) == T0 - timedelta(hours=8)


@pytest.fixture
def env_store(tmp_path, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("ORDERGUARD_WEB_PORT", "9")  # no worker: the file is read
    monkeypatch.setenv("ORDERGUARD_KAFKA", "127.0.0.1:9")  # and no broker
    monkeypatch.setenv("ORDERGUARD_DUCKDB", str(tmp_path / "og.duckdb"))
    return CliRunner(), tmp_path / "og.duckdb"


def _sections(text: str) -> dict[str, str]:
    parts = text.split("\n== ")[1:]
    return {p.split(" ==\n", 1)[0]: p.split(" ==\n", 1)[1] for p in parts}


def _rows(section: str) -> list[list[str]]:
    lines = [line for line in section.splitlines()[2:] if line and not line.startswith("(")]
    return [line.split() for line in lines]

