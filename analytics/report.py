"""The summary report: events in, alerts by rule, riskiest buyers with their explanation."""

from __future__ import annotations

from collections.abc import Callable

from analytics.client import format_table
from analytics.store import QueryResult

Query = Callable[[str], QueryResult]

# {events} and {alerts} are the (optionally scoped) sources; see summary().
SECTIONS: tuple[tuple[str, str], ...] = (
    (
        "Events stored, by type",
        "SELECT type, count(*) AS events, count(DISTINCT order_id) AS orders "
        "FROM {events} GROUP BY type ORDER BY events DESC",
    ),
    (
        "Alerts by rule and severity",
        "SELECT rule_id, severity, count(*) AS alerts, count(DISTINCT buyer_ids[1]) AS buyers "
        "FROM {alerts} GROUP BY rule_id, severity "
        "ORDER BY rule_id, CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 "
        "WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END",
    ),
    (
        "Riskiest buyers",
        "SELECT buyer_id, alerts, rules, latest_explanation AS why FROM buyer_risk "
        "WHERE {buyer_filter} ORDER BY severity_rank DESC, alerts DESC, buyer_id LIMIT 10",
    ),
)


def summary(query: Query, width: int = 110, prefix: str | None = None) -> str:
    """Run the report's queries and render them as text sections.

    Args:
        query: runs one read-only SQL statement.
        width: widest cell before it is cut.
        prefix: only events and buyers whose ids start with it (letters, digits, ``-``).

    """
    if prefix is not None and not prefix.replace("-", "").isalnum():
        raise ValueError(f"prefix must be letters, digits and '-': {prefix!r}")
    # the prefix was checked above, so building SQL from it is safe
    scope = {
        "events": f"(SELECT * FROM events WHERE starts_with(event_id, '{prefix}'))"  # noqa: S608
        if prefix else "events",
        "alerts": f"(SELECT * FROM alerts WHERE starts_with(buyer_ids[1], '{prefix}'))"  # noqa: S608
        if prefix else "alerts",
        "buyer_filter": f"starts_with(buyer_id, '{prefix}')" if prefix else "true",
    }
    totals_sql = "SELECT (SELECT count(*) FROM {events}), (SELECT count(*) FROM {alerts})"
    totals = query(totals_sql.format(**scope)).rows[0]
    parts = [f"orderguard summary: {totals[0]} events in, {totals[1]} alerts out"]
    for title, sql in SECTIONS:
        parts.append(f"\n== {title} ==")
        parts.append(format_table(query(sql.format(**scope)), max_width=width))
    return "\n".join(parts)
