"""Topic administration with kafka-python: create the pipeline's topics before anyone uses them."""

from __future__ import annotations

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from streams import topics
from streams.errors import OrderguardError

PUBLIC_TOPICS = (topics.EVENTS, topics.BUYER_EVENTS, topics.ALERTS, topics.DEADLETTER)
# one partition keeps delivery dedupe in one place (every key of a delivery is local)
SINGLE_PARTITION = {topics.DELIVERIES}


class BrokerUnavailable(OrderguardError):  # noqa: N818
    """No Kafka broker answered at the configured address."""


def admin_client(bootstrap: str) -> KafkaAdminClient:
    """Connect an admin client (kafka-python retries the bootstrap for about 30 s)."""
    try:
        return KafkaAdminClient(bootstrap_servers=bootstrap, client_id="orderguard-admin")
    except KafkaError as exc:
        raise BrokerUnavailable(
            f"no Kafka broker answers at {bootstrap} ({type(exc).__name__}); start one with "
            "`make kafka-up`, or set ORDERGUARD_KAFKA"
        ) from None


def ensure_topics(
    bootstrap: str, partitions: int, names: tuple[str, ...] = (*PUBLIC_TOPICS, *SINGLE_PARTITION)
) -> None:
    """Create any of ``names`` that do not exist yet (replication factor 1 on a single node)."""
    admin = admin_client(bootstrap)
    try:
        existing = set(admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            try:
                admin.create_topics(
                    [NewTopic(n, num_partitions=1 if n in SINGLE_PARTITION else partitions,
                              replication_factor=1) for n in missing]
                )
            except TopicAlreadyExistsError:
                pass  # another worker created it first
    finally:
        admin.close()
