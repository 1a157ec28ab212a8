"""The ``orderguard`` command line: thin commands over library calls (contracts.md §3)."""

from __future__ import annotations

import dataclasses
import gc
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import orjson

from streams.errors import OrderguardError
from streams.settings import Settings


class CliError(click.ClickException):
    """A one-line error; exit code 2."""

    exit_code = 2


class Group(click.Group):
    """Translate orderguard's errors into one clear line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, turning an OrderguardError into a CliError."""
        try:
            return super().invoke(ctx)
        except OrderguardError as exc:
            raise CliError(str(exc)) from None


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except OrderguardError as exc:
        raise CliError(str(exc)) from None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="orderguard")
def main() -> None:
    """orderguard: catch malicious marketplace orders as they happen.

    Settings come from the environment: ORDERGUARD_KAFKA (localhost:9092),
    ORDERGUARD_DUCKDB (./orderguard.duckdb), ORDERGUARD_WEB_PORT (6066),
    ORDERGUARD_RULES (packaged defaults). See README.md.
    """


@main.command()
@click.option("--web-port", type=int, help="HTTP port (default ORDERGUARD_WEB_PORT or 6066).")
@click.option("--loglevel", default="info", show_default=True)
def worker(web_port: int | None, loglevel: str) -> None:
    """Run the streaming pipeline: webhook ingest, orders/buyers stages, DuckDB sink.

    \b
    Example:
        ORDERGUARD_KAFKA=localhost:9092 orderguard worker --web-port 6066
    """
    from faust.worker import Worker

    from streams.app import create_app
    from streams.kafka_admin import ensure_topics

    settings = _settings()
    if web_port:
        settings = dataclasses.replace(settings, web_port=web_port)
    ensure_topics(settings.kafka, settings.partitions, settings.app_id)
    Worker(create_app(settings), loglevel=loglevel).execute_from_commandline()


