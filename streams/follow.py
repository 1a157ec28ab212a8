"""A downstream consumer of ``orderguard.alerts`` built on kafka-python: the worked example."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

from schemas.alert import SEVERITY_RANK, validate_alert
from streams.kafka_admin import broker_answers
from streams.kafka_security import client_options
from streams.topics import ALERTS

log = logging.getLogger("orderguard.follow")


def follow_alerts(
    bootstrap: str,
    *,
    group: str | None = None,
    from_now: bool = False,
    idle_timeout_s: float | None = None,
    to_end: bool = False,
) -> Iterator[dict[str, Any]]:
    """Yield alerts from ``orderguard.alerts`` as they arrive.

    While nothing arrives, whether a broker still answers is checked every
    :data:`OUTAGE_CHECK_S` seconds: an outage is logged once as a warning, and so is its end
    (kafka-python itself keeps trying without a word).

    Args:
        bootstrap: Kafka bootstrap servers.
        group: a consumer group to resume from its committed offsets. An alert counts as
            read once the caller asks for the next one (or skips it: what is no alert), and
            what is read is committed every second and at the end, so an alert the caller
            could not print (a closed pipe, an interrupt) is read again next time. Without
            one, no group: the topic is read from the start and nothing is committed.
        from_now: skip what the topic already holds and yield only new alerts.
        idle_timeout_s: stop after this long without a new message, counted from when the
            partitions are assigned (None: follow forever).
        to_end: stop once every partition is read to the end it had when reading began
            (what ``orderguard alerts`` without ``--follow`` prints).

    """
    grouped = group is not None and not from_now
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group if grouped else None,  # no group: every partition, nothing committed
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        allow_auto_create_topics=False,  # the worker creates it, with its settings
        **client_options(),
    )
    watch = _OutageWatch(bootstrap)
    read = _ReadOffsets(consumer) if grouped else None
    try:
        partitions = consumer.partitions_for_topic(ALERTS) or set()
        if not partitions:
            log.warning("%s does not exist yet: no worker has run on this cluster%s", ALERTS,
                        "" if to_end else "; waiting for it")
            if to_end:
                return
        if from_now:
            assigned = [TopicPartition(ALERTS, p) for p in sorted(partitions)]
            consumer.assign(assigned)
            consumer.seek_to_end(*assigned)
            for tp in assigned:  # resolve the end offsets now, before anything new arrives
                consumer.position(tp)
        else:
            consumer.subscribe([ALERTS])
        ends: dict[TopicPartition, int] | None = None
        last: float | None = None  # when the latest message came, or the partitions did
        while True:
            records = consumer.poll(timeout_ms=500)
            now = time.monotonic()
            if last is None:
                if not consumer.assignment():
                    continue  # joining the group (a broker may delay that by seconds)
                last = now
                if to_end:
                    ends = consumer.end_offsets(list(consumer.assignment()))
            for messages in records.values():
                for message in messages:
                    alert = _alert(message)
                    if alert is not None:
                        yield alert
                    if read is not None:
                        read.done(message)
            if read is not None:
                read.commit(every_s=1.0)
            if ends is not None and all(consumer.position(tp) >= end
                                        for tp, end in ends.items()):
                return
            if records:
                last = now
                watch.heard()
                continue
            if idle_timeout_s is not None and now - last >= idle_timeout_s:
                return
            watch.silent(now - last)
    finally:
        if read is not None:
            read.commit()
        consumer.close()


class _ReadOffsets:
    """The offsets a group has read past, committed now and then (auto-commit is off)."""

    def __init__(self, consumer: KafkaConsumer) -> None:
        self.consumer = consumer
        self.pending: dict[TopicPartition, OffsetAndMetadata] = {}
        self.committed_at = time.monotonic()

    def done(self, message: Any) -> None:
        """The caller is through with ``message``: the group may move past it."""
        tp = TopicPartition(message.topic, message.partition)
        self.pending[tp] = OffsetAndMetadata(message.offset + 1, "", -1)

    def commit(self, every_s: float = 0.0) -> None:
        """Commit what was read, at most every ``every_s`` seconds; a failure is logged."""
        if not self.pending or time.monotonic() - self.committed_at < every_s:
            return
        offsets, self.pending = self.pending, {}
        self.committed_at = time.monotonic()
        try:
            self.consumer.commit(offsets)
        except Exception as exc:  # noqa: BLE001 - read again next time, not lost
            log.warning("could not commit the group's position (%s: %s); those alerts will "
                        "be printed again next time", type(exc).__name__, exc)


# how long alerts may be silent before, and between, checks that a broker still answers
OUTAGE_CHECK_S = 30.0


class _OutageWatch:
    """Says once when no broker answers any more while following, and once when one does."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.down = False
        self.checked_at = 0.0  # the silence it was last checked at

    def silent(self, for_s: float) -> None:
        """Nothing arrived for ``for_s`` seconds: check the broker every OUTAGE_CHECK_S."""
        if for_s < self.checked_at + OUTAGE_CHECK_S:
            return
        self.checked_at = for_s
        if not broker_answers(self.bootstrap):
            if not self.down:
                log.warning("no Kafka broker answers at %s; still trying", self.bootstrap)
            self.down = True
        else:
            self.heard()

    def heard(self) -> None:
        """A broker answered: say so if it had not, and start counting silence anew."""
        if self.down:
            log.warning("Kafka at %s answers again", self.bootstrap)
        self.down = False
        self.checked_at = 0.0


