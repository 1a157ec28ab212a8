"""The analytics store: one DuckDB file, written in Arrow batches by a single writer."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from analytics.migrations import migrate
from streams.errors import OrderguardError


class StoreBusy(OrderguardError):  # noqa: N818
    """Another process holds the DuckDB file (DuckDB allows one writer process)."""


class ReadOnlyViolation(OrderguardError):  # noqa: N818
    """A query that is not a plain read."""


class BadQuery(OrderguardError):  # noqa: N818
    """A query that does not parse, or is empty."""


class ResultTooLarge(OrderguardError):  # noqa: N818
    """A query whose result has more rows than the caller takes."""


class QueryTimeout(OrderguardError):  # noqa: N818
    """A query that ran longer than the caller allows; it was interrupted."""


_EVENT_COLUMNS = (
    "event_id", "type", "occurred_at", "marketplace", "seller_id", "order_id",
    "buyer_id", "amount", "currency", "actor", "reason",
)
_ALERT_SCALARS = (
    "alert_id", "rule_id", "severity", "seller_id", "marketplace", "order_id",
    "occurred_at", "window_start", "window_end", "explanation", "deadline_at",
)


@dataclass(frozen=True)
class StoredMessage:
    """A decoded message with where it came from (for lineage columns)."""

    value: dict[str, Any]
    partition: int | None = None
    offset: int | None = None


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows of a read query."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


def _strings(rows: Sequence[dict[str, Any]], name: str) -> pa.Array:
    return pa.array([None if r.get(name) is None else str(r[name]) for r in rows], pa.string())


def _string_lists(rows: Sequence[dict[str, Any]], name: str) -> pa.Array:
    return pa.array([[str(x) for x in (r.get(name) or [])] for r in rows], pa.list_(pa.string()))


def _numbers(rows: Sequence[dict[str, Any]], name: str) -> pa.Array:
    return pa.array(
        [None if r.get(name) is None else float(r[name]) for r in rows], pa.float64()
    )


def _payloads(rows: Sequence[dict[str, Any]]) -> pa.Array:
    return pa.array([orjson.dumps(r).decode() for r in rows], pa.string())


def mib(size: int) -> str:
    """A size in bytes as the store's messages print it: ``59.5 MiB``."""
    return f"{size / 2**20:,.1f} MiB"


