"""The worker's Kafka consumer: the seek that ends a rebalance loses no message.

The consumer thread (aiokafka, the part that talks to the broker) is replaced by a recorder
that answers as aiokafka does; what runs is faust's consumer bookkeeping with
``streams.agents.consumer`` on it, as a worker has it.
"""

from __future__ import annotations

import asyncio
import dataclasses

import hypothesis  # noqa: F401 - see below
import pytest
from faust.types import TP

from streams import topics
from streams.agents.consumer import Consumer, ConsumerThread
from streams.settings import Settings

# Once a faust consumer was created in this process, compiling a large module fails in Python
# 3.11.7 ("SystemError: AST constructor recursion depth mismatch"); hypothesis' pytest plugin
# imports hypothesis at the end of the session if no test did, so this file, run alone, would
# end in that error after its tests passed. Imported here, it is compiled before.


class Thread:
    """aiokafka's side of a consumer: committed offsets, first offsets, seeks, recorded."""

    def __init__(self, consumer: Consumer, committed: dict[TP, int | None],
                 earliest: dict[TP, int]) -> None:
        self.consumer, self.committed, self.earliest = consumer, committed, earliest
        self.seeks: list[tuple[TP, int]] = []
        self.flow_when_seeking: list[bool] = []

    async def seek_to_committed(self) -> dict[TP, int | None]:
        self.flow_when_seeking.append(self.consumer.flow_active)
        # aiokafka seeks only where the committed offset is above 0
        self.seeks += [(tp, offset) for tp, offset in self.committed.items() if offset]
        return dict(self.committed)

    async def earliest_offsets(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.earliest[tp] for tp in tps}

    def seek(self, tp: TP, offset: int) -> None:
        self.seeks.append((tp, offset))


@pytest.fixture
def app():
    from streams.app import create_app

    settings = dataclasses.replace(Settings.from_env({"ORDERGUARD_APP_ID": "consumer-test"}),
                                   sink_enabled=False)
    return create_app(settings)


def test_the_worker_consumes_with_this_consumer(app):
    assert type(app.consumer) is Consumer
    assert type(app.consumer._thread) is ConsumerThread  # its stop with Kafka down


def test_a_stream_partition_without_a_committed_offset_is_sought_to_its_first_offset(app):
    consumer = app.consumer
    buyers = topics.buyer_events("consumer-test")
    changelog = "consumer-test-buyer-windows-changelog"
    app.topics._acking_topics.update({topics.EVENTS, buyers})  # as once subscribed
    committed = {
        TP(topics.EVENTS, 0): 1532,  # committed: aiokafka seeks there
        TP(buyers, 2): None,         # never committed: first offset
        TP(buyers, 3): 0,            # committed 0: aiokafka does not seek
        TP(changelog, 2): None,      # a table's changelog: the recovery's, left alone
    }
    earliest = {TP(buyers, 2): 0, TP(buyers, 3): 0, TP(topics.EVENTS, 0): 0}
    thread = consumer._thread = Thread(consumer, committed, earliest)
    consumer.resume_flow()

    asyncio.run(consumer.perform_seek())

    assert sorted(thread.seeks) == [(TP(buyers, 2), 0), (TP(buyers, 3), 0),
                                    (TP(topics.EVENTS, 0), 1532)]
    # the flow stopped before the seek, and stays stopped until the recovery, having
    # emptied the agents' queues, resumes it
    assert thread.flow_when_seeking == [False]
    assert not consumer.flow_active
    assert consumer._read_offset[TP(buyers, 2)] is None
    assert consumer._read_offset[TP(topics.EVENTS, 0)] == 1532
    assert consumer._committed_offset[TP(topics.EVENTS, 0)] == 1532


def test_a_partition_whose_log_start_moved_is_sought_to_where_it_now_starts(app):
    consumer = app.consumer
    buyers = topics.buyer_events("consumer-test")
    app.topics._acking_topics.add(buyers)
    # retention deleted the first 40 messages before any commit
    thread = consumer._thread = Thread(consumer, {TP(buyers, 0): None}, {TP(buyers, 0): 40})

    asyncio.run(consumer.perform_seek())

    assert thread.seeks == [(TP(buyers, 0), 40)]