def _alert(message: Any) -> dict[str, Any] | None:
    """The alert in a message, or ``None`` (with a warning) for anything else."""
    try:
        return validate_alert(orjson.loads(message.value))
    except orjson.JSONDecodeError as exc:
        reason = f"not JSON: {exc}"
    except ValueError as exc:  # JSON, but off the contract (contracts.md §2)
        reason = str(exc)
    # a downstream consumer skips what is no alert, and says so
    log.warning("skipped %s[%d]@%d: not an alert (%s)", message.topic,
                message.partition, message.offset, reason)
    return None


def alert_filter(
    sellers: Iterable[str] = (), min_severity: str | None = None
) -> Callable[[dict[str, Any]], bool]:
    """Whether an alert is at one of ``sellers`` (any, if none) and of ``min_severity`` or up.

    Raises:
        ValueError: for a severity not in ``schemas.alert.SEVERITIES``.

    """
    wanted = frozenset(sellers)
    if min_severity is not None and min_severity not in SEVERITY_RANK:
        raise ValueError(f"unknown severity {min_severity!r}")
    floor = SEVERITY_RANK[min_severity] if min_severity else 0

    def keep(alert: dict[str, Any]) -> bool:
        if wanted and alert.get("seller_id") not in wanted:
            return False
        return SEVERITY_RANK.get(alert.get("severity", ""), -1) >= floor

    return keep


SEVERITY_MARK = {"info": " ", "low": "·", "medium": "!", "high": "!!", "critical": "!!!"}


def format_alert(alert: dict[str, Any], *, who: bool = False) -> str:
    """One line per alert for a terminal: severity, rule, explanation.

    With ``who``, the line starts with the alert's event time, seller and buyers, for a
    stream of several sellers' alerts.
    """
    mark = SEVERITY_MARK.get(alert.get("severity", ""), "?")
    line = (f"{mark:>3} {alert.get('severity', '?'):<8} {alert.get('rule_id', '?'):<20} "
            f"{alert.get('explanation', '')}")
    if not who:
        return line
    buyers = alert.get("buyer_ids") or []
    shown = ",".join(map(str, buyers[:3])) + (f" +{len(buyers) - 3}" if len(buyers) > 3 else "")
    return f"{alert.get('occurred_at', '?')}  {alert.get('seller_id', '?')}  {shown}  {line}"
