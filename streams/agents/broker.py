"""Every worker probes Kafka every few seconds; `/health` and the webhook ingest read the answer."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaError
from mode import Service

from streams.agents.wiring import Wiring
from streams.brokerwatch import Reachability, RepeatFilter, install

log = logging.getLogger("orderguard.kafka")


class BrokerWatch(Service):
    """Asks the cluster for its metadata every ``interval_s`` with a client of its own.

    A failed or late answer marks the broker unreachable until a probe succeeds again. It also
    holds aiokafka's repeated warnings back (:class:`streams.brokerwatch.RepeatFilter`) and
    says once a minute how many it held.
    """

    interval_s = 2.0
    probe_timeout_s = 3.0
    report_every_s = 60.0

    def __init__(self, wiring: Wiring, **kwargs: Any) -> None:
        self.w = wiring
        self.reach: Reachability = wiring.kafka
        self.repeats = RepeatFilter(window_s=self.report_every_s)
        self.held_back = 0  # log records held back during the current outage
        super().__init__(**kwargs)

    async def on_start(self) -> None:
        """Hold back aiokafka's repeated warnings from now on."""
        install(self.repeats)

    @Service.task
    async def _watch(self) -> None:
        servers = self.w.settings.kafka
        client = AIOKafkaClient(bootstrap_servers=servers.split(","),
                                request_timeout_ms=int(self.probe_timeout_s * 1000),
                                **self.w.settings.kafka_security.client_options())
        started = False
        reported = time.monotonic()
        try:
            while not self.should_stop:
                try:
                    await asyncio.wait_for(
                        client.fetch_all_metadata() if started else client.bootstrap(),
                        self.probe_timeout_s,
                    )
                    started = ok = True
                except (TimeoutError, KafkaError, OSError):
                    ok = False
                now = time.time()
                was_down = self.reach.down
                if self.reach.observe(ok, now):
                    self._changed(servers, was_down)
                    reported = time.monotonic()
                elif time.monotonic() - reported >= self.report_every_s:
                    self._report(servers, now)
                    reported = time.monotonic()
                await self.sleep(self.interval_s)
        finally:
            await client.close()

    def _changed(self, servers: str, was_down: bool) -> None:
        held = self.repeats.take()
        if self.reach.down:
            self.held_back = held
            log.warning("Kafka at %s is unreachable: webhooks are kept on disk until it answers "
                        "again (503 without a spool); the stages carry on where they stopped "
                        "once it does", servers)
        elif was_down:
            log.warning("Kafka at %s answers again (%d repeated client errors during the "
                        "outage were not logged)", servers, self.held_back + held)
            self.held_back = 0

    def _report(self, servers: str, now: float) -> None:
        held = self.repeats.take()
        state = self.reach
        if state.down:
            self.held_back += held
            log.warning("Kafka at %s still unreachable after %.0f s (%d repeated client "
                        "errors not logged)", servers, now - (state.since or now),
                        self.held_back)
        elif held:
            log.warning("%d repeated Kafka client warnings were not logged in the last "
                        "%.0f s", held, self.report_every_s)


def register(w: Wiring) -> None:
    """Watch the broker in this worker."""

    class WorkerBrokerWatch(BrokerWatch):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(w, **kwargs)

    w.app.service(WorkerBrokerWatch)
