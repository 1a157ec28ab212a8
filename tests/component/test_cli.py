"""The CLI through click's runner: help everywhere, one-line errors, replay, sql, normalize."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import orjson
import pytest
from click.testing import CliRunner

from analytics.store import Store, StoredMessage
from streams.cli import main
from tests.factories import T0, make_event

COMMANDS = sorted(main.commands)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch):
    # a port where no worker listens, so `sql` falls back to the file
    monkeypatch.setenv("ORDERGUARD_WEB_PORT", "9")
    monkeypatch.setenv("ORDERGUARD_DUCKDB", str(tmp_path / "og.duckdb"))
    return tmp_path


def test_the_contract_commands_exist():
    assert {"worker", "produce", "replay", "sql", "normalize", "alerts"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_a_description(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(main.commands[command].help or "") > 20


def jsonl(path, events):
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    return path


def test_replay_prints_alerts_as_json_lines_with_stable_ids(runner, tmp_path):
    from streams.simulator import simulate

    path = jsonl(tmp_path / "day.jsonl", simulate(11, buyers=80).events)
    first = runner.invoke(main, ["replay", str(path)])
    second = runner.invoke(main, ["replay", str(path)])
    assert first.exit_code == 0, first.output
    alerts = [orjson.loads(line) for line in first.stdout.splitlines()]
    assert alerts
    assert first.stdout == second.stdout


def test_replay_progress_ends_with_counts_rate_and_core(runner, tmp_path):
    import streams
    from streams.engine import native
    from streams.simulator import simulate

    core = "native" if native() is not None else streams.CORE

    events = simulate(11, buyers=80).events
    result = runner.invoke(main, ["replay", str(jsonl(tmp_path / "day.jsonl", events)),
                                  "--progress"])
    alerts = len(result.stdout.splitlines())
    last = result.stderr.splitlines()[-1]
    assert re.fullmatch(rf"replay: {len(events):,} events, {alerts:,} alerts in [\d.]+s "
                        rf"\([\d,]+ events/s, core: {re.escape(core)}\)", last), last


def test_replay_skips_bad_lines_and_says_where(runner, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(orjson.dumps(make_event()) + b"\n{nope\n")
    result = runner.invoke(main, ["replay", str(path)])
    assert result.exit_code == 0
    assert f"skipped {path}:2:" in result.stderr


@pytest.mark.parametrize("compress", ["gzip", "bz2", "lzma"])
@pytest.mark.parametrize("stdin", [False, True])
def test_replay_reads_a_compressed_file_as_the_plain_one(runner, tmp_path, compress, stdin):
    import importlib

    from streams.simulator import simulate

    plain = jsonl(tmp_path / "day.jsonl", simulate(11, buyers=80).events)
    packed = importlib.import_module(compress).compress(plain.read_bytes())
    (tmp_path / "day.pack").write_bytes(packed)
    expected = runner.invoke(main, ["replay", str(plain)]).stdout
    args = ["replay", "-"] if stdin else ["replay", str(tmp_path / "day.pack")]
    result = runner.invoke(main, args, input=packed if stdin else None)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected and expected


def test_replay_of_a_cut_off_compressed_file_fails_with_one_line(runner, tmp_path):
    import gzip

    from streams.simulator import simulate

    packed = gzip.compress(jsonl(tmp_path / "day.jsonl", simulate(11, buyers=80).events)
                           .read_bytes())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    result = runner.invoke(main, ["replay", str(cut)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {cut}: the compressed data is damaged or cut off (Compressed file ended "
        "before the end-of-stream marker was reached)")


def test_replay_names_the_first_20_bad_lines_and_counts_the_rest(runner, tmp_path):
    from streams.skips import REPORTED_SKIPS

    path = tmp_path / "noisy.jsonl"
    path.write_bytes(b"{nope\n" * 50 + orjson.dumps(make_event()) + b"\n")
    result = runner.invoke(main, ["replay", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    named = [line.split(": not JSON: ")[0] for line in lines[:REPORTED_SKIPS]]
    assert named == [f"skipped {path}:{n}" for n in range(1, REPORTED_SKIPS + 1)]
    assert lines[REPORTED_SKIPS:] == [
        f"skipped 30 more invalid lines of {path} (50 in all; the first 20 are named above)"]


def test_replay_of_a_file_with_no_event_in_it_fails(runner, tmp_path):
    path = tmp_path / "alerts.jsonl"  # the wrong file: alerts, not events
    path.write_bytes(b'{"alert_id": "a1"}\n' * 3)
    result = runner.invoke(main, ["replay", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: {path}: none of its 3 lines is a canonical event (is it a JSON Lines file "
        "of events?)")


@pytest.mark.parametrize("content", [b"", b"\n  \n", b"\xef\xbb\xbf\n"])
@pytest.mark.parametrize("stdin", [False, True])
def test_replay_of_an_empty_file_fails(runner, tmp_path, content, stdin):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)
    args = ["replay", "-"] if stdin else ["replay", str(path)]
    result = runner.invoke(main, args, input=content if stdin else None)
    assert result.exit_code == 2
    name = "-" if stdin else path
    assert result.stderr.splitlines() == [
        f"Error: {name}: no events in it (the file is empty or blank)"]


def test_replay_reads_past_a_byte_order_mark(runner, tmp_path):
    from streams.simulator import simulate

    plain, marked = jsonl(tmp_path / "plain.jsonl", simulate(11, buyers=80).events), \
        tmp_path / "marked.jsonl"
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    expected = runner.invoke(main, ["replay", str(plain)])
    result = runner.invoke(main, ["replay", str(marked)])
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == expected.stdout and expected.stdout


@pytest.mark.parametrize(("head", "said"), [
    (b"\x28\xb5\x2f\xfd\x00\x58", "is zstd-compressed (decompress it first: zstd -dc FILE)"),
    (b"\xff\xfe{\x00", "is UTF-16 text (convert it to UTF-8: iconv -f UTF-16 -t UTF-8)"),
])
def test_replay_says_what_to_do_with_a_file_it_cannot_read(runner, tmp_path, head, said):
    path = tmp_path / "day.jsonl"
    path.write_bytes(head + b"\n" + orjson.dumps(make_event()) + b"\n")
    result = runner.invoke(main, ["replay", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Error: {path} {said}"]


def test_replay_names_text_that_is_not_utf8(runner, tmp_path):
    path = tmp_path / "gbk.jsonl"
    event = make_event(reason="买家拍错了")
    path.write_bytes(orjson.dumps(event).decode().encode("gbk") + b"\n"
                     + orjson.dumps(make_event()) + b"\n")
    result = runner.invoke(main, ["replay", str(path)])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"skipped {path}:1: not UTF-8 text (convert the file first, e.g. iconv -f GBK -t UTF-8)"]


@pytest.mark.parametrize(("args", "said"), [
    (["block", "add", "", "--reason", "x"], "an id is not blank"),
    (["block", "add", " b-1", "--reason", "x"], "no spaces around it"),
    (["block", "add", "1|b-1", "--seller", "s", "--reason", "x"], "has no '|'"),
    (["block", "add", "b-1", "--seller", "s|1", "--reason", "x"], "has no '|'"),
    (["block", "add", "b\x07", "--reason", "x"], "no control characters"),
    (["block", "add", "b-1", "--reason", "  "], "say why"),
    (["block", "remove", "a|b"], "has no '|'"),
])
def test_block_refuses_ids_that_would_share_a_key_before_any_kafka(runner, args, said):
    # entries are keyed kind|seller|buyer: 'b-1' at 's|1' and '1|b-1' at 's' were one key
    result = runner.invoke(main, args, env={"ORDERGUARD_KAFKA": "localhost:1"})
    assert result.exit_code == 2
    assert said in result.stderr and "no Kafka broker" not in result.stderr


@pytest.mark.parametrize("args", [
    ["simulate", "--days", "0"], ["simulate", "--buyers", "-1"], ["evaluate", "--buyers", "0"],
    ["evaluate", "--days", "0"], ["demo", "--buyers", "0"], ["worker", "--web-port", "0"],
])
def test_a_count_that_makes_no_sense_is_refused_before_any_work(runner, args):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "is not in the range" in result.stderr


def test_replay_with_a_broken_rules_file_fails_with_one_line_and_exit_2(runner, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("this is = = not toml")
    events = jsonl(tmp_path / "e.jsonl", [make_event()])
    result = runner.invoke(main, ["replay", str(events), "--rules", str(rules)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def _entry(kind, buyer, seller="*", expires_at=None):
    return {"kind": kind, "buyer_id": buyer, "seller_id": seller, "reason": "test",
            "source": "pytest", "added_at": 0, "expires_at": expires_at}


def test_replay_applies_a_lists_file_as_the_stream_applies_the_lists(runner, tmp_path):
    from streams.backtest import detection
    from streams.jsonl import read_lists
    from streams.simulator import simulate

    events = simulate(11, buyers=80).events
    path = jsonl(tmp_path / "day.jsonl", events)
    printed = runner.invoke(main, ["replay", str(path)]).stdout
    plain = [orjson.loads(line) for line in printed.splitlines()]
    allowed = next(a["buyer_ids"][0] for a in plain if len(a["buyer_ids"]) == 1)
    denied = next(e["buyer_id"] for e in events if e["type"] == "order.created"
                  and e["buyer_id"] != allowed)
    lists = jsonl(tmp_path / "lists.jsonl", [_entry("allow", allowed), _entry("deny", denied)])
    result = runner.invoke(main, ["replay", str(path), "--lists", str(lists)])
    assert result.exit_code == 0, result.output
    alerts = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert not any(a["buyer_ids"] == [allowed] for a in alerts)
    assert any(a["rule_id"] == "blocked_buyer_order" and a["buyer_ids"] == [denied]
               for a in alerts)
    engine = detection(None, read_lists(lists))
    expected = [a for e in events for a in engine.feed(e)]
    assert alerts == orjson.loads(orjson.dumps(expected))
    suppressed = len(engine.suppressed)
    assert suppressed == sum(1 for a in plain if a["buyer_ids"] == [allowed]) > 0
    assert f"replay: {suppressed} alerts suppressed by allow-list entries" in result.stderr


def test_an_expired_list_entry_applies_only_to_the_events_before_it_expired(runner, tmp_path):
    created = make_event("order.created", at=datetime(2026, 10, 5, 10, tzinfo=UTC))
    later = make_event("order.created", at=datetime(2026, 10, 7, 10, tzinfo=UTC))
    path = jsonl(tmp_path / "e.jsonl", [created, later])
    expiry = int(datetime(2026, 10, 6, 10, tzinfo=UTC).timestamp())
    lists = jsonl(tmp_path / "lists.jsonl", [_entry("deny", created["buyer_id"],
                                                    expires_at=expiry)])
    result = runner.invoke(main, ["replay", str(path), "--lists", str(lists)])
    alerts = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert [a["order_id"] for a in alerts if a["rule_id"] == "blocked_buyer_order"] == [
        created["order_id"]]


def test_replay_refuses_a_bad_lists_file_in_one_line_naming_the_line(runner, tmp_path):
    events = jsonl(tmp_path / "e.jsonl", [make_event()])
    lists = tmp_path / "lists.jsonl"
    lists.write_bytes(orjson.dumps(_entry("deny", "b-1")) + b"\n"
                      + orjson.dumps(_entry("maybe", "b-2")) + b"\n")
    result = runner.invoke(main, ["replay", str(events), "--lists", str(lists)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {lists}:2: list kind must be deny or allow, not 'maybe'")


def test_produce_refuses_a_bad_file_before_sending_anything(runner, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(orjson.dumps(make_event()) + b"\n" + orjson.dumps({"type": "x"}) + b"\n")
    result = runner.invoke(main, ["produce", str(path)])
    assert result.exit_code == 2, repr(result.exception)
    assert f"{path}:2: missing required field 'event_id'" in result.stderr


def test_sql_reads_the_file_when_no_worker_runs(runner, env):
    store = Store(env / "og.duckdb")
    store.write([StoredMessage(make_event(event_id="e1")),
                 StoredMessage(make_event(event_id="e2"))], [])
    store.close()
    result = runner.invoke(main, ["sql", "SELECT count(*) AS n FROM events", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout) == {"n": 2}
    refused = runner.invoke(main, ["sql", "DROP TABLE events"])
    assert refused.exit_code == 2
    assert "only SELECT queries are allowed here, not DROP" in refused.stderr



SQL_TYPES = ("SELECT event_id, occurred_at, amount, reason, [seller_id, 'x,y'] AS names "
             "FROM events ORDER BY event_id")


def _stored_two(path):
    store = Store(path)
    store.write([StoredMessage(make_event(event_id="e1", at=T0)),
                 StoredMessage(make_event(event_id="e2", at=T0, amount="12.50",
                                          reason='said "no", twice'))], [])
    store.close()


def test_sql_as_csv_has_plain_newlines_rfc3339_times_and_json_lists(runner, env):
    _stored_two(env / "og.duckdb")
    result = runner.invoke(main, ["sql", SQL_TYPES, "--format", "csv"])
    assert result.exit_code == 0, result.output
    seller = make_event()["seller_id"]
    assert result.stdout.split("\n") == [
        "event_id,occurred_at,amount,reason,names",
        f'e1,2026-10-01T08:00:00+00:00,129.9000,,"[""{seller}"",""x,y""]"',
        f'e2,2026-10-01T08:00:00+00:00,12.5000,"said ""no"", twice","[""{seller}"",""x,y""]"',
        "",
    ]


def test_sql_prints_the_same_from_the_file_as_from_a_worker(env):
    # a worker answers /sql in JSON (streams.agents.web): times, decimals and lists arrive
    # as JSON values, and print as the file's own values do
    from analytics.client import cell_text, dumps, format_table, query_file
    from analytics.store import QueryResult

    _stored_two(env / "og.duckdb")
    direct = query_file(env / "og.duckdb", SQL_TYPES)
    sent = orjson.loads(dumps({"rows": direct.rows}))["rows"]  # as the worker sends them
    worker = QueryResult(direct.columns, [tuple(row) for row in sent])
    assert format_table(worker) == format_table(direct)
    assert "2026-10-01T08:00:00+00:00" in format_table(direct)
    for options in ({}, {"null": "", "list_sep": None}):
        assert ([[cell_text(v, **options) for v in row] for row in worker.rows]
                == [[cell_text(v, **options) for v in row] for row in direct.rows])


def test_normalize_generic_prints_canonical_events(runner, tmp_path):
    body = tmp_path / "body.json"
    body.write_bytes(orjson.dumps([make_event(event_id="n1"), make_event(event_id="n2")]))
    result = runner.invoke(main, ["normalize", "--platform", "generic", str(body)])
    assert result.exit_code == 0, result.output
    assert [orjson.loads(x)["event_id"] for x in result.stdout.splitlines()] == ["n1", "n2"]


def test_normalize_of_malformed_input_exits_2_with_the_reason(runner, tmp_path):
    body = tmp_path / "body.json"
    body.write_bytes(b"\xff\xfe not utf-8")
    result = runner.invoke(main, ["normalize", "--platform", "generic", str(body)])
    assert result.exit_code == 2
    assert "not valid UTF-8" in result.stderr


def test_simulate_is_deterministic_per_seed(runner):
    a = runner.invoke(main, ["simulate", "--seed", "5", "--buyers", "20"]).stdout
    b = runner.invoke(main, ["simulate", "--seed", "5", "--buyers", "20"]).stdout
    c = runner.invoke(main, ["simulate", "--seed", "6", "--buyers", "20"]).stdout
    assert a == b != c


def test_worker_runs_without_faust_s_terminal_spinner(monkeypatch, runner):
    # at --loglevel warning the spinner sets the root logger to DEBUG, so every debug
    # message of faust and aiokafka is built and handled: detection ran 18% slower
    import faust.worker

    import streams.app
    import streams.kafka_admin

    ran = []

    class Recorded(faust.worker.Worker):
        def execute_from_commandline(self):
            ran.append(self.spinner)

    monkeypatch.setattr(faust.worker, "Worker", Recorded)
    monkeypatch.setattr(streams.kafka_admin, "ensure_topics", lambda *a, **k: None)
    monkeypatch.setattr(streams.kafka_admin, "wait_for_broker", lambda *a, **k: None)
    monkeypatch.setattr(streams.app, "create_app",
                        lambda settings: faust.App("spinner-test", broker="memory://"))
    result = runner.invoke(main, ["worker", "--loglevel", "warning"])
    assert result.exit_code == 0, result.output
    assert ran == [None]


@pytest.mark.parametrize("args", [
    ["alerts"], ["alerts", "--follow"], ["lag"], ["block", "list"],
    ["block", "add", "b-1", "--reason", "test"], ["block", "remove", "b-1"], ["demo"],
    ["produce", "-"],
])
def test_a_kafka_command_without_a_broker_fails_at_once_in_one_line(runner, monkeypatch,
                                                                    args, tmp_path):
    import time

    monkeypatch.setenv("ORDERGUARD_KAFKA", "127.0.0.1:9")  # nothing listens on port 9
    monkeypatch.chdir(tmp_path)  # the demo's work directory, should it get that far
    started = time.monotonic()
    result = runner.invoke(main, args, input=orjson.dumps(make_event()) + b"\n")
    assert time.monotonic() - started < 5  # not kafka-python's 30 s bootstrap
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        "Error: no Kafka broker answers at 127.0.0.1:9 (nothing accepts connections there); "
        "start one with `make kafka-up`, or set ORDERGUARD_KAFKA"
    ]


def test_a_worker_waits_for_kafka_and_gives_up_only_at_its_limit(runner, monkeypatch):
    monkeypatch.setenv("ORDERGUARD_KAFKA", "127.0.0.1:9")
    monkeypatch.setenv("ORDERGUARD_KAFKA_WAIT_S", "1.5")
    result = runner.invoke(main, ["worker"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("orderguard worker: waiting for a Kafka broker at 127.0.0.1:9 ")
    assert lines[-1] == (
        "Error: no Kafka broker answers at 127.0.0.1:9 (gave up after 2 s, "
        "ORDERGUARD_KAFKA_WAIT_S); start one with `make kafka-up`, or set ORDERGUARD_KAFKA")


def test_kafka_pythons_own_bootstrap_failure_is_one_line_too(runner, monkeypatch):
    import streams.kafka_admin
    import streams.lag

    # something accepts connections but no broker answers: kafka-python's timeout decides
    monkeypatch.setattr(streams.kafka_admin, "broker_answers", lambda bootstrap: True)
    monkeypatch.setattr(streams.lag, "BOOTSTRAP_TIMEOUT_MS", 300)
    monkeypatch.setenv("ORDERGUARD_KAFKA", "127.0.0.1:9")
    monkeypatch.delenv("ORDERGUARD_KAFKA_SECURITY_PROTOCOL", raising=False)
    result = runner.invoke(main, ["lag"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: something accepts connections at 127.0.0.1:9, but no Kafka broker answered a "
        "PLAINTEXT client there (KafkaTimeoutError); if the cluster wants TLS or a SASL user, "
        "set ORDERGUARD_KAFKA_SECURITY_PROTOCOL (and its companions)"
    ]


def test_lag_watch_goes_on_through_a_broker_outage(runner, monkeypatch):
    import time

    from kafka.errors import KafkaConnectionError

    import streams.kafka_admin
    import streams.lag
    from streams.lag import TopicLag

    def rows(behind):
        return [("orders", "og", TopicLag("orderguard.events", behind, True, True))]

    answers = iter([rows(900), rows(600), KafkaConnectionError("gone"), rows(400), rows(100),
                    KeyboardInterrupt()])

    def stage_lags(bootstrap, app_id):
        answer = next(answers)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    monkeypatch.setenv("ORDERGUARD_KAFKA", "localhost:9092")
    monkeypatch.setattr(streams.kafka_admin, "broker_answers", lambda bootstrap: True)
    monkeypatch.setattr(streams.lag, "stage_lags", stage_lags)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    result = runner.invoke(main, ["lag", "--watch", "1"])
    assert result.exit_code == 0, result.output
    lines = [line.split("  ", 1)[1] for line in result.stdout.splitlines()]
    assert lines[0] == "900 behind (orders 900)"
    assert lines[1].startswith("600 behind (orders 600)  catching up ")
    assert lines[2] == ("no answer from Kafka at localhost:9092 (KafkaConnectionError); "
                        "trying again")
    assert lines[3] == "400 behind (orders 400)"  # no rate across the outage
    assert lines[4].startswith("100 behind (orders 100)  catching up ")
