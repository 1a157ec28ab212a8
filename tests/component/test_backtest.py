"""Rule backtests on a real DuckDB file: the stored history, two rule sets, what changes."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zlib import crc32

import orjson
import pytest
from click.testing import CliRunner

from analytics.client import query_file
from analytics.history import count_events, stored_events
from analytics.store import Store, StoredMessage
from streams.backtest import Backtest, detection, warmup_days
from streams.cli import main
from streams.errors import InvalidEvent
from streams.simulator import simulate
from tests.factories import T0, make_event

MEDIUM_UP = {"medium", "high", "critical"}
# Flags buyers the packaged rules leave alone: an honest buyer's one unpaid close.
STRICT = """
[nonpayment_burst]
medium = 1
high = 2
"""


def _micros(event):
    at = datetime.fromisoformat(event["occurred_at"].replace("Z", "+00:00"))
    return int(at.timestamp()) * 1_000_000 + at.microsecond


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A simulated history (every archetype) stored as the sink stores it, and its order."""
    events = simulate(seed=31, buyers=150, days=3).events
    offsets: Counter[int] = Counter()
    messages = []
    for event in events:  # partitioned by order as orderguard.events is, offsets in order
        partition = crc32((event.get("order_id") or event["buyer_id"]).encode()) % 4
        messages.append(StoredMessage(event, partition, offsets[partition]))
        offsets[partition] += 1
    first = {}
    for m in messages:  # the store keeps the first copy of a redelivered event
        first.setdefault(m.value["event_id"], m)
    path = tmp_path_factory.mktemp("store") / "og.duckdb"
    shuffled = messages[:]
    random.Random(5).shuffle(shuffled)  # stored out of order: reading must sort
    store = Store(path)
    for start in range(0, len(shuffled), 500):
        store.write(shuffled[start:start + 500], [])
    store.close()
    expected = sorted(first.values(), key=lambda m: (
        _micros(m.value), m.partition, m.offset, m.value["event_id"]))
    return path, [m.value for m in expected]


def _query(path):
    return lambda sql: query_file(path, sql)


def _ids(events):
    return [e["event_id"] for e in events]


@pytest.mark.parametrize("page_size", [97, 100_000])
def test_stored_events_come_back_by_event_time_then_arrival_whatever_the_page_size(
        history, page_size):
    path, expected = history
    read = list(stored_events(_query(path), page_size=page_size))
    assert _ids(read) == _ids(expected)
    assert read[5] == expected[5]  # the canonical event itself, not only its id
    assert count_events(_query(path)) == len(expected)


def test_events_at_one_instant_come_in_arrival_order_across_page_boundaries(tmp_path):
    # one order's creation, payment and shipping in the same second, on one partition
    created = make_event(order="o1", event_id="z-created", at=T0)
    paid = make_event("order.paid", buyer=None, order="o1", event_id="a-paid", at=T0)
    shipped = make_event("order.shipped", buyer=None, order="o1", event_id="m-shipped", at=T0)
    other = make_event(order="o2", event_id="b-other", at=T0)  # another partition
    store = Store(tmp_path / "og.duckdb")
    store.write([StoredMessage(shipped, 2, 12), StoredMessage(other, 3, 1),
                 StoredMessage(created, 2, 10), StoredMessage(paid, 2, 11)], [])
    store.close()
    read = stored_events(_query(tmp_path / "og.duckdb"), page_size=1)
    assert _ids(read) == ["z-created", "a-paid", "m-shipped", "b-other"]