@main.command()
@click.argument("events_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def produce(events_file: str) -> None:
    """Publish canonical events (JSON Lines) to orderguard.events, keyed by order id.

    Every line is checked first; a bad line stops the command before anything is sent.

    \b
    Example:
        orderguard simulate --seed 7 > day.jsonl && orderguard produce day.jsonl
    """
    from streams.ingest import check_clock
    from streams.jsonl import read_events
    from streams.kafka_admin import ensure_topics
    from streams.producer import produce as send

    settings = _settings()
    events = list(read_events(events_file))
    check_clock(events, datetime.now(UTC))
    ensure_topics(settings.kafka, settings.partitions, settings.app_id)
    count = send(settings.kafka, events)
    click.echo(f"produced {count} events to orderguard.events", err=True)


@main.command()
@click.argument("events_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False),
              help="Rules file (TOML); default: ORDERGUARD_RULES or the packaged defaults.")
@click.option("--progress/--no-progress", default=None,
              help="Report progress on stderr (default: when stderr is a terminal).")
def replay(events_file: str, rules_file: str | None, progress: bool | None) -> None:
    """Run the stream's detection code over a JSON Lines file; print alerts as JSON Lines.

    Events are processed in file order (= arrival order). Same input, same alerts, same
    alert ids as the streaming pipeline. Invalid lines are reported on stderr and skipped,
    as the stream dead-letters them.

    \b
    Example:
        orderguard replay day.jsonl --rules rules.toml > alerts.jsonl
    """
    from streams.backtest import detection
    from streams.jsonl import read_events

    settings = _settings()
    engine = detection(Path(rules_file) if rules_file else settings.rules)
    out = sys.stdout.buffer
    show = sys.stderr.isatty() if progress is None else progress
    started, count, alerts = time.perf_counter(), 0, 0
    gc.disable()  # the states hold no reference cycles; collection only costs time here
    try:
        for event in read_events(events_file, on_error="skip"):
            for alert in engine.feed(event):
                out.write(orjson.dumps(alert) + b"\n")
                alerts += 1
            count += 1
            if show and count % 100_000 == 0:
                click.echo(f"replay: {count} events, {alerts} alerts", err=True)
    finally:
        gc.enable()
    out.flush()
    if show:
        elapsed = time.perf_counter() - started
        click.echo(f"replay: {count} events, {alerts} alerts in {elapsed:.1f}s", err=True)


class Instant(click.ParamType):
    """A UTC day (``2026-10-01``) or an RFC 3339 instant; without an offset it is UTC."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> datetime:
        """Parse the option's value."""
        if isinstance(value, datetime):
            return value
        try:
            at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{value!r} is not a date (2026-10-01) or an RFC 3339 time", param, ctx)
        return at if at.tzinfo else at.replace(tzinfo=UTC)


@main.command()
@click.option("--rules", "rules_file", required=True,
              type=click.Path(exists=True, dir_okay=False), help="The rules to try (TOML).")
@click.option("--baseline", "baseline_file", type=click.Path(exists=True, dir_okay=False),
              help="The rules to compare with; default: ORDERGUARD_RULES or the packaged ones.")
@click.option("--events", "events_file",
              type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help="Canonical events (JSON Lines) instead of the analytics store.")
@click.option("--since", type=Instant(), help="Count alerts from this day or time (UTC).")
@click.option("--until", type=Instant(), help="Leave out events from this day or time (UTC).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--examples", type=click.IntRange(0), default=10, show_default=True,
              help="Buyers to list whose verdict changes, each way.")
@click.option("--progress/--no-progress", default=None,
              help="Report progress on stderr (default: when stderr is a terminal).")
def backtest(rules_file: str, baseline_file: str | None, events_file: str | None,
             since: datetime | None, until: datetime | None, fmt: str, examples: int,
             progress: bool | None) -> None:
    """Replay the stored history under today's rules and under a candidate; compare.

    Both rule sets see the same events, in one pass: the analytics store's (through the
    running worker, else the file), by event time. With --since, the rules' longest horizon
    before it is replayed first so that its windows are whole; alerts count from --since.

    \b
    Example:
        orderguard backtest --rules stricter.toml --since 2026-10-01
    """
    from analytics.client import run_sql
    from streams.backtest import Backtest, detection, history, render, warmup_days

    if since and until and until <= since:
        raise CliError("--until must be after --since")
    s = _settings()
    base_path = Path(baseline_file) if baseline_file else s.rules
    run = Backtest(detection(base_path), detection(rules_file),
                   int(since.timestamp()) if since else 0)
    warmup = max(warmup_days(run.baseline), warmup_days(run.candidate))
    query = None if events_file else (lambda q: run_sql(s.web_url, s.duckdb, q, s.sql_token))
    events, total = history(query, events_file, since, until, warmup)
    show = sys.stderr.isatty() if progress is None else progress
    run.feed_all(events, total, (lambda line: click.echo(line, err=True)) if show else None)
    if not run.events:
        where = events_file or f"the analytics store ({s.duckdb})"
        raise CliError(f"no events to backtest on in {where}"
                       + (" in that period" if since or until else ""))
    result = run.comparison(examples)
    if fmt == "json":
        click.echo(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    else:
        click.echo(render(result, str(base_path or "packaged rules"), rules_file))


@main.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table",
              show_default=True)
def sql(query: str, fmt: str) -> None:
    """Run read-only SQL on the analytics store; works while a worker is running.

    With a worker up, the query goes to its /sql endpoint (localhost only, or a bearer
    token from ORDERGUARD_SQL_TOKEN); otherwise the DuckDB file is opened read-only.
    Tables: events (one row per event_id), orders, alerts (one row per alert_id);
    views: events_resolved, buyer_risk.

    \b
    Example:
        orderguard sql "SELECT rule_id, count(*) FROM alerts GROUP BY ALL"
    """
    from analytics.client import format_table, run_sql

    settings = _settings()
    result = run_sql(settings.web_url, settings.duckdb, query, settings.sql_token)
    if fmt == "table":
        click.echo(format_table(result))
    elif fmt == "jsonl":
        for row in result.rows:
            click.echo(orjson.dumps(dict(zip(result.columns, row, strict=True)), default=str))
    else:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        writer.writerows(result.rows)


@main.command()
def report() -> None:
    """Print the summary: events in, alerts by rule, riskiest buyers with their explanation."""
    from analytics.client import run_sql
    from analytics.report import summary

    s = _settings()
    click.echo(summary(lambda q: run_sql(s.web_url, s.duckdb, q, s.sql_token)))


@main.command()
@click.option("--follow", is_flag=True, help="Keep printing alerts as they arrive.")
@click.option("--group", help="Consumer group to resume from (default: read from the start).")
@click.option("--idle-timeout", type=float, default=None,
              help="With --follow, stop after this many seconds without an alert.")
def alerts(follow: bool, group: str | None, idle_timeout: float | None) -> None:
    """Print alerts from orderguard.alerts as JSON Lines (a kafka-python consumer).

    Without --follow, prints what the topic holds and exits.

    \b
    Example:
        orderguard alerts --follow | jq .explanation
    """
    from streams.follow import follow_alerts

    settings = _settings()
    timeout = idle_timeout if follow else (idle_timeout or 3.0)
    for alert in follow_alerts(settings.kafka, group=group, idle_timeout_s=timeout):
        click.echo(orjson.dumps(alert))


@main.command()
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


@main.command()
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--buyers", type=int, default=300, show_default=True)
@click.option("--days", type=int, default=1, show_default=True)
def simulate(seed: int, buyers: int, days: int) -> None:
    """Print simulated marketplace traffic (honest and malicious buyers) as JSON Lines.

    \b
    Example:
        orderguard simulate --seed 7 --buyers 300 > day.jsonl
    """
    from streams.jsonl import write_lines
    from streams.simulator import simulate as run

    write_lines(run(seed, buyers=buyers, days=days).events)


@main.command()
@click.option("--seed", type=int, default=None, help="Simulator seed (default: a new one).")
@click.option("--buyers", type=int, default=3000, show_default=True)
@click.option("--days", type=int, default=7, show_default=True)
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False),
              help="Rules file (TOML); default: ORDERGUARD_RULES or the packaged defaults.")
