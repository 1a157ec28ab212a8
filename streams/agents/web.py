"""HTTP views: webhook ingest, read-only SQL on the analytics store, and a health summary."""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import time
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web as aioweb
from faust.web import Request, Response, View

from analytics.client import dumps
from analytics.store import BadQuery, QueryTimeout, ReadOnlyViolation, ResultTooLarge
from streams import topics
from streams.agents import metrics
from streams.agents.wiring import Wiring, delivery_record
from streams.deadletter import request_headers
from streams.ingest import MAX_BODY, decide, secrets_of
from streams.settings import PLATFORM_SECRETS

LOOPBACK = ("127.0.0.1", "::1", "localhost")

log = logging.getLogger("orderguard.ingest")


def _same_file(named: str, held: Path) -> bool:
    """Whether the store a client names is the one this worker holds.

    A path this worker cannot see (the client's own machine, a container's outside) is
    taken as the same: only a file both can see can be told apart.
    """
    try:
        return os.path.samefile(named, held)
    except OSError:
        return True


def _json(
    view: View, body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return view.bytes(dumps(body), content_type="application/json", status=status,
                      headers=headers)


# While the broker is unreachable, a delivery waits this long for an ack (the probe may be a
# moment behind a broker that is back) instead of ORDERGUARD_ACK_TIMEOUT_S.
DOWN_WAIT_S = 0.5
RETRY_AFTER_S = 30  # what a 503 asks the platform to wait; each platform retries on its own clock


def _unavailable(view: View, why: str) -> Response:
    """503: the delivery was not accepted; the platform sends it again later."""
    return _json(view, {"error": f"{why}; the delivery was not accepted, send it again later"},
                 503, {"Retry-After": str(RETRY_AFTER_S)})


async def _spooled(w: Wiring, value: bytes) -> bool:
    """Keep a delivery Kafka did not take on the worker's disk; whether it is there."""
    if w.spool is None:
        return False
    try:
        kept = await asyncio.to_thread(w.spool.append, value)
    except OSError as exc:
        log.warning("spool: could not keep a delivery on disk: %s", exc)
        return False
    w.stats["ingest_spooled" if kept else "ingest_spool_full"] += 1
    return kept


def register(w: Wiring) -> None:
    """Add the HTTP views to the app."""
    app = w.app

    secrets = secrets_of(w.settings)

    @app.page("/webhooks/{platform}")
    class Webhook(View):
        """POST a platform's webhook: 202 accepted, 401 bad signature, 413, 422 malformed.

        A delivery Kafka does not acknowledge within ``ack_timeout_s`` (half a second while it
        is known to be unreachable) is kept on the worker's disk and answered 202 with
        ``"spooled": true``; 503 when the spool is off or full.
        """

        async def post(self, request: Request, platform: str) -> Response:
            response = await self._answer(request, platform)
            w.webhooks[(platform if platform in PLATFORM_SECRETS else "other",
                        response.status)] += 1
            return response

        async def _answer(self, request: Request, platform: str) -> Response:
            try:
                body = await request.read()
            except aioweb.HTTPRequestEntityTooLarge:
                return _json(self, {"error": f"body over {MAX_BODY} bytes"}, 413)
            except (aioweb.RequestPayloadError, aioweb.HTTPException) as exc:
                # a Content-Encoding the body is not in, or one that cannot be decoded here
                reason = getattr(exc, "text", None) or str(exc)
                return _json(self, {"error": "cannot read the body: "
                                    + " ".join(reason.split()).removeprefix("400, message: ")}, 400)
            answer = decide(platform, dict(request.headers), body, secrets)
            if answer.dead_letter is not None:
                await w.dead_letter(
                    body, topic=f"http:/webhooks/{platform}", partition=None, offset=None,
                    stage="ingest", exc=answer.dead_letter,
                    extra_headers=request_headers(request.headers),
                )
            if answer.outcome is not None:
                # 202 only once the broker has acknowledged the delivery (acks=all).
                down = w.kafka.down
                wait = DOWN_WAIT_S if down else w.settings.ack_timeout_s
                key, value = delivery_record(answer.outcome)
                if not await w.publish_delivery(key, value, wait):
                    if await _spooled(w, value):
                        return _json(self, {**answer.body, "spooled": True}, answer.status)
                    return _unavailable(self, "Kafka is unreachable" if down else
                                        f"Kafka did not acknowledge the delivery within {wait:g} s")
            return _json(self, answer.body, answer.status)

    @app.page("/sql")
    class Sql(View):
        """POST {"sql": "..."}: read-only query on the store held by this worker's sink."""

        async def post(self, request: Request) -> Response:
            token = w.settings.sql_token
            if token:
                given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
                if not hmac.compare_digest(given.encode(), token.encode()):
                    return _json(self, {"error": "missing or wrong bearer token"}, 401)
            elif request.remote not in LOOPBACK:
                return _json(self, {"error": "SQL is served to localhost only"}, 403)
            sink = w.sink
            if sink is None or sink.store is None:
                return _json(self, {"error": "this worker does not hold the analytics store"}, 503)
            try:
                asked = orjson.loads(await request.read())
                sql = asked["sql"]
                named = asked.get("store")
                if isinstance(named, str) and not _same_file(named, sink.store.path):
                    return _json(self, {"error": f"this worker holds {sink.store.path}, not "
                                                 f"{named}"}, 409)
                # a query runs in this process, beside the stages: its result is capped,
                # and its time (a client that gave up would not stop it)
                result = await asyncio.to_thread(sink.store.query, sql, None,
                                                 w.settings.sql_max_rows or None,
                                                 w.settings.sql_timeout_s or None)
            except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
                return _json(self, {"error": 'send a JSON body {"sql": "SELECT ..."}'}, 400)
            except BadQuery as exc:
                return _json(self, {"error": str(exc)}, 400)
            except ReadOnlyViolation as exc:
                return _json(self, {"error": str(exc)}, 403)
            except ResultTooLarge as exc:
                return _json(self, {"error": str(exc)}, 413)
            except QueryTimeout as exc:
                return _json(self, {"error": str(exc)}, 408)
            except Exception as exc:  # noqa: BLE001 - a bad query is the caller's error
                return _json(self, {"error": str(exc).splitlines()[0]}, 400)
            return _json(self, {"columns": result.columns, "rows": result.rows})

    registry = metrics.registry_for(w)

    @app.page("/metrics")
    class Metrics(View):
        """The worker's counters for Prometheus (text format 0.0.4)."""

        async def get(self, request: Request) -> Response:
            return self.bytes(metrics.render(registry),
                              headers={"Content-Type": metrics.CONTENT_TYPE})

    @app.page("/health")
    class Health(View):
        """Kafka reachability, whether the tables are read back, what the sink has stored.

        503 with ``status: degraded`` while Kafka is unreachable.
        """

        async def get(self, request: Request) -> Response:
            sink = w.sink
            lists = w.lists_service
            down = w.kafka.down
            return _json(self, {
                "status": "degraded" if down else "ok",
                "kafka": w.kafka.as_dict(time.time()),
                "lists": {"entries": len(w.lists),
                          "caught_up": bool(lists and lists.caught_up)},
                "topics": [topics.EVENTS, topics.ALERTS],
                "tables": {"store": w.settings.table_store,
                           "recovered": app.tables.recovery.completed.is_set(),
                           "files": w.tables_found},
                "counters": dict(w.stats),
                "spool": None if w.spool is None else {"bytes": w.spool.size()},
                "sink": None if sink is None else {
                    "holds_store": sink.store is not None,
                    "events": sink.stored_events,
                    "alerts": sink.stored_alerts,
                    "skipped": sink.skipped,
                    "pruned": dict(sink.pruned),
                },
            }, 503 if down else 200)
