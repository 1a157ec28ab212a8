"""Consumer-group lag: how far a group's committed offsets trail the ends of its topics."""

from __future__ import annotations

from collections.abc import Iterable

from kafka import KafkaConsumer, TopicPartition


def group_lag(bootstrap: str, group: str, topics: Iterable[str]) -> int:
    """Messages on ``topics`` that ``group`` has not committed yet.

    A partition without a committed offset counts from the start of its log. The consumer
    used here never subscribes, so it reads the group's offsets without joining the group.
    """
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                             enable_auto_commit=False)
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        ends = consumer.end_offsets(partitions)
        starts = consumer.beginning_offsets(partitions)
        lag = 0
        for tp in partitions:
            committed = consumer.committed(tp)
            position = committed if committed is not None else starts[tp]
            lag += max(0, ends[tp] - position)
        return lag
    finally:
        consumer.close()
