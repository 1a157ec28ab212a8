"""Reports on the analytics store: the summary, and one buyer's case file.

Both take a :class:`Scope` (a seller, an event-time range, an id prefix) and run plain
read-only SQL through ``query``, so they work through a running worker's ``/sql`` endpoint
as well as on the file. Values from the user reach the SQL text only through
:func:`analytics.sqltext.literal` (strings) and ``int`` (numbers and instants).
"""
# ruff: noqa: S608 - see above: every value is quoted by literal() or is an integer

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from analytics.client import format_table
from analytics.sqltext import InvalidValue, literal, time_bounds
from analytics.store import QueryResult
from schemas.alert import SEVERITIES
from schemas.event import format_ts

Query = Callable[[str], QueryResult]

_RANK = ("CASE severity "  # schemas.alert.SEVERITY_RANK, in SQL
         + " ".join(f"WHEN '{name}' THEN {rank}" for rank, name in enumerate(SEVERITIES))
         + " ELSE 0 END")
# event time as text in UTC, whatever the session's time zone
_UTC = "strftime(timezone('UTC', {}), '%Y-%m-%d %H:%M:%S')"

# {events}, {alerts} and {suppressions} are the scoped sources; see Scope.sources().
# Each section: its key in JSON, its title in text, its query.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "events_by_type",
        "Events stored, by type",
        "SELECT type, count(*) AS events, count(DISTINCT order_id) AS orders "
        "FROM {events} GROUP BY type ORDER BY events DESC, type",
    ),
    (
        "alerts_by_rule",
        "Alerts by rule and severity",
        "SELECT rule_id, severity, count(*) AS alerts, count(DISTINCT buyer_ids[1]) AS buyers "
        f"FROM {{alerts}} GROUP BY rule_id, severity ORDER BY rule_id, {_RANK} DESC",
    ),
    (
        # an alert is about its first buyer (a ring alert goes to each account, listing the
        # others after it), as in the buyer_risk view
        "riskiest_buyers",
        "Riskiest buyers",
        f"SELECT buyer_ids[1] AS buyer_id, {list(SEVERITIES)}[max({_RANK}) + 1] AS severity, "
        "count(*) AS alerts, "
        "list(DISTINCT rule_id ORDER BY rule_id) AS rules, "
        "arg_max(explanation, occurred_at) AS why "
        "FROM {alerts} WHERE len(buyer_ids) > 0 GROUP BY buyer_ids[1] "
        f"ORDER BY max({_RANK}) DESC, alerts DESC, buyer_id LIMIT 10",
    ),
)


@dataclass(frozen=True)
class Scope:
    """Which part of the store a report covers; every field left ``None`` means all of it.

    Attributes:
        seller: events and alerts at this seller only.
        since: events and alerts from this instant on (event time).
        until: events and alerts before this instant (event time).
        prefix: events whose id, and alerts whose first buyer's id, start with it (the
            demo's tag for one run).

    """

    seller: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    prefix: str | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.until <= self.since:
            raise InvalidValue("--until must be after --since")

    def sources(self) -> dict[str, str]:
        """The scoped tables, as SQL to put after ``FROM``.

        Keys: events, resolved (``events_resolved``: a follow-up event with its order's
        buyer), alerts and suppressions.
        """
        return {
            "events": self._table("events", "event_id"),
            "resolved": self._table("events_resolved", "event_id"),
            "alerts": self._table("alerts", "buyer_ids[1]"),
            "suppressions": self._table("suppressions", "buyer_ids[1]"),
        }

    def describe(self) -> str:
        """`` for seller s-1, 2026-10-01 00:00 to …`` for the report's first line."""
        parts = []
        if self.seller is not None:
            parts.append(f"seller {self.seller}")
        if self.since or self.until:
            parts.append(f"{_when(self.since)} to {_when(self.until)}")
        return f" for {', '.join(parts)}" if parts else ""

    def _table(self, table: str, id_expr: str) -> str:
        conditions = [time_bounds(self.since, self.until)]
        if self.seller is not None:
            conditions.append(f"seller_id = {literal(self.seller)}")
        if self.prefix:
            conditions.append(f"starts_with({id_expr}, {literal(self.prefix)})")
        if conditions == ["true"]:
            return table
        # every value is an integer or went through literal()
        return f"(SELECT * FROM {table} WHERE {' AND '.join(conditions)})"