def evaluate(seed: int | None, buyers: int, days: int, rules_file: str | None) -> None:
    """Score the rules on simulated traffic: precision and recall per buyer archetype.

    Simulates honest and malicious buyers, runs the same detection code as the stream, and
    counts a buyer as flagged when an alert of severity medium or higher names it.

    \b
    Example:
        orderguard evaluate --seed 11 --buyers 5000 --days 7 --rules my-rules.toml
    """
    from streams.core.linking import LinkedAccounts
    from streams.core.linking_rules import load_linking_file
    from streams.core.rules import load_rules
    from streams.evaluation import evaluate as run

    settings = _settings()
    path = Path(rules_file) if rules_file else settings.rules
    chosen = seed if seed is not None else int(time.time()) % 100_000
    linking = LinkedAccounts(load_linking_file(path))
    click.echo(run(chosen, buyers, days, load_rules(path), identities=linking).format())


@main.group()
def block() -> None:
    """Manage the allow and deny lists that every worker applies.

    A deny-listed buyer's new order raises `blocked_buyer_order` at high severity; an
    allow-list entry suppresses the buyer's alerts (each suppression is recorded in DuckDB,
    table `suppressions`). Entries live on the compacted topic orderguard.lists.
    """


def _seller_option(f: Any) -> Any:
    return click.option("--seller", default=None,
                        help="The seller it applies to (default: every seller).")(f)


