"""The pipeline's commands: run a worker, feed it, read its alerts, see what ingest makes."""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import orjson

from schemas.alert import SEVERITIES
from streams import CORE
from streams.commands.base import CliError, Seconds, kafka_settings, load_settings

if TYPE_CHECKING:
    from streams.lag import TopicLag

    Rows = list[tuple[str, str, TopicLag]]


@click.command()
@click.option("--web-port", type=click.IntRange(1, 65535),
              help="HTTP port (default ORDERGUARD_WEB_PORT or 6066).")
@click.option("--loglevel", default="info", show_default=True)
def worker(web_port: int | None, loglevel: str) -> None:
    """Run the streaming pipeline: webhook ingest, orders/buyers stages, DuckDB sink.

    Started before its Kafka broker, the worker waits for it, saying so every 15 s
    (ORDERGUARD_KAFKA_WAIT_S=SECONDS gives up after that long, with exit code 2).

    \b
    Example:
        ORDERGUARD_KAFKA=localhost:9092 orderguard worker --web-port 6066
    """
    from faust.worker import Worker

    from streams import tablefiles
    from streams.app import create_app
    from streams.kafka_admin import check_login, ensure_topics, wait_for_broker

    settings = load_settings()
    if web_port:
        settings = dataclasses.replace(settings, web_port=web_port)
    wait_for_broker(settings.kafka, settings.kafka_wait_s,
                    lambda line: click.echo(f"orderguard worker: {line}", err=True))
    check_login(settings.kafka)  # a refused login is one line now, not after 30 s
    ensure_topics(settings.kafka, settings.partitions, settings.app_id)
    click.echo(f"orderguard worker: app id {settings.app_id}, Kafka {settings.kafka} "
               f"({settings.kafka_security.describe()}), core: {CORE}", err=True)
    app = create_app(settings)
    tabledir = Path(app.conf.tabledir)
    if settings.table_store == "rocksdb":
        held = tablefiles.claim(tabledir)  # noqa: F841 - released when the process exits
        app.orderguard.tables_found = found = tablefiles.open_tables(tabledir)
        click.echo(f"orderguard worker: {tablefiles.describe(found)} ({tabledir})", err=True)
    runner = Worker(app, loglevel=loglevel)
    # faust's terminal spinner, kept at --loglevel warning and above, sets the root logger to
    # DEBUG so that every debug message turns it: every message of faust and aiokafka is
    # then built and handled, and detection ran 18% slower (measured). A server needs no
    # spinner.
    runner.spinner = None
    try:
        runner.execute_from_commandline()
    except SystemExit as stop:
        # faust exits 0 only from a clean stop (a crash re-raises and exits 1; a kill -9
        # runs nothing): only then may the next start keep the table files
        if stop.code in (0, None) and settings.table_store == "rocksdb":
            tablefiles.close_tables(tabledir)
        raise


@click.command()
@click.argument("events_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--progress/--no-progress", default=None,
              help="Report progress on stderr (default: when stderr is a terminal).")
def produce(events_file: str, progress: bool | None) -> None:
    """Publish canonical events (JSON Lines) to orderguard.events, keyed by order id.

    Every line is checked first; a bad line, or an event over the topic's size limit,
    stops the command before anything is sent. It ends once the broker has acknowledged
    every event; if the broker stops answering for a minute, or refuses some, it says how
    many were acknowledged (producing the same file again is safe: the pipeline drops an
    event_id it has seen). The file may be gzip, bzip2 or xz compressed; - reads standard
    input.

    \b
    Example:
        orderguard simulate --seed 7 > day.jsonl && orderguard produce day.jsonl
    """
    from streams.ingest import check_clock
    from streams.jsonl import read_events
    from streams.kafka_admin import ensure_topics
    from streams.producer import produce as send

    events = list(read_events(events_file))  # a bad file is refused, broker or not
    check_clock(events, datetime.now(UTC))
    settings = kafka_settings()
    ensure_topics(settings.kafka, settings.partitions, settings.app_id)
    show = sys.stderr.isatty() if progress is None else progress

    def report(sent: int, acknowledged: int) -> None:
        click.echo(f"produce: {sent:,} of {len(events):,} sent, {acknowledged:,} "
                   "acknowledged", err=True)

    count = send(settings.kafka, events, progress=report if show else None)
    click.echo(f"produced {count:,} events to orderguard.events", err=True)


