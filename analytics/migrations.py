"""Named, recorded DuckDB migrations: each runs once, in order, and is written to `_migrations`."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

Migration = Callable[[duckdb.DuckDBPyConnection], None]


def _m001_events_alerts_orders(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE events (
            event_id      VARCHAR PRIMARY KEY,
            type          VARCHAR NOT NULL,
            occurred_at   TIMESTAMPTZ NOT NULL,
            marketplace   VARCHAR NOT NULL,
            seller_id     VARCHAR NOT NULL,
            order_id      VARCHAR,
            buyer_id      VARCHAR,
            amount        DECIMAL(18, 4),
            currency      VARCHAR,
            actor         VARCHAR,
            reason        VARCHAR,
            payload       JSON NOT NULL,
            kafka_partition INTEGER,
            kafka_offset  BIGINT,
            stored_at     TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """
    )
    con.execute(
        """
        CREATE TABLE orders (
            order_id      VARCHAR PRIMARY KEY,
            buyer_id      VARCHAR NOT NULL,
            seller_id     VARCHAR NOT NULL,
            marketplace   VARCHAR NOT NULL,
            created_at    TIMESTAMPTZ NOT NULL,
            amount        DECIMAL(18, 4),
            currency      VARCHAR
        )
        """
    )
    con.execute(
        """
        CREATE TABLE alerts (
            alert_id            VARCHAR PRIMARY KEY,
            rule_id             VARCHAR NOT NULL,
            rule_version        INTEGER NOT NULL,
            severity            VARCHAR NOT NULL,
            buyer_ids           VARCHAR[] NOT NULL,
            seller_id           VARCHAR,
            marketplace         VARCHAR,
            order_id            VARCHAR,
            occurred_at         TIMESTAMPTZ NOT NULL,
            window_start        TIMESTAMPTZ,
            window_end          TIMESTAMPTZ,
            observed            DOUBLE,
            threshold           DOUBLE,
            evidence_event_ids  VARCHAR[] NOT NULL,
            explanation         VARCHAR NOT NULL,
            recommended_actions VARCHAR[] NOT NULL,
            deadline_at         TIMESTAMPTZ,
            payload             JSON NOT NULL,
            stored_at           TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """
    )


def _m002_views(con: duckdb.DuckDBPyConnection) -> None:
    # Thin follow-ups (AliExpress, Taobao) carry no buyer: resolve it from the order.
    con.execute(
        """
        CREATE VIEW events_resolved AS
        SELECT e.* REPLACE (coalesce(e.buyer_id, o.buyer_id) AS buyer_id)
        FROM events e LEFT JOIN orders o USING (order_id)
        """
    )
    con.execute(
        """
        CREATE VIEW buyer_risk AS
        SELECT b.buyer_id,
               count(*)                                   AS alerts,
               max(CASE a.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3
                   WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END) AS severity_rank,
               list(DISTINCT a.rule_id ORDER BY a.rule_id) AS rules,
               arg_max(a.explanation, a.occurred_at)      AS latest_explanation,
               max(a.occurred_at)                         AS last_alert_at
        FROM alerts a, unnest(a.buyer_ids) AS b(buyer_id)
        GROUP BY b.buyer_id
        """
    )


def _m003_suppressions(con: duckdb.DuckDBPyConnection) -> None:
    # Alerts an allow-list entry kept off orderguard.alerts: recorded, never silently dropped.
    con.execute(
        """
        CREATE TABLE suppressions (
            alert_id      VARCHAR PRIMARY KEY,
            rule_id       VARCHAR NOT NULL,
            severity      VARCHAR NOT NULL,
            buyer_ids     VARCHAR[] NOT NULL,
            seller_id     VARCHAR,
            occurred_at   TIMESTAMPTZ NOT NULL,
            list_seller   VARCHAR,
            list_reason   VARCHAR,
            list_source   VARCHAR,
            explanation   VARCHAR NOT NULL,
            payload       JSON NOT NULL,
            stored_at     TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """
    )


def _m004_buyer_risk_by_subject(con: duckdb.DuckDBPyConnection) -> None:
    # An alert is about its first buyer: a ring alert goes to each account of the ring,
    # listing the others after it. Counting every listed buyer counted one ring's alerts
    # once per account for every account.
    con.execute(
        """
        CREATE OR REPLACE VIEW buyer_risk AS
        SELECT a.buyer_ids[1]                             AS buyer_id,
               count(*)                                   AS alerts,
               max(CASE a.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3
                   WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END) AS severity_rank,
               list(DISTINCT a.rule_id ORDER BY a.rule_id) AS rules,
               arg_max(a.explanation, a.occurred_at)      AS latest_explanation,
               max(a.occurred_at)                         AS last_alert_at
        FROM alerts a
        WHERE len(a.buyer_ids) > 0
        GROUP BY a.buyer_ids[1]
        """
    )


MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("001_events_alerts_orders", _m001_events_alerts_orders),
    ("002_views", _m002_views),
    ("003_suppressions", _m003_suppressions),
    ("004_buyer_risk_by_subject", _m004_buyer_risk_by_subject),
)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS _migrations "
        "(name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    done = {row[0] for row in con.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for name, migration in MIGRATIONS:
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            migration(con)
            con.execute("INSERT INTO _migrations (name) VALUES (?)", [name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