@block.command("add")
@click.argument("buyer")
@_seller_option
@click.option("--reason", required=True, help="Why, in words a colleague understands.")
@click.option("--source", default=None, help="Who or what adds it (default: $USER).")
@click.option("--expires", default=None,
              help="When it lapses: a duration such as 30d or 12h, or an RFC 3339 time.")
@click.option("--allow", is_flag=True, help="Allow-list instead of deny-list.")
def block_add(buyer: str, seller: str | None, reason: str, source: str | None,
              expires: str | None, allow: bool) -> None:
    """Deny-list (or with --allow, allow-list) a buyer.

    \b
    Examples:
        orderguard block add b-123 --reason "5 unpaid orders, competitor" --expires 90d
        orderguard block add b-456 --seller shop-1 --allow --reason "wholesale customer"
    """
    import getpass

    from streams.core.lists import ALL_SELLERS, ListEntry
    from streams.lists_topic import parse_expiry, publish_entry

    now = int(time.time())
    entry = ListEntry(kind="allow" if allow else "deny", buyer_id=buyer,
                      seller_id=seller or ALL_SELLERS, reason=reason,
                      source=source or getpass.getuser(), added_at=now,
                      expires_at=parse_expiry(expires, now))
    publish_entry(_settings().kafka, entry)
    click.echo(f"{entry.kind}-listed {buyer} at {entry.seller_id}", err=True)


@block.command("remove")
@click.argument("buyer")
@_seller_option
@click.option("--allow", is_flag=True, help="Remove from the allow list instead.")
def block_remove(buyer: str, seller: str | None, allow: bool) -> None:
    """Remove a buyer's deny-list (or with --allow, allow-list) entry.

    \b
    Example:
        orderguard block remove b-123
    """
    from streams.core.lists import ALL_SELLERS, entry_key
    from streams.lists_topic import remove_entry

    kind = "allow" if allow else "deny"
    remove_entry(_settings().kafka, entry_key(kind, seller or ALL_SELLERS, buyer))
    click.echo(f"removed {buyer} from the {kind} list at {seller or ALL_SELLERS}", err=True)


@block.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include expired entries.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True)
def block_list(show_all: bool, fmt: str) -> None:
    """Print the allow and deny lists as every worker sees them.

    \b
    Example:
        orderguard block list --format jsonl
    """
    from analytics.client import format_table
    from analytics.store import QueryResult
    from streams.lists_topic import read_book

    now = int(time.time())
    entries = [e for e in read_book(_settings().kafka).entries() if show_all or e.active(now)]
    if fmt == "jsonl":
        for entry in entries:
            click.echo(orjson.dumps(entry.to_dict()))
        return
    columns = ["kind", "buyer_id", "seller_id", "reason", "source", "added_at", "expires_at"]
    rows = [tuple(_when(v) if c.endswith("_at") else v
                  for c, v in entry.to_dict().items()) for entry in entries]
    click.echo(format_table(QueryResult(columns, rows)))


def _when(epoch_s: int | None) -> str:
    if epoch_s is None:
        return "never"
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_s))


@main.command()
@click.option("--seed", type=int, default=None, help="Simulator seed (default: a new one).")
@click.option("--buyers", type=int, default=300, show_default=True)
@click.option("--workdir", type=click.Path(file_okay=False), default="demo", show_default=True,
              help="Where the demo keeps its DuckDB file and worker log.")
def demo(seed: int | None, buyers: int, workdir: str) -> None:
    """Run a worker and send it a simulated marketplace day; print alerts live and a summary.

    Stops the worker at the end. Needs a broker (`make kafka-up`; `make demo` starts one).

    \b
    Example:
        orderguard demo --seed 7 --buyers 300
    """
    from streams.demo import run_demo

    run_demo(_settings(), seed if seed is not None else int(time.time()) % 100_000, buyers,
             Path(workdir), click.echo)


if __name__ == "__main__":
    main()