def _when(at: datetime | None) -> str:
    return "…" if at is None else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class Report:
    """A report, to print as text or as one JSON document.

    Attributes:
        head: the first line of the text.
        facts: the figures of the first line, by name (the JSON's top-level fields).
        sections: ``(key, title, result)`` in order; text leaves empty ones out unless
            ``show_empty``.
        notes: lines that follow the sections in the text, by key (also in the JSON).
        show_empty: whether the text shows a section without rows.

    """

    head: str
    facts: dict[str, Any]
    sections: list[tuple[str, str, QueryResult]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    show_empty: bool = True

    def text(self, width: int) -> str:
        """The report as text: the head line, then a titled table per section."""
        parts = [self.head]
        for _, title, result in self.sections:
            if result.rows or self.show_empty:
                parts.append(f"\n== {title} ==")
                parts.append(format_table(result, max_width=width))
        parts.extend(self.notes.values())
        return "\n".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values: facts, ``sections`` (rows as objects), ``notes``."""
        return {
            **_rfc3339(self.facts),
            "sections": {key: [_rfc3339(dict(zip(result.columns, row, strict=True)))
                               for row in result.rows]
                         for key, _, result in self.sections},
            **({"notes": self.notes} if self.notes else {}),
        }


def _rfc3339(fields: dict[str, Any]) -> dict[str, Any]:
    """``*_utc`` times as RFC 3339 (``2026-10-01T08:00:00Z``), as in the event contract.

    The queries give them as text for people (``2026-10-01 08:00:00``), the same through a
    worker's ``/sql`` and from the file.
    """
    return {name: value.replace(" ", "T") + "Z"
            if name.endswith("_utc") and isinstance(value, str) and len(value) == 19
            else value
            for name, value in fields.items()}


def scope_facts(scope: Scope) -> dict[str, Any]:
    """The scope as JSON-ready fields (``None``: not limited)."""
    return {"seller_id": scope.seller,
            "since": format_ts(scope.since) if scope.since else None,
            "until": format_ts(scope.until) if scope.until else None}


def summary(query: Query, width: int = 110, scope: Scope | None = None) -> str:
    """Run the report's queries and render them as text sections (see :func:`build_summary`).

    Args:
        query: runs one read-only SQL statement.
        width: widest cell before it is cut.
        scope: the part of the store to report on (default: all of it).

    """
    return build_summary(query, scope).text(width)


def build_summary(query: Query, scope: Scope | None = None) -> Report:
    """The summary: events in, alerts out, and the :data:`SECTIONS`, for ``scope``."""
    scope = scope or Scope()
    tables = scope.sources()
    totals_sql = ("SELECT (SELECT count(*) FROM {events}), (SELECT count(*) FROM {alerts}), "
                  "(SELECT count(*) FROM {suppressions})")
    events, alerts, suppressed = query(totals_sql.format(**tables)).rows[0]
    head = (f"orderguard summary{scope.describe()}: {events} events in, {alerts} alerts out"
            + (f", {suppressed} suppressed by allow lists" if suppressed else ""))
    facts = {**scope_facts(scope), "events": events, "alerts": alerts, "suppressed": suppressed}
    return Report(head, facts, [(key, title, query(sql.format(**tables)))
                                for key, title, sql in SECTIONS])


def buyer_report(query: Query, buyer_id: str, width: int = 240,
                 scope: Scope | None = None, evidence: int = 30) -> str | None:
    """One buyer's case file as text, or ``None`` (see :func:`build_buyer_report`)."""
    report = build_buyer_report(query, buyer_id, scope, evidence)
    return None if report is None else report.text(width)


def build_buyer_report(query: Query, buyer_id: str, scope: Scope | None = None,
                       evidence: int = 30) -> Report | None:
    """One buyer's case file: what they did, at which sellers, what fired, and the evidence.

    What a seller reads before blocking a buyer, and attaches to a report to the platform.
    A linked-accounts alert goes to each account of the ring, naming it first and the
    others after it: the accounts named with this buyer are listed, and the evidence
    includes their events.

    Args:
        query: runs one read-only SQL statement.
        buyer_id: the buyer.
        scope: a seller and an event-time range to keep to (default: everything stored).
        evidence: evidence events to list at most (the oldest first).

    Returns:
        The case file, or ``None`` when the scope holds no event and no alert of the buyer.

    """
    scope = scope or Scope()
    tables = scope.sources()
    buyer = literal(buyer_id)
    mine = f"(SELECT * FROM {tables['resolved']} WHERE buyer_id = {buyer})"
    # a ring alert goes to each account of the ring, listing the others after it: the
    # buyer's own copy is the one naming it first
    about = f"(SELECT * FROM {tables['alerts']} WHERE buyer_ids[1] = {buyer})"
    named = f"(SELECT * FROM {tables['alerts']} WHERE list_contains(buyer_ids, {buyer}))"
    held = f"(SELECT * FROM {tables['suppressions']} WHERE list_contains(buyer_ids, {buyer}))"
    n_events, sellers, first, last = query(
        f"SELECT count(*), count(DISTINCT seller_id), {_UTC.format('min(occurred_at)')}, "
        f"{_UTC.format('max(occurred_at)')} FROM {mine}"
    ).rows[0]
    n_alerts, top, n_held = query(
        f"SELECT count(*), max({_RANK}), (SELECT count(*) FROM {held}) FROM {about}"
    ).rows[0]
    if not n_events and not n_alerts and not n_held:
        return None
    head = f"orderguard buyer {buyer_id}{scope.describe()}: {n_events} events"
    if n_events:
        head += f" at {sellers} seller{'s' if sellers != 1 else ''}, {first} to {last} UTC"
    head += f"; {n_alerts} alert{'s' if n_alerts != 1 else ''}"
    if n_alerts:
        head += f", highest severity {SEVERITIES[int(top)]}"
    if n_held:
        head += f"; {n_held} suppressed by allow lists"
    sections = [
        ("orders_by_seller", "Orders by seller",
         "SELECT seller_id, any_value(marketplace) AS marketplace, "
         "count(DISTINCT order_id) FILTER (WHERE type = 'order.created') AS orders, "
         "count(*) FILTER (WHERE type = 'order.paid') AS paid, "
         "count(*) FILTER (WHERE type = 'order.cancelled' AND coalesce(actor, 'buyer') = 'buyer') "
         "AS cancelled_by_buyer, "
         "count(*) FILTER (WHERE type = 'order.closed_unpaid') AS closed_unpaid, "
         "count(*) FILTER (WHERE type = 'refund.requested') AS refunds, "
         "count(*) FILTER (WHERE type = 'dispute.opened') AS disputes, "
         "count(*) FILTER (WHERE type = 'chargeback.notified') AS chargebacks, "
         # a value only in one currency: amounts in several do not add up
         "CASE WHEN count(DISTINCT currency) FILTER (WHERE type = 'order.created') = 1 "
         "THEN sum(amount) FILTER (WHERE type = 'order.created') END AS ordered_value, "
         "string_agg(DISTINCT currency, ',' ORDER BY currency) "
         "FILTER (WHERE type = 'order.created') AS currency "
         f"FROM {mine} GROUP BY seller_id ORDER BY orders DESC, seller_id"),
        ("alerts", "Alerts, oldest first",
         f"SELECT {_UTC.format('occurred_at')} AS occurred_at_utc, rule_id, severity, seller_id, "
         f"explanation FROM {about} ORDER BY occurred_at, alert_id"),
        ("linked_accounts", "Linked accounts (named with this buyer in an alert)",
         "SELECT other AS buyer_id, count(*) AS alerts, list(DISTINCT rule_id) AS rules "
         f"FROM {named}, unnest(buyer_ids) AS t(other) WHERE other <> {buyer} "
         "GROUP BY other ORDER BY alerts DESC, other"),
        ("suppressed", "Suppressed by allow lists",
         f"SELECT {_UTC.format('occurred_at')} AS occurred_at_utc, rule_id, severity, "
         f"list_seller, list_reason, list_source FROM {held} ORDER BY occurred_at, alert_id"),
        ("evidence", "Evidence events (the events the alerts cite)",
         f"SELECT {_UTC.format('e.occurred_at')} AS occurred_at_utc, e.event_id, e.type, "
         "e.buyer_id, e.seller_id, e.order_id, e.amount, e.currency "
         "FROM events_resolved e "
         f"WHERE e.event_id IN (SELECT unnest(evidence_event_ids) FROM {about}) "
         f"ORDER BY e.occurred_at, e.event_id LIMIT {int(evidence)}"),
    ]
    cited = query(f"SELECT count(DISTINCT e) FROM {about}, unnest(evidence_event_ids) AS t(e) "
                  "WHERE e IN (SELECT event_id FROM events)").rows[0][0]
    facts = {"buyer_id": buyer_id, **scope_facts(scope), "events": n_events,
             "sellers": sellers, "first_event_at_utc": first, "last_event_at_utc": last,
             "alerts": n_alerts,
             "highest_severity": SEVERITIES[int(top)] if n_alerts else None,
             "suppressed": n_held, "evidence_cited": cited}
    notes = ({"evidence": f"(the oldest {evidence} of {cited}; --evidence {cited} lists them "
                          "all)"} if cited > evidence else {})
    return Report(head, facts, [(key, title, query(sql)) for key, title, sql in sections],
                  notes, show_empty=False)
