"""What every stage shares: the app, settings, rules, topics and the dead-letter path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import faust
import orjson

from schemas.event import kafka_key
from streams import statecodec, topics
from streams.adapters import Outcome
from streams.brokerwatch import Reachability
from streams.core.linking_rules import LinkingRules
from streams.core.lists import ListBook
from streams.core.rules import RuleSet
from streams.deadletter import deadletter_headers
from streams.engine import steps
from streams.errors import InvalidEvent
from streams.settings import Settings
from streams.spool import Spool

log = logging.getLogger("orderguard")

JSON_HEADERS = [("content-type", b"application/json")]


def delivery_record(outcome: Outcome) -> tuple[bytes, bytes]:
    """The key and value of a webhook delivery on the deliveries topic."""
    value = orjson.dumps({"keys": outcome.dedupe_keys, "events": outcome.events})
    return _delivery_key(outcome.dedupe_keys), value


def spooled_key(value: bytes) -> bytes:
    """The key of a delivery kept in the spool (``streams.spool``) as its value alone."""
    return _delivery_key(orjson.loads(value).get("keys"))


def _delivery_key(keys: Any) -> bytes:
    """A delivery's Kafka key: its first dedupe key, so that redeliveries meet."""
    return (str(keys[0]) if keys else "").encode()


