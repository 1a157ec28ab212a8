"""The summary report: events in, alerts by rule, riskiest buyers with their explanation."""

from __future__ import annotations

from collections.abc import Callable

from analytics.client import format_table
from analytics.store import QueryResult

Query = Callable[[str], QueryResult]

SECTIONS: tuple[tuple[str, str], ...] = (
    (
        "Events stored, by type",
        "SELECT type, count(*) AS events, count(DISTINCT order_id) AS orders "
        "FROM events GROUP BY type ORDER BY events DESC",
    ),
    (
        "Alerts by rule and severity",
        "SELECT rule_id, severity, count(*) AS alerts, count(DISTINCT b) AS buyers "
        "FROM alerts, unnest(buyer_ids) AS t(b) GROUP BY ALL "
        "ORDER BY rule_id, CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 "
        "WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END",
    ),
    (
        "Riskiest buyers",
        "SELECT buyer_id, alerts, rules, latest_explanation AS why FROM buyer_risk "
        "ORDER BY severity_rank DESC, alerts DESC, buyer_id LIMIT 10",
    ),
)


def summary(query: Query, width: int = 110) -> str:
    """Run the report's queries and render them as text sections."""
    totals = query("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM alerts)").rows[0]
    parts = [f"orderguard summary: {totals[0]} events in, {totals[1]} alerts out"]
    for title, sql in SECTIONS:
        parts.append(f"\n== {title} ==")
        parts.append(format_table(query(sql), max_width=width))
    return "\n".join(parts)
