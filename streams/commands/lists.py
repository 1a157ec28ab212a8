"""The ``block`` commands: add, remove and list allow- and deny-list entries."""

from __future__ import annotations

import time
from typing import Any

import click
import orjson

from streams.commands.base import CliError, kafka_settings


@click.group()
def block() -> None:
    """Manage the allow and deny lists that every worker applies.

    A deny-listed buyer's new order raises `blocked_buyer_order` at high severity; an
    allow-list entry suppresses the buyer's alerts (each suppression is recorded in DuckDB,
    table `suppressions`). Entries live on the compacted topic orderguard.lists.
    """


def _identifier(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A buyer or seller id as the lists key it: not blank, no ``|``, no control characters.

    Entries are keyed ``kind|seller|buyer`` on the compacted topic, so a ``|`` in an id
    would let two entries share a key and overwrite each other.
    """
    if value is None:
        return None
    if not value.strip() or value != value.strip():
        raise click.BadParameter(f"{value!r}: an id is not blank and has no spaces around it")
    if "|" in value or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise click.BadParameter(f"{value!r}: an id has no '|' and no control characters")
    return value


def _seller_option(f: Any) -> Any:
    return click.option("--seller", default=None, callback=_identifier,
                        help="The seller it applies to (default: every seller).")(f)


def _not_blank(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("say why, in words a colleague understands")
    return value.strip()


@block.command("add")
@click.argument("buyer", callback=_identifier)
@_seller_option
@click.option("--reason", required=True, callback=_not_blank,
              help="Why, in words a colleague understands.")
@click.option("--source", default=None, help="Who or what adds it (default: $USER).")
@click.option("--expires", default=None,
              help="When it lapses: a duration such as 30d or 12h, a day (2027-01-31, UTC) or "
                   "an RFC 3339 time.")
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
    publish_entry(kafka_settings().kafka, entry)
    click.echo(f"{entry.kind}-listed {buyer} at {entry.seller_id}", err=True)


@block.command("remove")
@click.argument("buyer", callback=_identifier)
@_seller_option
@click.option("--allow", is_flag=True, help="Remove from the allow list instead.")
def block_remove(buyer: str, seller: str | None, allow: bool) -> None:
    """Remove a buyer's deny-list (or with --allow, allow-list) entry.

    \b
    Example:
        orderguard block remove b-123
    """
    from streams.core.lists import ALL_SELLERS, entry_key
    from streams.lists_topic import read_book, remove_entry

    kind, at = ("allow" if allow else "deny"), seller or ALL_SELLERS
    bootstrap = kafka_settings().kafka
    key = entry_key(kind, at, buyer)
    entries = read_book(bootstrap).entries()
    if key not in {e.key for e in entries}:
        # most likely a mistyped id, or an entry at one seller removed from all of them
        others = [e for e in entries if e.buyer_id == buyer]
        hint = ("; its entries: " + ", ".join(f"{e.kind} at {e.seller_id}" for e in others)
                if others else "")
        raise CliError(f"{buyer} has no {kind} entry at {at}: nothing removed{hint}")
    remove_entry(bootstrap, key)
    click.echo(f"removed {buyer} from the {kind} list at {at}", err=True)


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
    entries = [e for e in read_book(kafka_settings().kafka).entries() if show_all or e.active(now)]
    if fmt == "jsonl":
        for entry in entries:
            click.echo(orjson.dumps(entry.to_dict()))
        return
    columns = ["kind", "buyer_id", "seller_id", "reason", "source", "added_at", "expires_at"]
    rows = [tuple(format_when(v) if c.endswith("_at") else v
                  for c, v in entry.to_dict().items()) for entry in entries]
    if show_all:  # which of them the workers still apply
        columns.append("state")
        rows = [(*row, "active" if entry.active(now) else "expired")
                for row, entry in zip(rows, entries, strict=True)]
    click.echo(format_table(QueryResult(columns, rows)))


def format_when(epoch_s: int | None) -> str:
    """An entry's time as RFC 3339 UTC, or ``never`` for no expiry (also the case file's)."""
    if epoch_s is None:
        return "never"
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_s))
    except (OverflowError, OSError, ValueError):  # an entry written by hand, far off
        return f"{epoch_s} (epoch seconds)"
