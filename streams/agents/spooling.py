"""Publishes the deliveries the ingest kept on disk (``streams.spool``) once Kafka answers again."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from aiokafka.errors import KafkaError
from mode import Service

from streams.agents.wiring import Wiring, spooled_key
from streams.spool import Spool, records

log = logging.getLogger("orderguard.spool")


class SpoolDrain(Service):
    """Every ``interval_s`` while Kafka is reachable: publish each sealed file, then delete it.

    A file is deleted only after the broker acknowledged every delivery in it; a file that
    fails stays for the next round. Spooled files left by a worker that stopped during an
    outage are published when the next worker on the same data directory starts.
    """

    interval_s = 1.0
    ack_wait_s = 60.0

    def __init__(self, wiring: Wiring, spool: Spool, **kwargs: Any) -> None:
        self.w = wiring
        self.spool = spool
        super().__init__(**kwargs)

    @Service.task
    async def _drain(self) -> None:
        while not self.should_stop:
            if self.w.kafka.reachable and not await asyncio.to_thread(self.spool.empty):
                for path in await asyncio.to_thread(self.spool.seal):
                    if not await self._publish(path):
                        break
            await self.sleep(self.interval_s)

    async def _publish(self, path: Path) -> bool:
        lines = await asyncio.to_thread(lambda: list(records(path)))
        try:
            async with asyncio.timeout(self.ack_wait_s):
                acks = [await self.w.send_delivery(spooled_key(line), line) for line in lines]
                await asyncio.gather(*acks)
        except (TimeoutError, KafkaError) as exc:
            log.warning("spool: %s not published yet (%s); trying again", path.name,
                        type(exc).__name__)
            return False
        await asyncio.to_thread(self.spool.done, path)
        self.w.stats["spool_published"] += len(lines)
        log.info("spool: published %d deliveries kept on disk while Kafka was unreachable",
                 len(lines))
        return True


def register(w: Wiring) -> None:
    """Drain this worker's spool, when it has one."""
    spool = w.spool
    if spool is None:
        return

    class WorkerSpoolDrain(SpoolDrain):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(w, spool, **kwargs)

    w.app.service(WorkerSpoolDrain)
