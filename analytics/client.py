"""Read-only SQL for users: through a running worker's /sql endpoint, else on the file itself."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime
from datetime import time as dt_time
from pathlib import Path
from typing import Any

import orjson

from analytics.store import QueryResult, Store, StoreBusy
from streams.errors import OrderguardError


class QueryFailed(OrderguardError):  # noqa: N818
    """The query was refused or failed."""


def query_worker(url: str, sql: str, token: str | None = None, timeout: float = 60,
                 store: Path | None = None) -> QueryResult:
    """POST the query to a worker's ``/sql`` endpoint.

    Args:
        url: the worker's web address.
        sql: one read-only statement.
        token: the worker's ``ORDERGUARD_SQL_TOKEN``, if it has one.
        timeout: seconds to wait for the answer.
        store: the DuckDB file meant; a worker that can see that it holds another answers
            409, and this raises ConnectionError as if no worker were there.

    Raises:
        ConnectionError: no worker answers at ``url``, or one holding another store
            (callers fall back to the file).
        QueryFailed: the worker answered with an error.

    """
    asked: dict[str, Any] = {"sql": sql}
    if store is not None:
        asked["store"] = str(store.resolve())
    request = urllib.request.Request(  # noqa: S310 - the URL is the configured worker
        f"{url.rstrip('/')}/sql", data=orjson.dumps(asked), method="POST",
        headers={"Content-Type": "application/json",
                 **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = orjson.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            reason = orjson.loads(exc.read())["error"]
        except Exception:  # noqa: BLE001
            reason = exc.reason
        if exc.code in (503, 409):
            raise ConnectionError(reason) from None
        raise QueryFailed(str(reason)) from None
    except (urllib.error.URLError, OSError) as exc:
        raise ConnectionError(str(exc)) from None
    return QueryResult(body["columns"], [tuple(r) for r in body["rows"]])


def query_file(path: Path, sql: str) -> QueryResult:
    """Open the DuckDB file read-only and run the query (works when no worker holds it)."""
    if not path.exists():
        raise QueryFailed(
            f"no analytics store at {path} (run a worker first, or set ORDERGUARD_DUCKDB)"
        )
    try:
        store = Store(path, read_only=True)
    except StoreBusy:
        raise QueryFailed(
            f"{path} is held by a worker whose /sql endpoint did not answer; "
            "set ORDERGUARD_WEB_PORT to that worker's port"
        ) from None
    try:
        return store.query(sql)
    except OrderguardError:
        raise
    except Exception as exc:
        raise QueryFailed(str(exc).splitlines()[0]) from None
    finally:
        store.close()


def run_sql(url: str, path: Path, sql: str, token: str | None = None) -> QueryResult:
    """Ask the running worker first; with none, read the file directly."""
    try:
        return query_worker(url, sql, token, store=path if path.is_file() else None)
    except ConnectionError:
        return query_file(path, sql)


def cell_text(value: Any, *, null: str = "NULL", list_sep: str | None = ", ") -> str:
    """A value as text, the same whether it came from a worker (JSON) or from the file.

    Times are RFC 3339 (``2026-10-01T08:30:00+00:00``, as a worker's JSON has them, not
    Python's ``2026-10-01 08:30:00+00:00``); a list is its items joined by ``list_sep``, or
    a JSON array when ``list_sep`` is None, as is a struct or map.
    """
    if value is None:
        return null
    if isinstance(value, datetime | date | dt_time):
        return value.isoformat()
    if isinstance(value, list) and list_sep is not None:
        return list_sep.join(cell_text(v, null=null, list_sep=list_sep) for v in value)
    if isinstance(value, list | dict):
        return orjson.dumps(value, default=str).decode()
    return str(value)


def dumps(value: Any) -> bytes:
    """JSON of a query's values, bytes; a value JSON has no type for is written as text.

    orjson refuses an integer past 64 bits (a HUGEINT sum); the standard library writes it.
    """
    try:
        return orjson.dumps(value, default=str)
    except TypeError:
        return json.dumps(value, default=_text, separators=(",", ":"),
                          ensure_ascii=False).encode()


def _text(value: Any) -> str:
    """What the standard library's JSON writes for a value it has no type for."""
    return value.isoformat() if isinstance(value, datetime | date | dt_time) else str(value)


def records(result: QueryResult) -> Iterator[dict[str, Any]]:
    """The rows as objects; a column name given twice gets ``_2``, ``_3``... (not dropped)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for column in result.columns:
        seen[column] = seen.get(column, 0) + 1
        name = column if seen[column] == 1 else f"{column}_{seen[column]}"
        while name in result.columns and seen[column] > 1:
            name += "_"
        names.append(name)
    for row in result.rows:
        yield dict(zip(names, row, strict=True))


def format_table(result: QueryResult, max_width: int = 60) -> str:
    """Render rows as an aligned text table."""
    def cell(value: Any) -> str:
        text = cell_text(value)
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    rows = [[cell(v) for v in row] for row in result.rows]
    widths = [len(c) for c in result.columns]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