def connect(path: Path, *, read_only: bool = False, files: bool = False
            ) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file.

    Without ``files``, SQL on the connection reaches no other file, directory or URL than
    the store's own (DuckDB's ``enable_external_access``): no ``read_text('/etc/passwd')``,
    ``COPY ... TO``, ``ATTACH`` or ``INSTALL`` through ``/sql`` or ``orderguard sql``.
    Compaction, which copies the store into a new file, opens it with ``files=True``.

    Raises:
        StoreBusy: another process holds it (DuckDB admits one writer process).
        OrderguardError: it cannot be opened (a directory, not a DuckDB file, no access).

    """
    config = {} if files else {"enable_external_access": False}
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(f"{path} is held by another process: {exc}") from None
        reason = str(exc).splitlines()[0].removeprefix("IO Error: ")
        raise OrderguardError(f"cannot open the analytics store {path} (ORDERGUARD_DUCKDB): "
                              f"{reason}") from None


class Store:
    """Owns the DuckDB connection. Only :meth:`write` changes data; readers get cursors."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.con = connect(self.path, read_only=read_only)
        self._write_lock = threading.Lock()
        if not read_only:
            migrate(self.con)

    def close(self) -> None:
        """Checkpoint and close the file."""
        self.con.close()

    def write(
        self,
        events: Sequence[StoredMessage],
        alerts: Sequence[dict[str, Any]],
        suppressed: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Insert a batch of events, alerts and suppressed alerts in one transaction.

        Rows whose id is already stored are kept as they are (redeliveries change nothing).
        """
        unique_events = list({m.value["event_id"]: m for m in events}.values())
        unique_alerts = list({a["alert_id"]: a for a in alerts}.values())
        unique_suppressed = list({a["alert_id"]: a for a in suppressed}.values())
        with self._writing() as cur:
            if unique_events:
                self._write_events(cur, unique_events)
            if unique_alerts:
                self._write_alerts(cur, unique_alerts)
            if unique_suppressed:
                self._write_suppressed(cur, unique_suppressed)

    def prune(self, before: datetime) -> dict[str, int]:
        """Delete what happened before ``before`` (event time), in one transaction.

        Events, alerts and suppressed alerts go by their ``occurred_at``. An order goes once
        it was created before ``before`` and none of its events is left: a later follow-up
        that names no buyer (a chargeback months after the order) still finds it.

        Returns:
            how many rows went, by table.

        """
        deletes = {
            "events": "DELETE FROM events WHERE occurred_at < ?",
            "alerts": "DELETE FROM alerts WHERE occurred_at < ?",
            "suppressions": "DELETE FROM suppressions WHERE occurred_at < ?",
            "orders": "DELETE FROM orders o WHERE created_at < ? AND NOT EXISTS "
                      "(SELECT 1 FROM events e WHERE e.order_id = o.order_id)",
        }
        gone = {}
        with self._writing() as cur:
            for table, sql in deletes.items():
                row = cur.execute(sql, [before]).fetchone()
                gone[table] = int(row[0]) if row else 0
        return gone

    def free_space(self) -> tuple[int, int]:
        """The file's size and the bytes of it free for new rows, after a checkpoint.

        Deleted rows free their blocks for new rows, but DuckDB does not shrink the file
        (``orderguard compact`` does, with the writer stopped). The count is a floor: blocks
        the previous checkpoint still names are freed only by the next one.
        """
        with self._write_lock:
            cur = self.con.cursor()
            try:
                cur.execute("CHECKPOINT")
                row = cur.execute("SELECT block_size, free_blocks "
                                  "FROM pragma_database_size()").fetchone()
            finally:
                cur.close()
        block, free = (int(row[0]), int(row[1])) if row else (0, 0)
        return self.path.stat().st_size, block * free

    @contextmanager
    def _writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor in a transaction of the one writer, committed unless the block raises."""
        with self._write_lock:
            cur = self.con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()

    @staticmethod
    def _write_events(cur: duckdb.DuckDBPyConnection, batch: Sequence[StoredMessage]) -> None:
        values = [m.value for m in batch]
        columns = {name: _strings(values, name) for name in _EVENT_COLUMNS}
        columns["payload"] = _payloads(values)
        columns["kafka_partition"] = pa.array([m.partition for m in batch], pa.int32())
        columns["kafka_offset"] = pa.array([m.offset for m in batch], pa.int64())
        cur.register("event_batch", pa.table(columns))
        cur.execute(
            """
            INSERT INTO events (event_id, type, occurred_at, marketplace, seller_id, order_id,
                                buyer_id, amount, currency, actor, reason, payload,
                                kafka_partition, kafka_offset)
            SELECT event_id, type, CAST(occurred_at AS TIMESTAMPTZ), marketplace, seller_id,
                   order_id, buyer_id, TRY_CAST(amount AS DECIMAL(18, 4)), currency, actor,
                   reason, payload, kafka_partition, kafka_offset
            FROM event_batch
            ON CONFLICT DO NOTHING
            """
        )
        cur.execute(
            """
            INSERT INTO orders
            SELECT order_id, buyer_id, seller_id, marketplace, CAST(occurred_at AS TIMESTAMPTZ),
                   TRY_CAST(amount AS DECIMAL(18, 4)), currency
            FROM event_batch
            WHERE type = 'order.created' AND order_id IS NOT NULL AND buyer_id IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY occurred_at) = 1
            ON CONFLICT DO NOTHING
            """
        )
        cur.unregister("event_batch")

    @staticmethod
    def _write_alerts(cur: duckdb.DuckDBPyConnection, batch: Sequence[dict[str, Any]]) -> None:
        columns = {name: _strings(batch, name) for name in _ALERT_SCALARS}
        columns["rule_version"] = pa.array([int(a["rule_version"]) for a in batch], pa.int32())
        columns["observed"] = _numbers(batch, "observed")
        columns["threshold"] = _numbers(batch, "threshold")
        for name in ("buyer_ids", "evidence_event_ids", "recommended_actions"):
            columns[name] = _string_lists(batch, name)
        columns["payload"] = _payloads(batch)
        cur.register("alert_batch", pa.table(columns))
        cur.execute(
            """
            INSERT INTO alerts (alert_id, rule_id, rule_version, severity, buyer_ids, seller_id,
                                marketplace, order_id, occurred_at, window_start, window_end,
                                observed, threshold, evidence_event_ids, explanation,
                                recommended_actions, deadline_at, payload)
            SELECT alert_id, rule_id, rule_version, severity, buyer_ids, seller_id, marketplace,
                   order_id, CAST(occurred_at AS TIMESTAMPTZ),
                   CAST(window_start AS TIMESTAMPTZ), CAST(window_end AS TIMESTAMPTZ),
                   observed, threshold, evidence_event_ids, explanation, recommended_actions,
                   CAST(deadline_at AS TIMESTAMPTZ), payload
            FROM alert_batch
            ON CONFLICT DO NOTHING
            """
        )
        cur.unregister("alert_batch")

    @staticmethod
    def _write_suppressed(cur: duckdb.DuckDBPyConnection, batch: Sequence[dict[str, Any]]) -> None:
        why = [a.get("suppressed") or {} for a in batch]
        columns = {name: _strings(batch, name)
                   for name in ("alert_id", "rule_id", "severity", "seller_id", "occurred_at",
                                "explanation")}
        columns["buyer_ids"] = _string_lists(batch, "buyer_ids")
        for name in ("seller_id", "reason", "source"):
            columns[f"list_{name.removesuffix('_id')}"] = _strings(why, name)
        columns["payload"] = _payloads(batch)
        cur.register("suppressed_batch", pa.table(columns))
        cur.execute(
            """
            INSERT INTO suppressions (alert_id, rule_id, severity, buyer_ids, seller_id,
                                      occurred_at, list_seller, list_reason, list_source,
                                      explanation, payload)
            SELECT alert_id, rule_id, severity, buyer_ids, seller_id,
                   CAST(occurred_at AS TIMESTAMPTZ), list_seller, list_reason, list_source,
                   explanation, payload
            FROM suppressed_batch
            ON CONFLICT DO NOTHING
            """
        )
        cur.unregister("suppressed_batch")

    def query(
        self,
        sql: str,
        params: Iterable[Any] | None = None,
        max_rows: int | None = None,
        timeout_s: float | None = None,
    ) -> QueryResult:
        """Run read-only SQL (SELECT / EXPLAIN only) on a cursor of its own and roll it back.

        Raises:
            ReadOnlyViolation: for anything but a read.
            BadQuery: for a query that does not parse, or none.
            ResultTooLarge: when the result has more than ``max_rows`` rows (fetched no
                further than one past it).
            QueryTimeout: when it ran longer than ``timeout_s``; DuckDB is interrupted, so
                the query stops using the machine too.

        """
        cur = self.con.cursor()
        timer = None
        try:
            check_read_only(cur, sql)
            cur.execute("BEGIN TRANSACTION")
            if timeout_s is not None:
                timer = threading.Timer(timeout_s, cur.interrupt)
                timer.daemon = True
                timer.start()
            try:
                rel = cur.execute(sql, list(params) if params else None)
                columns = [d[0] for d in rel.description or []]
                rows = rel.fetchall() if max_rows is None else rel.fetchmany(max_rows + 1)
            except duckdb.InterruptException:
                raise QueryTimeout(
                    f"the query ran longer than {timeout_s:g} s, the most a worker allows "
                    "(ORDERGUARD_SQL_TIMEOUT_S), and was stopped"
                ) from None
            finally:
                if timer is not None:
                    # a timer that fired just as the query ended interrupts nothing once it
                    # is done (DuckDB clears the flag when the next statement starts); not
                    # waiting for it could interrupt the ROLLBACK
                    timer.cancel()
                    timer.join()
                cur.execute("ROLLBACK")
            if max_rows is not None and len(rows) > max_rows:
                raise ResultTooLarge(
                    f"the result has more than {max_rows:,} rows, the most a worker serves "
                    "(ORDERGUARD_SQL_MAX_ROWS): add a LIMIT, aggregate, or page with WHERE"
                )
            return QueryResult(columns, rows)
        finally:
            cur.close()


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise ReadOnlyViolation unless every statement in ``sql`` is a SELECT, or EXPLAINs one.

    ``EXPLAIN ANALYZE`` runs the statement it explains, so an EXPLAIN is checked by what
    it explains: ``EXPLAIN ANALYZE DELETE ...`` is refused like ``DELETE ...``.
    """
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise BadQuery(f"cannot parse query: {str(exc).splitlines()[0]}") from None
    if not statements:
        raise BadQuery("empty query")
    for statement in statements:
        kind = statement.type
        if kind == duckdb.StatementType.EXPLAIN:
            kind = _explained(con, statement.query)
        if kind != duckdb.StatementType.SELECT:
            name = _KIND_NAMES.get(kind, str(kind).rsplit(".", 1)[-1])
            raise ReadOnlyViolation(f"only SELECT queries are allowed here, not {name}")


# what a refusal calls a statement where DuckDB's type names another kind too
_KIND_NAMES = {duckdb.StatementType.CALL: "CALL or CHECKPOINT",
               duckdb.StatementType.LOAD: "LOAD or INSTALL"}
# EXPLAIN, ANALYZE and an option list ("(FORMAT json)"), after any comments before them
_EXPLAIN = re.compile(r"(?:\s+|--[^\n]*\n?|/\*.*?\*/)*EXPLAIN\s*(?:ANALY[SZ]E\b\s*)?"
                      r"(?:\([^()]*\)\s*)?", re.IGNORECASE | re.DOTALL)


def _explained(con: duckdb.DuckDBPyConnection, text: str) -> duckdb.StatementType:
    """The type of the statement an EXPLAIN explains (EXPLAIN itself when that is unclear)."""
    head = _EXPLAIN.match(text)
    if head is None:
        return duckdb.StatementType.EXPLAIN
    try:
        inner = con.extract_statements(text[head.end():])
    except duckdb.Error:
        return duckdb.StatementType.EXPLAIN
    return inner[0].type if len(inner) == 1 else duckdb.StatementType.EXPLAIN