@pytest.mark.parametrize("page_size", [1, 4, 7, 1000])
def test_pages_cross_gaps_in_time_and_crowds_at_one_instant(tmp_path, page_size):
    # a quiet half year between two busy moments, one of them 25 events in the same
    # microsecond, and an event at the last instant: every slice of time is read once
    times = [T0 + timedelta(seconds=s) for s in (0, 1, 1, 90, 3600)]
    times += [T0 + timedelta(days=200, microseconds=5)] * 25
    times += [T0 + timedelta(days=200, seconds=59), T0 + timedelta(days=200, seconds=60)]
    events = [make_event(order=f"o{i}", event_id=f"e{i:02d}", at=at)
              for i, at in enumerate(times)]
    store = Store(tmp_path / "og.duckdb")
    store.write([StoredMessage(e, 0, i) for i, e in enumerate(reversed(events))], [])
    store.close()
    expected = sorted(events, key=lambda e: (_micros(e), -int(e["event_id"][1:])))
    read = list(stored_events(_query(tmp_path / "og.duckdb"), page_size=page_size))
    assert _ids(read) == _ids(expected)


def test_stored_events_keep_to_since_and_until(history):
    path, expected = history
    since = datetime(2026, 10, 1, 12, tzinfo=UTC)
    until = datetime(2026, 10, 2, 6, tzinfo=UTC)
    inside = [e for e in expected
              if since.timestamp() * 1e6 <= _micros(e) < until.timestamp() * 1e6]
    assert 0 < len(inside) < len(expected)
    assert _ids(stored_events(_query(path), since, until, page_size=13)) == _ids(inside)
    assert count_events(_query(path), since, until) == len(inside)


def _replay(runner, tmp_path, events, rules=None):
    path = tmp_path / "history.jsonl"
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    args = ["replay", str(path)] + (["--rules", str(rules)] if rules else [])
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    return [orjson.loads(line) for line in result.stdout.splitlines()]


def _flagged(alerts):
    return {a["buyer_ids"][0] for a in alerts if a["severity"] in MEDIUM_UP and a["buyer_ids"]}


def test_a_candidate_flags_exactly_the_buyers_that_two_replays_of_the_history_disagree_on(
        history, tmp_path):
    path, expected = history
    strict = tmp_path / "strict.toml"
    strict.write_text(STRICT)
    runner = CliRunner()
    before = _replay(runner, tmp_path, expected)
    after = _replay(runner, tmp_path, expected, strict)

    run = Backtest(detection(None), detection(strict))
    run.feed_all(stored_events(_query(path), page_size=400))
    result = run.comparison(examples=10_000)

    newly = _flagged(after) - _flagged(before)
    assert newly, "the strict rules must flag honest buyers with one unpaid close"
    assert {e["buyer_id"] for e in result["newly_flagged_examples"]} == newly
    assert result["newly_flagged"] == len(newly)
    assert result["no_longer_flagged"] == len(_flagged(before) - _flagged(after))
    assert (result["baseline_flagged"], result["candidate_flagged"]) == (
        len(_flagged(before)), len(_flagged(after)))
    by_rule = {r["rule_id"]: r for r in result["rules"]}
    for rule, n in Counter(a["rule_id"] for a in after).items():
        assert by_rule[rule]["candidate_alerts"] == n
    for rule, n in Counter(a["rule_id"] for a in before).items():
        assert by_rule[rule]["baseline_alerts"] == n
    assert result["events"] == len(expected)


def test_the_same_rules_on_both_sides_change_nothing(history):
    path, _ = history
    run = Backtest(detection(None), detection(None))
    run.feed_all(stored_events(_query(path)))
    result = run.comparison()
    assert result["baseline_alerts"] == result["candidate_alerts"] > 0
    assert all(r["baseline_alerts"] == r["candidate_alerts"] for r in result["rules"])
    assert result["newly_flagged"] == result["no_longer_flagged"] == 0