class Wiring:
    """Topics and helpers for thin agents; built once per app by :func:`streams.app.create_app`."""

    def __init__(
        self, app: faust.App, settings: Settings, rules: RuleSet, linking: LinkingRules
    ) -> None:
        self.app = app
        self.settings = settings
        self.rules = rules
        self.linking = linking
        raw: dict[str, Any] = {
            "key_type": bytes,
            "value_type": bytes,
            "key_serializer": "raw",
            "value_serializer": "raw",
            "partitions": settings.partitions,
        }
        self.events = app.topic(topics.EVENTS, **raw)
        self.deliveries = app.topic(topics.deliveries(settings.app_id), **{**raw, "partitions": 1})
        self.buyer_events = app.topic(topics.buyer_events(settings.app_id), **raw)
        self.identity_events = app.topic(topics.identity_events(settings.app_id), **raw)
        self.alerts = app.topic(topics.ALERTS, **raw)
        self.deadletter = app.topic(topics.DEADLETTER, **raw)
        self.suppressed = app.topic(topics.SUPPRESSED, **raw)
        statecodec.register()  # the tables' value codec (state_table)
        self.stats: Counter[str] = Counter()
        # for /metrics (streams.agents.metrics): bumped per message, read when scraped
        self.processed: Counter[str] = Counter()  # by stage
        self.webhooks: Counter[tuple[str, int]] = Counter()  # by platform and HTTP status
        self.alert_counts: Counter[tuple[str, str]] = Counter()  # by rule and severity
        self.suppressed_counts: Counter[str] = Counter()  # by rule
        # what the worker found of its rocksdb table files at start (streams.tablefiles)
        self.tables_found: str | None = None
        self.lists = ListBook()  # kept current by the ListsService
        # the stages' step functions: the native engine's when it is built (streams.engine)
        self.steps = steps()
        self.lists_service: Any = None
        self.kafka = Reachability()  # kept current by streams.agents.broker
        # deliveries Kafka could not take, on disk until it can (streams.agents.spooling)
        self.spool = (Spool(settings.data_dir / f"spool-{settings.app_id}",
                            settings.spool_mb << 20) if settings.spool_mb else None)
        self.sink: Any = None  # the SinkService, when this worker runs one

    def state_table(self, name: str, partitions: int | None = None) -> Any:
        """A table of the pure core's states: keys in JSON, values in ``streams.statecodec``.

        faust writes a table's changelog with the serializer it derives from the table's
        value type (json, for untyped values), whatever the schema says, and sets the
        schema's to it when ``app.Table`` adds the table and so makes its changelog topic.
        The table is made here as ``app.Table`` makes it, with statecodec's codec set
        before the topic exists, so that the records are written and read back with it.
        """
        schema = faust.Schema(key_type=str, value_type=None, key_serializer="json",
                              value_serializer=statecodec.NAME)
        table = self.app.conf.Table(
            self.app, name=name, default=None, schema=schema, beacon=self.app.tables.beacon,
            partitions=partitions or self.settings.partitions,
        )
        table.value_serializer = statecodec.NAME
        return self.app.tables.add(table)

    async def publish_event(self, event: dict[str, Any]) -> Any:
        """Send a canonical event to ``orderguard.events``, keyed per contract; its ack's future."""
        return await self.events.send(
            key=kafka_key(event).encode(), value=orjson.dumps(event), headers=JSON_HEADERS
        )

    async def send_delivery(self, key: bytes, value: bytes) -> Any:
        """Send a delivery to the dedupe stage; the future of its ack."""
        return await self.deliveries.send(key=key, value=value, headers=JSON_HEADERS)

    async def publish_delivery(self, key: bytes, value: bytes, wait_s: float) -> bool:
        """Send one accepted webhook delivery to the dedupe stage; whether the broker acked it.

        Waits at most ``wait_s`` for the send and the ack. A record the producer has taken
        stays in flight after that, and lands if the broker comes back while this worker
        runs: a platform that never retries (WooCommerce) may still get it through, and the
        retry of one that does is a duplicate, which the dedupe stage drops.
        """
        try:
            async with asyncio.timeout(wait_s):
                ack = await self.send_delivery(key, value)
                await asyncio.shield(ack)  # giving up on the ack must not cancel the record
        except TimeoutError:
            self.stats["ingest_not_acked"] += 1
            return False
        return True

    async def publish_alert(self, alert: dict[str, Any]) -> None:
        """Send an alert to ``orderguard.alerts`` keyed by its first buyer."""
        self.alert_counts[(alert["rule_id"], alert["severity"])] += 1
        await self.alerts.send(
            key=alert["buyer_ids"][0].encode(), value=orjson.dumps(alert), headers=JSON_HEADERS
        )

    async def publish_suppressed(self, alert: dict[str, Any]) -> None:
        """Record an alert an allow-list entry suppressed on ``orderguard.suppressed``.

        Keyed by its first buyer, as :meth:`publish_alert` keys the alerts it raises.
        """
        self.suppressed_counts[alert["rule_id"]] += 1
        await self.suppressed.send(
            key=alert["buyer_ids"][0].encode(), value=orjson.dumps(alert), headers=JSON_HEADERS
        )

    @contextlib.asynccontextmanager
    async def guarded(self, ev: Any, stage: str) -> AsyncIterator[None]:
        """Dead-letter the event if the block raises, so the stage carries on with the next.

        Faust acks an event whose agent raised; catching per event keeps the bytes instead.
        """
        self.processed[stage] += 1
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the stage
            msg = ev.message
            await self.dead_letter(ev.value, topic=msg.topic, partition=msg.partition,
                                   offset=msg.offset, stage=stage, exc=exc, key=ev.key)

    async def dead_letter(
        self,
        raw: bytes | None,
        *,
        topic: str,
        partition: int | None,
        offset: int | None,
        stage: str,
        exc: BaseException,
        key: bytes | None = None,
        extra_headers: list[tuple[str, bytes]] | None = None,
    ) -> None:
        """Send the original bytes, unchanged, to ``orderguard.deadletter`` and log one line.

        ``extra_headers`` travel after the ``orderguard.errors.*`` ones (a refused webhook's
        request headers).
        """
        self.stats[f"dead_lettered_{stage}"] += 1
        log.warning(
            "dead-lettered %s[%s]@%s at stage %s: %s: %s",
            topic, partition, offset, stage, type(exc).__name__, exc,
            # a bad payload needs no traceback; a bug in a stage does
            exc_info=None if isinstance(exc, (InvalidEvent, ValueError)) else exc,
        )
        headers = deadletter_headers(
            topic=topic, partition=partition, offset=offset, stage=stage, exc=exc
        ) + (extra_headers or [])
        await self.deadletter.send(key=key, value=raw or b"", headers=headers)