@click.command()
@click.option("--follow", is_flag=True, help="Keep printing alerts as they arrive.")
@click.option("--group", help="Consumer group to resume from (default: read from the start).")
@click.option("--idle-timeout", type=Seconds(0.1), default=None,
              help="Stop after this many seconds without an alert (with --follow; without "
                   "it, the command stops at the topic's end anyway).")
@click.option("--seller", "sellers", multiple=True,
              help="Only alerts at this seller (repeat for several).")
@click.option("--min-severity", type=click.Choice(SEVERITIES),
              help="Only alerts of this severity and up (medium: act on this buyer).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "text"]), default="jsonl",
              show_default=True,
              help="text: one line per alert for a terminal (time, seller, buyers, severity, "
                   "rule, explanation).")
def alerts(follow: bool, group: str | None, idle_timeout: float | None,
           sellers: tuple[str, ...], min_severity: str | None, fmt: str) -> None:
    """Print alerts from orderguard.alerts as JSON Lines (a kafka-python consumer).

    Without --follow, prints what the topic holds when it starts, and exits. With
    --group, it starts where that group stopped and moves the group past each alert once
    it is printed (past the alerts --seller and --min-severity leave out too); an alert
    that could not be printed (a closed pipe, Ctrl-C) is printed again next time.

    \b
    Examples:
        orderguard alerts --follow | jq .explanation
        orderguard alerts --follow --seller shop-1 --min-severity high --format text
    """
    from streams.follow import alert_filter, follow_alerts, format_alert

    settings = kafka_settings()
    keep = alert_filter(sellers, min_severity)
    out = sys.stdout.buffer
    try:
        for alert in follow_alerts(settings.kafka, group=group, idle_timeout_s=idle_timeout,
                                   to_end=not follow):
            if keep(alert):
                line = format_alert(alert, who=True).encode() if fmt == "text" \
                    else orjson.dumps(alert)
                out.write(line + b"\n")
                out.flush()  # written before the group may move past it
    except BrokenPipeError:
        # the reader closed the pipe (`| head`): it has what it wanted; the alert that
        # could not be written is not counted as read
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except KeyboardInterrupt:  # how a --follow ends: what was printed is committed
        return
    except OSError as exc:  # a full disk, say: those alerts are not counted as read
        raise CliError(f"cannot write the alerts: {exc.strerror or exc}") from None


@click.command()
@click.option("--platform", required=True,
              type=click.Choice(["shopify", "stripe", "woocommerce", "taobao", "aliexpress",
                                 "generic"]))