def test_alerts_before_since_are_warmup_and_not_counted(history, tmp_path):
    path, expected = history
    since = datetime(2026, 10, 2, tzinfo=UTC)
    engine = detection(None)
    assert warmup_days(engine) >= 7  # the weekly rules at least
    alerts = _replay(CliRunner(), tmp_path, expected)
    counted = [a for a in alerts if _micros(a) >= since.timestamp() * 1e6]
    assert 0 < len(counted) < len(alerts)

    run = Backtest(engine, detection(None), int(since.timestamp()))
    run.feed_all(stored_events(_query(path)))
    result = run.comparison()
    assert result["baseline_alerts"] == len(counted)
    assert result["warmup_events"] == sum(
        1 for e in expected if _micros(e) < since.timestamp() * 1e6)


@pytest.fixture
def env(history, monkeypatch):
    monkeypatch.setenv("ORDERGUARD_WEB_PORT", "9")  # no worker: read the file itself
    monkeypatch.setenv("ORDERGUARD_DUCKDB", str(history[0]))
    monkeypatch.delenv("ORDERGUARD_RULES", raising=False)
    return history


def test_backtest_command_prints_the_comparison_table(env, tmp_path):
    strict = tmp_path / "strict.toml"
    strict.write_text(STRICT)
    result = CliRunner().invoke(main, ["backtest", "--rules", str(strict), "--examples", "2"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"backtest over {len(env[1]):,} events: before = packaged rules" in out
    assert "nonpayment_burst" in out and "all rules" in out
    assert "newly flagged (2 of " in out


def test_backtest_command_json_matches_the_library(env, tmp_path):
    strict = tmp_path / "strict.toml"
    strict.write_text(STRICT)
    args = ["backtest", "--rules", str(strict), "--format", "json", "--since", "2026-10-02"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    printed = orjson.loads(result.stdout)
    run = Backtest(detection(None), detection(strict),
                   int(datetime(2026, 10, 2, tzinfo=UTC).timestamp()))
    run.feed_all(stored_events(_query(env[0])))
    assert printed == run.comparison()


def test_backtest_command_reads_an_events_file_too(env, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in env[1]))
    result = CliRunner().invoke(main, ["backtest", "--rules", str(path.with_name("r.toml"))])
    assert result.exit_code == 2  # the rules file must exist
    (tmp_path / "r.toml").write_text("")
    args = ["backtest", "--rules", str(tmp_path / "r.toml"), "--events", str(path),
            "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["events"] == len(env[1])


@pytest.mark.parametrize("args, message", [
    (["--since", "2031-01-01"], "no events to backtest on in the analytics store"),
    (["--since", "yesterday"], "is not a date"),
    (["--since", "2026-10-02", "--until", "2026-10-01T23:00:00Z"], "--until must be after --since"),
])
def test_backtest_command_refuses_in_one_line(env, tmp_path, args, message):
    rules = tmp_path / "r.toml"
    rules.write_text("")
    result = CliRunner().invoke(main, ["backtest", "--rules", str(rules), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_backtest_command_reports_a_bad_rules_file_in_one_line(env, tmp_path):
    rules = tmp_path / "r.toml"
    rules.write_text("[nonpayment_burst]\nmedium = 'three'\n")
    result = CliRunner().invoke(main, ["backtest", "--rules", str(rules)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_an_events_file_and_the_store_give_the_same_backtest_for_the_same_period(env, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in env[1]))
    strict = tmp_path / "strict.toml"
    strict.write_text(STRICT)
    period = ["--since", "2026-10-02T00:00:00Z", "--until", "2026-10-03T06:00:00+00:00"]
    base = ["backtest", "--rules", str(strict), "--format", "json", *period]
    from_store = CliRunner().invoke(main, base)
    from_file = CliRunner().invoke(main, [*base, "--events", str(path)])
    assert from_store.exit_code == from_file.exit_code == 0, from_store.output + from_file.output
    result = orjson.loads(from_file.stdout)
    assert result == orjson.loads(from_store.stdout)
    until = datetime(2026, 10, 3, 6, tzinfo=UTC).timestamp() * 1e6
    assert result["events"] == sum(1 for e in env[1] if _micros(e) < until)  # warm-up: all before
    assert 0 < result["warmup_events"] < result["events"]


def test_backtest_applies_the_same_lists_to_both_rule_sets(env, tmp_path):
    strict = tmp_path / "strict.toml"
    strict.write_text(STRICT)
    args = ["backtest", "--rules", str(strict), "--format", "json"]
    plain = orjson.loads(CliRunner().invoke(main, args).stdout)
    flagged = plain["newly_flagged_examples"][0]["buyer_id"]  # flagged by the candidate only
    lists = tmp_path / "lists.jsonl"
    lists.write_bytes(orjson.dumps({
        "kind": "allow", "buyer_id": flagged, "seller_id": "*", "reason": "wholesale",
        "source": "pytest", "added_at": 0, "expires_at": None}) + b"\n")
    result = CliRunner().invoke(main, [*args, "--lists", str(lists)])
    assert result.exit_code == 0, result.output
    listed = orjson.loads(result.stdout)
    assert listed["candidate_suppressed"] > 0
    assert listed["candidate_alerts"] == plain["candidate_alerts"] - listed["candidate_suppressed"]
    assert listed["baseline_alerts"] == plain["baseline_alerts"] - listed["baseline_suppressed"]
    assert listed["newly_flagged"] == plain["newly_flagged"] - 1
    table = CliRunner().invoke(main, ["backtest", "--rules", str(strict), "--lists", str(lists)])
    assert "allow-list entries suppressed" in table.stdout


def test_a_store_holding_an_event_the_orders_stage_refused_is_still_backtested(
        tmp_path, monkeypatch):
    # the sink stored such events before it checked them; the store is read-only to users
    path = tmp_path / "og.duckdb"
    store = Store(path)
    store.write([StoredMessage(make_event(event_id="ok-1", at=T0)),
                 StoredMessage(make_event(event_id="bad-1", type="order.exploded", at=T0)),
                 StoredMessage(make_event(event_id="ok-2", at=T0 + timedelta(hours=1)))], [])
    store.close()
    with pytest.raises(InvalidEvent, match="stored event 'bad-1': unknown event type"):
        list(stored_events(_query(path)))
    errors = io.StringIO()
    assert _ids(stored_events(_query(path), on_error="skip", errors=errors)) == ["ok-1", "ok-2"]
    assert errors.getvalue() == (
        "skipped stored event 'bad-1': unknown event type 'order.exploded'\n")
    rules = tmp_path / "strict.toml"
    rules.write_text(STRICT)
    monkeypatch.setenv("ORDERGUARD_DUCKDB", str(path))
    monkeypatch.setenv("ORDERGUARD_WEB_PORT", "9")
    monkeypatch.setenv("ORDERGUARD_SQL_MAX_ROWS", "1")  # the history read a row at a time
    result = CliRunner().invoke(main, ["backtest", "--rules", str(rules), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["events"] == 2
    assert "skipped stored event 'bad-1'" in result.stderr


def test_many_bad_stored_events_are_named_up_to_a_limit_then_counted(tmp_path):
    from streams.skips import REPORTED_SKIPS

    path = tmp_path / "og.duckdb"
    store = Store(path)
    bad = [StoredMessage(make_event(event_id=f"bad-{n:02}", type="order.exploded",
                                    at=T0 + timedelta(seconds=n))) for n in range(25)]
    store.write([*bad, StoredMessage(make_event(event_id="ok-1", at=T0))], [])
    store.close()
    errors = io.StringIO()
    assert _ids(stored_events(_query(path), on_error="skip", errors=errors)) == ["ok-1"]
    lines = errors.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:REPORTED_SKIPS]] == [
        f"skipped stored event 'bad-{n:02}'" for n in range(REPORTED_SKIPS)]
    assert lines[REPORTED_SKIPS:] == [
        f"skipped 5 more invalid stored events (25 in all; the first {REPORTED_SKIPS} "
        "are named above)"]
