"""Topic administration with kafka-python: create the pipeline's topics before anyone uses them."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from streams import topics
from streams.errors import OrderguardError
from streams.kafka_security import REFUSALS, KafkaSecurity, client_options

PUBLIC_TOPICS = (topics.EVENTS, topics.ALERTS, topics.DEADLETTER, topics.SUPPRESSED, topics.LISTS)
_BIG = {"max.message.bytes": str(topics.MAX_MESSAGE_BYTES)}
log = logging.getLogger("orderguard.topics")


class BrokerUnavailable(OrderguardError):  # noqa: N818
    """No Kafka broker answered at the configured address."""


def broker_answers(bootstrap: str, timeout_s: float = 2.0) -> bool:
    """Whether any bootstrap address accepts a TCP connection within ``timeout_s``.

    A quick check before a client that would wait about 30 s for a broker that is not there.
    """
    for address in bootstrap.split(","):
        try:
            with socket.create_connection(host_port(address), timeout=timeout_s):
                return True
        except (OSError, ValueError):
            continue
    return False


def host_port(address: str, default_port: int = 9092) -> tuple[str, int]:
    """``host:port`` as Kafka's clients read it, as a (host, port) pair.

    ``localhost`` alone is port 9092; an IPv6 address is ``[::1]:9092`` (or bare, with no
    port).

    Raises:
        ValueError: a port that is no number.

    """
    address = address.strip()
    if address.startswith("["):  # [::1]:9092
        host, _, rest = address[1:].partition("]")
        return host, int(rest.removeprefix(":") or default_port)
    if address.count(":") == 1:
        host, _, port = address.partition(":")
        return host or "localhost", int(port)
    return address or "localhost", default_port  # no port, or a bare IPv6 address


def wait_for_broker(
    bootstrap: str,
    limit_s: float | None,
    say: Callable[[str], None],
    *,
    every_s: float = 15.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Wait until something accepts connections at ``bootstrap``, saying so now and then.

    For the worker, a service: started before its broker (a machine's boot, a cluster's
    restart), it waits for it instead of exiting.

    Args:
        bootstrap: the bootstrap servers.
        limit_s: give up after this many seconds; ``None`` waits as long as it takes.
        say: where the waiting is reported, at once and then every ``every_s`` seconds.
        every_s: how often a wait is reported.
        clock: monotonic seconds (tests pass their own).
        sleep: how a second between tries is spent (tests pass their own).

    Raises:
        BrokerUnavailable: still no broker after ``limit_s``.

    """
    started = clock()
    report_at = 0.0
    while not broker_answers(bootstrap):
        waited = clock() - started
        if limit_s is not None and waited >= limit_s:
            raise broker_unavailable(
                bootstrap, f"gave up after {waited:.0f} s, ORDERGUARD_KAFKA_WAIT_S")
        if waited >= report_at:
            say(f"waiting for a Kafka broker at {bootstrap} ({waited:.0f} s so far; start one "
                "with `make kafka-up`, or set ORDERGUARD_KAFKA)")
            report_at += every_s
        sleep(1.0)


def admin_client(bootstrap: str) -> KafkaAdminClient:
    """Connect an admin client (kafka-python retries the bootstrap for about 30 s)."""
    try:
        return KafkaAdminClient(bootstrap_servers=bootstrap, client_id="orderguard-admin",
                                **client_options())
    except KafkaError as exc:
        raise broker_unavailable(bootstrap, exc) from None


def broker_unavailable(bootstrap: str, exc: BaseException | str) -> BrokerUnavailable:
    """The error to raise when no broker answered at ``bootstrap`` (kafka-python's, or why).

    When kafka-python's bootstrap failed because the broker refused the client (a wrong
    password, an untrusted certificate: see :class:`~streams.kafka_security.RefusalLog`),
    the error says that instead.
    """
    refused, REFUSALS.last = REFUSALS.last, None
    if refused and not isinstance(exc, str):
        return _refused(bootstrap, KafkaSecurity.from_env(), refused)
    why = exc if isinstance(exc, str) else type(exc).__name__
    if not isinstance(exc, str) and broker_answers(bootstrap):
        # something listens, but no Kafka answered the client as it connected
        security = KafkaSecurity.from_env()
        hint = ("if the cluster wants TLS or a SASL user, set "
                "ORDERGUARD_KAFKA_SECURITY_PROTOCOL (and its companions)"
                if security.protocol == "PLAINTEXT" else
                f"is {security.protocol} what this listener speaks? "
                "(ORDERGUARD_KAFKA_SECURITY_PROTOCOL)")
        return BrokerUnavailable(
            f"something accepts connections at {bootstrap}, but no Kafka broker answered a "
            f"{security.protocol} client there ({why}); {hint}")
    return BrokerUnavailable(
        f"no Kafka broker answers at {bootstrap} ({why}); start one with "
        "`make kafka-up`, or set ORDERGUARD_KAFKA"
    )