@click.option("--topic", help="The platform's topic, e.g. orders/create (Shopify).")
@click.argument("body_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def normalize(platform: str, topic: str | None, body_file: str) -> None:
    """Print the canonical events a raw webhook body becomes, as JSON Lines.

    \b
    Examples:
        orderguard normalize --platform shopify --topic orders/create order.json
        orderguard normalize --platform generic event.json
    """
    from streams.ingest import normalize_body

    body = sys.stdin.buffer.read() if body_file == "-" else Path(body_file).read_bytes()
    parsed = normalize_body(platform, body, topic)
    for event in parsed.events:
        click.echo(orjson.dumps(event))
    if parsed.unknown_topic:
        raise CliError(f"topic {parsed.unknown_topic!r} is not mapped to canonical events")


@click.command()
@click.option("--seed", type=int, default=None, help="Simulator seed (default: a new one).")
@click.option("--buyers", type=click.IntRange(1), default=300, show_default=True)
@click.option("--workdir", type=click.Path(file_okay=False), default="demo", show_default=True,
              help="Where the demo keeps its DuckDB file and worker log.")
def demo(seed: int | None, buyers: int, workdir: str) -> None:
    """Run a worker and send it a simulated marketplace day; print alerts live and a summary.

    Stops the worker at the end. Needs a broker (`make kafka-up`; `make demo` starts one).
    The demo reads only what it sends: messages that earlier runs (a benchmark, `produce`)
    left for its stages on the broker are skipped, and it says how many.

    \b
    Example:
        orderguard demo --seed 7 --buyers 300
    """
    from streams.demo import run_demo

    run_demo(kafka_settings(), seed if seed is not None else int(time.time()) % 100_000, buyers,
             Path(workdir), click.echo)


@click.command()
@click.option("--watch", type=Seconds(0.5), metavar="SECONDS",
              help="Print a line every SECONDS, with how fast the stages catch up, until "
                   "interrupted.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def lag(watch: float | None, fmt: str) -> None:
    """Show how far each stage of a worker is behind its input topic.

    For the app named by ORDERGUARD_APP_ID: the messages on each stage's input topic past
    what its consumer group has committed (the stages share the app id's group, the sink
    has its own, <app id>-sink). Workers commit every few seconds, so one that
    keeps up shows a few thousand at most; a number that keeps growing means the workers do
    not keep up (give the topics more partitions and run more workers). Works while workers
    run and when none does; reading the offsets does not join their groups. With
    --watch, a round that no broker answers is reported and the watch goes on.

    \b
    Examples:
        orderguard lag
        orderguard lag --watch 5
        orderguard lag --format json | jq '.[] | select(.behind > 0)'
    """
    from kafka.errors import KafkaError

    from streams.lag import stage_lags

    settings = kafka_settings()
    rows = stage_lags(settings.kafka, settings.app_id)
    if not any(lag.committed for _, _, lag in rows):
        click.echo(f"lag: no stage of app id {settings.app_id!r} has committed anything on "
                   "this cluster: no worker of it has run yet, or ORDERGUARD_APP_ID names "
                   "another app", err=True)
    if watch is None:
        click.echo(_lag_json(rows) if fmt == "json" else _lag_table(rows))
        return
    last: Rows | None = rows
    started = time.monotonic()
    click.echo(_lag_line(rows, None) if fmt == "table" else _lag_json(rows, time.time()))
    try:
        while True:
            time.sleep(max(0.0, watch - (time.monotonic() - started)))
            try:
                now = stage_lags(settings.kafka, settings.app_id)
            except KafkaError as exc:  # a broker restarting: a watch goes on watching
                started, last = time.monotonic(), None
                click.echo(_outage(settings.kafka, exc, fmt))
                continue
            elapsed, started = time.monotonic() - started, time.monotonic()
            rate = None if last is None else (_total(last) - _total(now)) / elapsed
            click.echo(_lag_line(now, rate) if fmt == "table" else _lag_json(now, time.time()))
            last = now
    except KeyboardInterrupt:
        return


def _outage(bootstrap: str, exc: Exception, fmt: str) -> str:
    """The line ``lag --watch`` prints for a round that no broker answered."""
    why = f"no answer from Kafka at {bootstrap} ({type(exc).__name__}); trying again"
    if fmt == "json":
        return orjson.dumps({"at": datetime.now(UTC).isoformat(), "error": why}).decode()
    return _stamped(why)


def _total(rows: Rows) -> int:
    return sum(lag.behind for _, _, lag in rows)


def _note(lag: TopicLag) -> str:
    if not lag.exists:
        return "no such topic yet"
    return "" if lag.committed else "never committed: counted from the start"


def _lag_table(rows: Rows) -> str:
    lines = [f"{'stage':<18} {'topic':<34} {'behind':>10}"]
    for stage, _, lag in rows:
        note = _note(lag)
        lines.append(f"{stage:<18} {lag.topic:<34} {lag.behind:>10,}"
                     + (f"  ({note})" if note else ""))
    lines.append(f"{'total':<53} {_total(rows):>10,}")
    return "\n".join(lines)


def _stamped(text: str) -> str:
    """A ``lag --watch`` line: the time of day (UTC), then ``text``."""
    return f"{datetime.now(UTC).strftime('%H:%M:%S')}  {text}"


def _lag_line(rows: Rows, rate: float | None) -> str:
    parts = ", ".join(f"{stage} {lag.behind:,}" for stage, _, lag in rows if lag.behind)
    total = _total(rows)
    line = _stamped(f"{total:,} behind" + (f" ({parts})" if parts else ""))
    if rate is not None and total:
        line += (f"  catching up {rate:,.0f} messages/s" if rate >= 0
                 else f"  falling behind {-rate:,.0f} messages/s")
    return line


def _lag_json(rows: Rows, at: float | None = None) -> str:
    doc: Any = [{"stage": stage, "group": group, "topic": lag.topic, "behind": lag.behind,
                 "committed": lag.committed, "exists": lag.exists}
                for stage, group, lag in rows]
    if at is not None:  # --watch: one JSON object per line
        doc = {"at": datetime.fromtimestamp(at, UTC).isoformat(), "stages": doc}
    return orjson.dumps(doc).decode()
