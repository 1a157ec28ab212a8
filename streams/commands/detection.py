"""The detection commands: replay, backtest and evaluate the rules; simulate traffic for them."""

from __future__ import annotations

import gc
import sys
import time
from datetime import datetime
from pathlib import Path

import click
import orjson

from streams import CORE
from streams.commands.base import CliError, Instant, load_settings

# the options several commands share, written once
rules_option = click.option(
    "--rules", "rules_file", type=click.Path(exists=True, dir_okay=False),
    help="Rules file (TOML); default: ORDERGUARD_RULES or the packaged defaults.")
lists_option = click.option(
    "--lists", "lists_file", type=click.Path(exists=True, dir_okay=False),
    help="Allow and deny lists to apply (JSON Lines, as `orderguard block list --all "
         "--format jsonl` prints them); default: none.")
progress_option = click.option(
    "--progress/--no-progress", default=None,
    help="Report progress on stderr (default: when stderr is a terminal).")


@click.command()
@click.argument("events_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@rules_option
@lists_option
@progress_option
def replay(events_file: str, rules_file: str | None, lists_file: str | None,
           progress: bool | None) -> None:
    """Run the stream's detection code over a JSON Lines file; print alerts as JSON Lines.

    Events are processed in file order (= arrival order). Same input, same alerts, same
    alert ids as the streaming pipeline. Invalid lines are reported on stderr and skipped,
    as the stream dead-letters them. With --lists, a deny-listed buyer's orders raise
    blocked_buyer_order and an allow-listed buyer's alerts are left out (counted on stderr),
    each entry applying while it has not expired, by event time. The file may be gzip,
    bzip2 or xz compressed; - reads standard input.

    \b
    Examples:
        orderguard replay day.jsonl --rules rules.toml > alerts.jsonl
        orderguard replay archive/2026-10.jsonl.gz > alerts.jsonl
        orderguard block list --all --format jsonl > lists.jsonl
        orderguard replay day.jsonl --lists lists.jsonl > alerts.jsonl
    """
    from streams.backtest import detection
    from streams.engine import replay_engine
    from streams.jsonl import feed_batches, read_events, read_lists

    settings = load_settings()
    lists = read_lists(lists_file) if lists_file else None
    rules = Path(rules_file) if rules_file else settings.rules
    native = replay_engine(rules, lists)
    if native is not None:  # the engine reads the lines itself, a batch at a time
        core = "native"
        batches = feed_batches(events_file, native.feed_lines)
    else:
        core = CORE
        engine = detection(rules, lists)
        batches = ((engine.feed(event), 1) for event in read_events(events_file, on_error="skip"))
    out = sys.stdout.buffer
    show = sys.stderr.isatty() if progress is None else progress
    started, count, alerts, reported = time.perf_counter(), 0, 0, 0
    gc.disable()  # the states hold no reference cycles; collection only costs time here
    try:
        for raised, fed in batches:
            for alert in raised:
                out.write(orjson.dumps(alert) + b"\n")
            alerts += len(raised)
            count += fed
            if show and count - reported >= 100_000:
                reported = count - count % 100_000
                click.echo(f"replay: {count} events, {alerts} alerts", err=True)
    finally:
        gc.enable()
    out.flush()
    if show:
        elapsed = time.perf_counter() - started
        rate = count / elapsed if elapsed else 0.0
        click.echo(f"replay: {count:,} events, {alerts:,} alerts in {elapsed:.1f}s "
                   f"({rate:,.0f} events/s, core: {core})", err=True)
    suppressed = native.suppressed if native is not None else engine.suppressed
    if suppressed:
        click.echo(f"replay: {len(suppressed)} alerts suppressed by allow-list entries "
                   "(not printed)", err=True)


@click.command()
@click.option("--rules", "rules_file", required=True,
              type=click.Path(exists=True, dir_okay=False), help="The rules to try (TOML).")
@click.option("--baseline", "baseline_file", type=click.Path(exists=True, dir_okay=False),
              help="The rules to compare with; default: ORDERGUARD_RULES or the packaged ones.")
@click.option("--events", "events_file",
              type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help="Canonical events (JSON Lines, may be compressed) instead of the analytics "
                   "store.")
@click.option("--since", type=Instant(), help="Count alerts from this day or time (UTC).")
@click.option("--until", type=Instant(), help="Leave out events from this day or time (UTC).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--examples", type=click.IntRange(0), default=10, show_default=True,
              help="Buyers to list whose verdict changes, each way.")
@lists_option
@progress_option
def backtest(rules_file: str, baseline_file: str | None, events_file: str | None,
             since: datetime | None, until: datetime | None, fmt: str, examples: int,
             lists_file: str | None, progress: bool | None) -> None:
    """Replay the stored history under today's rules and under a candidate; compare.

    Both rule sets see the same events, in one pass: the analytics store's (through the
    running worker, else the file), by event time. With --since, the rules' longest horizon
    before it is replayed first so that its windows are whole; alerts count from --since.
    With --lists, both rule sets apply the same allow and deny lists.

    \b
    Example:
        orderguard backtest --rules stricter.toml --since 2026-10-01
    """
    from analytics.client import run_sql
    from analytics.history import PAGE_SIZE
    from streams.backtest import Backtest, detection, history, render, warmup_days
    from streams.jsonl import read_lists

    if since and until and until <= since:
        raise CliError("--until must be after --since")
    s = load_settings()
    base_path = Path(baseline_file) if baseline_file else s.rules
    lists = read_lists(lists_file) if lists_file else None
    run = Backtest(detection(base_path, lists), detection(rules_file, lists),
                   int(since.timestamp()) if since else 0)
    warmup = max(warmup_days(run.baseline), warmup_days(run.candidate))
    query = None if events_file else (lambda q: run_sql(s.web_url, s.duckdb, q, s.sql_token))
    pages = min(PAGE_SIZE, s.sql_max_rows) if s.sql_max_rows else PAGE_SIZE
    events, total = history(query, events_file, since, until, warmup, pages)
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


@click.command()
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--buyers", type=click.IntRange(1), default=300, show_default=True)
@click.option("--days", type=click.IntRange(1), default=1, show_default=True)
def simulate(seed: int, buyers: int, days: int) -> None:
    """Print simulated marketplace traffic (honest and malicious buyers) as JSON Lines.

    \b
    Example:
        orderguard simulate --seed 7 --buyers 300 > day.jsonl
    """
    from streams.jsonl import write_lines
    from streams.simulator import simulate as run

    write_lines(run(seed, buyers=buyers, days=days).events)


@click.command()
@click.option("--seed", type=int, default=None, help="Simulator seed (default: a new one).")
@click.option("--buyers", type=click.IntRange(1), default=3000, show_default=True)
@click.option("--days", type=click.IntRange(1), default=7, show_default=True)
@rules_option
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

    settings = load_settings()
    path = Path(rules_file) if rules_file else settings.rules
    chosen = seed if seed is not None else int(time.time()) % 100_000
    linking = LinkedAccounts(load_linking_file(path))
    click.echo(run(chosen, buyers, days, load_rules(path), identities=linking).format())
