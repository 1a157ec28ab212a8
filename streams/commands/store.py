"""The analytics store's commands: read-only SQL and the summary report."""

from __future__ import annotations

import sys

import click
import orjson

from streams.commands.base import load_settings


@click.command()
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

    settings = load_settings()
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


@click.command()
def report() -> None:
    """Print the summary: events in, alerts by rule, riskiest buyers with their explanation."""
    from analytics.client import run_sql
    from analytics.report import summary

    s = load_settings()
    click.echo(summary(lambda q: run_sql(s.web_url, s.duckdb, q, s.sql_token)))