def require_broker(bootstrap: str) -> None:
    """Fail at once when nothing accepts a connection at ``bootstrap``.

    For commands a user waits on: kafka-python would retry its bootstrap for about 30 s
    before saying what this says in 2 s at most.

    Raises:
        BrokerUnavailable: no address of ``bootstrap`` accepts a TCP connection.

    """
    if not broker_answers(bootstrap):
        raise broker_unavailable(bootstrap, "nothing accepts connections there")
    check_login(bootstrap)


def check_login(bootstrap: str, timeout_s: float = 10.0, drops: int = 5) -> None:
    """Fail at once when the broker refuses the client's user or the client its certificate.

    kafka-python would retry a refused login for its whole bootstrap timeout (30 s) before
    an error that does not say why. A probe bootstraps in a thread; the first refusal it
    meets ends the wait. A broker may close a refused login's connection before the client
    reads why, so with a SASL user, ``drops`` connections closed in a row after the login
    count as a refusal too. A bootstrap that is merely slow is left to the clients after it.

    Raises:
        BrokerUnavailable: the broker refused the login, or the client the broker.

    """
    from kafka import KafkaConsumer

    security = KafkaSecurity.from_env()
    if security.protocol == "PLAINTEXT":
        return  # no login to refuse
    options = security.client_options()
    REFUSALS.reset()
    done, logged_in = threading.Event(), threading.Event()

    def probe() -> None:
        try:
            KafkaConsumer(bootstrap_servers=bootstrap,
                          bootstrap_timeout_ms=int(timeout_s * 1000), **options).close()
            logged_in.set()
        except KafkaError:
            pass  # a refusal was heard, or the clients after this will say what went wrong
        finally:
            done.set()

    threading.Thread(target=probe, name="orderguard-login-check", daemon=True).start()
    while not (done.wait(0.05) or REFUSALS.heard.is_set()
               or (security.sasl and REFUSALS.dropped >= drops)):
        pass
    refused, dropped = REFUSALS.last, REFUSALS.dropped
    REFUSALS.reset()
    if refused:
        raise _refused(bootstrap, security, refused)
    if security.sasl and dropped >= drops and not logged_in.is_set():
        raise _refused(bootstrap, security, f"the broker closed {dropped} connections in a "
                       "row right after the login: a wrong user, password or mechanism?",
                       login=True)


def _refused(bootstrap: str, security: KafkaSecurity, refused: str, *,
             login: bool | None = None) -> BrokerUnavailable:
    """The error for a login the broker refused, or a broker the client did not trust.

    ``login``: whether the SASL login failed (rather than TLS); by default, as ``refused``
    reads.
    """
    login = "Authentication" in refused if login is None else login
    check = ("ORDERGUARD_KAFKA_SASL_MECHANISM, _USERNAME and _PASSWORD" if login
             else "ORDERGUARD_KAFKA_CA_FILE, _CERT_FILE and _KEY_FILE")
    return BrokerUnavailable(f"cannot connect to Kafka at {bootstrap} "
                             f"({security.describe()}): {refused}; "
                             f"check {check}")


def topic_specs(app_id: str, partitions: int) -> list[NewTopic]:
    """The public topics and ``app_id``'s internal ones, with their partitions and configs."""
    one_partition = {topics.LISTS, topics.deliveries(app_id)}
    configs = {
        topics.EVENTS: _BIG,
        topics.DEADLETTER: _BIG,
        topics.deliveries(app_id): _BIG,
        topics.LISTS: {"cleanup.policy": "compact"},
    }
    return [
        NewTopic(name, num_partitions=1 if name in one_partition else partitions,
                 replication_factor=1, topic_configs=configs.get(name, {}))
        for name in (*PUBLIC_TOPICS, *topics.internal(app_id))
    ]


def ensure_topics(bootstrap: str, partitions: int, app_id: str = "orderguard") -> None:
    """Create the topics that do not exist yet (replication factor 1 on a single node)."""
    admin = admin_client(bootstrap)
    try:
        existing = set(admin.list_topics())
        for spec in topic_specs(app_id, partitions):
            if spec.name in existing:
                continue
            try:
                admin.create_topics([spec])
            except TopicAlreadyExistsError:
                pass  # another worker created it first
        if topics.LISTS in existing:
            compact_lists(admin)
    finally:
        admin.close()


def compact_lists(admin: KafkaAdminClient, name: str = topics.LISTS) -> bool:
    """Make the lists topic (``name``) compacted if it is not; whether it had to be.

    A client that reads or writes ``orderguard.lists`` before orderguard creates it may
    have the broker create it with its defaults: a topic that deletes records after the
    retention period (a week by default), and so every list entry older than that.
    """
    resource = ConfigResource(ConfigResourceType.TOPIC, name)
    found = admin.describe_configs([resource]).get("topic", {}).get(name, {})
    policy = (found.get("cleanup.policy") or {}).get("value") or "delete"
    if "compact" in policy:
        return False
    admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name,
                                        configs={"cleanup.policy": "compact"})])
    log.warning("%s deleted old records (cleanup.policy=%s, created with the broker's "
                "defaults?): it is now compacted, so list entries stay until removed",
                name, policy)
    return True
