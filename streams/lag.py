"""Consumer-group lag: how far a group's committed offsets trail the ends of its topics."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

from streams import topics
from streams.kafka_security import client_options

BOOTSTRAP_TIMEOUT_MS = 10_000  # a cluster that has not answered by then is not answering


@dataclass(frozen=True)
class TopicLag:
    """What a group has left to read on one topic.

    Attributes:
        topic: the topic.
        behind: messages past the group's committed offsets (from the start of the log on
            partitions it never committed).
        committed: whether the group has committed an offset on any of its partitions.
        exists: whether the topic exists (a worker creates its internal topics at start).

    """

    topic: str
    behind: int
    committed: bool
    exists: bool


@dataclass(frozen=True)
class PartitionOffsets:
    """Where a group stands on one partition of a topic.

    Attributes:
        tp: the partition.
        committed: the group's committed offset; ``None`` if it never committed one.
        start: the first offset the log still holds.
        end: the offset the next message will get.

    """

    tp: TopicPartition
    committed: int | None
    start: int
    end: int

    @property
    def behind(self) -> int:
        """Messages past the committed offset (from the start of the log if none)."""
        return max(0, self.end - (self.start if self.committed is None else self.committed))


def partition_offsets(
    bootstrap: str, group: str, names: Iterable[str]
) -> dict[str, list[PartitionOffsets]]:
    """Each partition of each of ``names``, with ``group``'s committed offset on it.

    A topic that does not exist has no partitions. The consumer used here never subscribes,
    so it reads the group's offsets without joining the group (a running worker is not
    disturbed).
    """
    with _group_consumer(bootstrap, group) as consumer:
        return _offsets(consumer, names)


@contextmanager
def _group_consumer(bootstrap: str, group: str) -> Iterator[KafkaConsumer]:
    """A consumer of ``group`` that never subscribes (so it never joins the group)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                             enable_auto_commit=False, bootstrap_timeout_ms=BOOTSTRAP_TIMEOUT_MS,
                             **client_options())
    try:
        yield consumer
    finally:
        consumer.close()


def _offsets(consumer: KafkaConsumer, names: Iterable[str]) -> dict[str, list[PartitionOffsets]]:
    found: dict[str, list[PartitionOffsets]] = {}
    for topic in names:
        partitions = [TopicPartition(topic, p)
                      for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            found[topic] = []
            continue
        ends = consumer.end_offsets(partitions)
        starts = consumer.beginning_offsets(partitions)
        found[topic] = [PartitionOffsets(tp, consumer.committed(tp), starts[tp], ends[tp])
                        for tp in partitions]
    return found


def topic_lags(bootstrap: str, group: str, names: Iterable[str]) -> list[TopicLag]:
    """The lag of ``group`` on each of ``names``, in that order."""
    names = list(names)
    offsets = partition_offsets(bootstrap, group, names)
    found = []
    for topic in names:
        parts = offsets[topic]
        committed = any(part.committed is not None for part in parts)
        found.append(TopicLag(topic, sum(part.behind for part in parts), committed=committed,
                              exists=bool(parts)))
    return found


def group_lag(bootstrap: str, group: str, names: Iterable[str]) -> int:
    """Messages on ``names`` that ``group`` has not committed yet, all topics together."""
    return sum(lag.behind for lag in topic_lags(bootstrap, group, names))


def stages(app_id: str) -> list[tuple[str, str, str]]:
    """``(stage, consumer group, input topic)`` of a worker of ``app_id``, in pipeline order.

    The detection stages share the app's consumer group; the DuckDB sink has its own, and
    reads the events, the alerts and the suppressed alerts.
    """
    sink = f"{app_id}-sink"
    return [
        ("deliveries", app_id, topics.deliveries(app_id)),
        ("orders", app_id, topics.EVENTS),
        ("buyers", app_id, topics.buyer_events(app_id)),
        ("identities", app_id, topics.identity_events(app_id)),
        ("sink: events", sink, topics.EVENTS),
        ("sink: alerts", sink, topics.ALERTS),
        ("sink: suppressed", sink, topics.SUPPRESSED),
    ]


def _topics_by_group(app_id: str) -> dict[str, list[str]]:
    by_group: dict[str, list[str]] = {}
    for _, group, topic in stages(app_id):
        by_group.setdefault(group, []).append(topic)
    return by_group


def stage_lags(bootstrap: str, app_id: str) -> list[tuple[str, str, TopicLag]]:
    """``(stage, group, lag)`` for each of :func:`stages`, in that order."""
    lags = {
        (group, lag.topic): lag
        for group, names in _topics_by_group(app_id).items()
        for lag in topic_lags(bootstrap, group, names)
    }
    return [(stage, group, lags[group, topic]) for stage, group, topic in stages(app_id)]


def skip_backlog(bootstrap: str, app_id: str) -> int:
    """Move ``app_id``'s groups to the ends of their stages' topics; return what they skip.

    For the demo, which processes only what it sends: the events other runs left on a
    long-lived broker would otherwise keep its worker busy first, for minutes. Only while
    no worker of ``app_id`` runs: the broker refuses a commit to a group with members.
    """
    skipped = 0
    for group, names in _topics_by_group(app_id).items():
        with _group_consumer(bootstrap, group) as consumer:
            behind = [part for parts in _offsets(consumer, names).values()
                      for part in parts if part.behind]
            if behind:
                consumer.commit({part.tp: OffsetAndMetadata(part.end, "", -1)
                                 for part in behind})
        skipped += sum(part.behind for part in behind)
    return skipped
