"""The Faust app factory: topics, tables, stages, webhook views and the DuckDB sink."""

from __future__ import annotations

from typing import Any

import faust

from streams import topics
from streams.core.linking_rules import load_linking_file
from streams.core.rules import load_rules
from streams.kafka_security import KafkaSecurity
from streams.settings import Settings

_app: faust.App | None = None


def create_app(settings: Settings) -> faust.App:
    """Build a worker app for ``settings``; nothing is read from the environment here."""
    from streams.agents import (
        broker,
        buyers,
        bytestore,
        consumer,
        deliveries,
        identities,
        lists,
        orders,
        sink,
        spooling,
        web,
    )
    from streams.agents.wiring import Wiring

    app = faust.App(
        settings.app_id,
        broker=f"kafka://{settings.kafka}",
        broker_credentials=_credentials(settings.kafka_security),
        store=bytestore.store_url(settings.table_store),
        # each worker also follows this many other workers' table changelogs, to take their
        # partitions over warm; every standby costs the changelog's messages again
        table_standby_replicas=settings.standby_replicas,
        topic_partitions=settings.partitions,
        topic_replication_factor=1,
        web_host=settings.web_host,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        datadir=str(settings.data_dir),
        # the rocksdb store's files, one folder per app id: faust names them by table only,
        # and another app id's files would be read back as this one's tables
        tabledir=f"tables-{settings.app_id}",  # faust makes one level only
        producer_acks=-1,
        producer_max_request_size=topics.MAX_MESSAGE_BYTES,
        # A restarted worker rejoins only once the dead member's session has expired.
        broker_session_timeout=settings.session_timeout_s,
        # Stateful stages process one event at a time, in order (faust-streaming #606).
        stream_wait_empty=False,
        consumer_auto_offset_reset="earliest",
        web_in_thread=False,
        logging_config=None,
    )
    consumer.install(app)  # before the wiring declares topics (they reach the transport)
    wiring = Wiring(app, settings, load_rules(settings.rules), load_linking_file(settings.rules))
    lists.register(wiring)
    broker.register(wiring)
    spooling.register(wiring)
    deliveries.register(wiring)
    orders.register(wiring)
    buyers.register(wiring)
    identities.register(wiring)
    web.register(wiring)
    if settings.sink_enabled:
        sink.register(wiring)
    app.orderguard = wiring  # type: ignore[attr-defined]
    return app


def _credentials(security: KafkaSecurity) -> faust.types.auth.CredentialsT | None:
    """Faust's form of the clients' security settings (None: plaintext, no user)."""
    if security.sasl:
        return faust.SASLCredentials(username=security.username, password=security.password,
                                     ssl_context=security.ssl_context(),
                                     mechanism=security.mechanism)
    if security.tls:
        return faust.SSLCredentials(security.ssl_context())
    return None


def get_app() -> faust.App:
    """The app for ``faust -A streams.app worker``, built once from the environment."""
    global _app
    if _app is None:
        _app = create_app(Settings.from_env())
    return _app


def __getattr__(name: str) -> Any:
    if name == "app":
        return get_app()
    raise AttributeError(name)
