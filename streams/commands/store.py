"""The analytics store's commands: read-only SQL and the summary report."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click
import orjson

from streams.commands.base import CliError, Instant, load_settings
from streams.core.lists import ALL_SELLERS

if TYPE_CHECKING:
    from analytics.store import QueryResult


@click.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table",
              show_default=True,
              help="csv: a header line, times in RFC 3339, lists as JSON arrays, NULL empty.")
def sql(query: str, fmt: str) -> None:
    """Run read-only SQL on the analytics store; works while a worker is running.

    With a worker up, the query goes to its /sql endpoint (localhost only, or a bearer
    token from ORDERGUARD_SQL_TOKEN; at most ORDERGUARD_SQL_MAX_ROWS rows, 100,000 by
    default, and ORDERGUARD_SQL_TIMEOUT_S seconds, 30); otherwise, or when
    ORDERGUARD_DUCKDB names another file than the worker's (a copy, a backup), that file is
    opened read-only.
    Tables: events (one row per event_id), orders, alerts (one row per alert_id),
    suppressions (alerts an allow list kept back); views: events_resolved (events with
    their order's buyer), buyer_risk.

    \b
    Example:
        orderguard sql "SELECT rule_id, count(*) FROM alerts GROUP BY ALL"
    """
    from analytics.client import cell_text, dumps, format_table, records, run_sql

    settings = load_settings()
    result = run_sql(settings.web_url, settings.duckdb, query, settings.sql_token)
    if fmt == "table":
        click.echo(format_table(result))
    elif fmt == "jsonl":
        for record in records(result):
            click.echo(dumps(record))
    else:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([cell_text(v, null="", list_sep=None) for v in row]
                         for row in result.rows)


@click.command()
@click.option("--seller", help="Only events and alerts at this seller.")
@click.option("--since", type=Instant(),
              help="Only events and alerts from this day, time or duration ago (7d) on.")
@click.option("--until", type=Instant(), help="Only events and alerts before this day or time.")
@click.option("--buyer", help="Instead of the summary, this buyer's case file.")
@click.option("--evidence", type=click.IntRange(0), default=30, show_default=True,
              help="With --buyer, evidence events to list at most.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one document, each section's rows as objects.")
def report(seller: str | None, since: datetime | None, until: datetime | None,
           buyer: str | None, evidence: int, fmt: str) -> None:
    """Print the summary: events in, alerts by rule, riskiest buyers with their explanation.

    With --buyer, print that buyer's case file instead: their orders and what became of
    them at each seller, their alerts oldest first, the accounts named with them, alerts
    an allow list suppressed, the events the alerts cite as evidence, and their allow and
    deny entries as the workers see them now (when Kafka answers): what to read before
    blocking a buyer, and to attach to a report to the platform. Times are in UTC; the
    store's are event times.

    \b
    Examples:
        orderguard report --seller shop-1 --since 7d
        orderguard report --buyer b-123
        orderguard report --buyer b-123 --format json > case-b-123.json
    """
    from analytics.client import format_table, run_sql
    from analytics.report import Scope, build_buyer_report, build_summary

    s = load_settings()
    scope = Scope(seller=seller, since=since, until=until)

    def query(sql: str) -> QueryResult:
        return run_sql(s.web_url, s.duckdb, sql, s.sql_token)

    if buyer is None:
        made = build_summary(query, scope)
        click.echo(made.text(110) if fmt == "text" else _json(made.as_dict()))
        return
    case = build_buyer_report(query, buyer, scope, evidence)
    if case is None:
        raise CliError(f"no events or alerts stored for buyer {buyer!r}{scope.describe()}")
    entries, why = list_entries(s.kafka, buyer, seller)
    if fmt == "json":
        lists = None if entries is None else [dict(zip(entries.columns, row, strict=True))
                                              for row in entries.rows]
        click.echo(_json({**case.as_dict(), "lists": lists,
                          **({"lists_note": why} if entries is None else {})}))
        return
    title = "== Allow and deny lists (orderguard.lists, now) =="
    shown = (why if entries is None
             else format_table(entries) if entries.rows
             else f"(none: `orderguard block add {buyer}` adds one)")
    click.echo(f"{case.text(240)}\n\n{title}\n{shown}")


def _json(doc: dict[str, Any]) -> str:
    """A report as indented JSON; decimals as strings, as in the event contract."""
    return orjson.dumps(doc, default=str, option=orjson.OPT_INDENT_2).decode()


def list_entries(bootstrap: str, buyer: str,
                 seller: str | None) -> tuple[QueryResult | None, str]:
    """The buyer's allow and deny entries as workers see them, or None and why not."""
    from analytics.store import QueryResult
    from streams.commands.lists import format_when
    from streams.kafka_admin import broker_answers
    from streams.lists_topic import read_book

    if not broker_answers(bootstrap):
        return None, f"(not shown: no Kafka broker answers at {bootstrap})"
    now = int(time.time())
    entries = [e for e in read_book(bootstrap, timeout_s=10).entries() if e.buyer_id == buyer
               and (seller is None or e.seller_id in (seller, ALL_SELLERS))]
    rows = [(e.kind, e.seller_id, e.reason, e.source, format_when(e.added_at),
             format_when(e.expires_at), "yes" if e.active(now) else "expired")
            for e in entries]
    columns = ["kind", "seller_id", "reason", "source", "added_at", "expires_at", "applies"]
    return QueryResult(columns, rows), ""


@click.command()
def compact() -> None:
    """Shrink the analytics store's file to what it holds; stop the worker first.

    DuckDB reuses the space of deleted rows (ORDERGUARD_RETENTION_DAYS prunes every hour)
    but never gives it back to the disk. This copies the store at ORDERGUARD_DUCKDB into a
    fresh file, checks every table's row count, and swaps the two in one rename; a failure
    leaves the store as it was. It needs the file to itself, and about as much free space
    again as the store holds.

    \b
    Example:
        orderguard compact
    """
    from analytics.compact import compact as rewrite
    from analytics.store import mib

    path = load_settings().duckdb
    if path.is_file():
        click.echo(f"compacting {path} ({mib(path.stat().st_size)})…", err=True)
    done = rewrite(path)
    rows = ", ".join(f"{table} {n:,}" for table, n in done.rows.items() if table[0] != "_")
    click.echo(f"compacted {path}: {mib(done.before)} → {mib(done.after)} in "
               f"{done.seconds:.1f} s ({rows} rows)")
