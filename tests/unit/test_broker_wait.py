"""The worker's wait for a broker: reported now and then, given up only when told to."""

from __future__ import annotations

import socket

import pytest

from streams.kafka_admin import BrokerUnavailable, wait_for_broker


class Clock:
    """A clock that a second of sleep moves on by a second."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_broker_that_answers_is_not_waited_for():
    said: list[str] = []
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        wait_for_broker(f"127.0.0.1:{port}", 5, said.append, sleep=pytest.fail)
    assert said == []


def test_the_wait_is_reported_at_once_then_every_15_s_and_given_up_at_the_limit():
    clock, said = Clock(), []
    with pytest.raises(BrokerUnavailable) as raised:
        wait_for_broker("127.0.0.1:9", 40, said.append, clock=clock, sleep=clock.sleep)
    assert [line.split(" (")[1].split(";")[0] for line in said] == [
        "0 s so far", "15 s so far", "30 s so far"]
    assert said[0] == ("waiting for a Kafka broker at 127.0.0.1:9 (0 s so far; start one with "
                       "`make kafka-up`, or set ORDERGUARD_KAFKA)")
    assert str(raised.value) == (
        "no Kafka broker answers at 127.0.0.1:9 (gave up after 40 s, ORDERGUARD_KAFKA_WAIT_S); "
        "start one with `make kafka-up`, or set ORDERGUARD_KAFKA")


def test_without_a_limit_the_wait_lasts_until_a_broker_answers(monkeypatch):
    import streams.kafka_admin

    clock, said = Clock(), []
    answers = iter([False] * 100 + [True])  # a broker that comes up after 100 tries
    monkeypatch.setattr(streams.kafka_admin, "broker_answers", lambda bootstrap: next(answers))
    wait_for_broker("kafka:9092", None, said.append, clock=clock, sleep=clock.sleep)
    assert clock.now == 200.0
    assert len(said) == 7  # at 0, 15, ... 90 s


@pytest.mark.parametrize(("address", "expected"), [
    ("localhost:9092", ("localhost", 9092)), ("localhost", ("localhost", 9092)),
    (" kafka-1:19092 ", ("kafka-1", 19092)), (":9093", ("localhost", 9093)),
    ("[::1]:9094", ("::1", 9094)), ("[::1]", ("::1", 9092)), ("::1", ("::1", 9092)),
])
def test_addresses_are_read_as_kafka_s_clients_read_them(address, expected):
    from streams.kafka_admin import host_port

    assert host_port(address) == expected


def test_a_broker_on_ipv6_or_without_a_port_is_found():
    from streams.kafka_admin import broker_answers

    with socket.create_server(("::1", 0), family=socket.AF_INET6) as server:
        port = server.getsockname()[1]
        assert broker_answers(f"[::1]:{port}")
        assert broker_answers(f"localhost:1,[::1]:{port}")  # any of them
    assert not broker_answers("localhost:1")


def test_a_listener_that_is_no_plaintext_broker_is_named_as_such(monkeypatch):
    from kafka.errors import KafkaTimeoutError

    from streams.kafka_admin import broker_unavailable

    for name in ("ORDERGUARD_KAFKA_SECURITY_PROTOCOL", "ORDERGUARD_KAFKA_USERNAME",
                 "ORDERGUARD_KAFKA_PASSWORD", "ORDERGUARD_KAFKA_CA_FILE"):
        monkeypatch.delenv(name, raising=False)
    with socket.create_server(("127.0.0.1", 0)) as server:  # accepts, speaks no Kafka
        address = f"127.0.0.1:{server.getsockname()[1]}"
        said = str(broker_unavailable(address, KafkaTimeoutError("Unable to bootstrap")))
    assert said == (f"something accepts connections at {address}, but no Kafka broker "
                    "answered a PLAINTEXT client there (KafkaTimeoutError); if the cluster "
                    "wants TLS or a SASL user, set ORDERGUARD_KAFKA_SECURITY_PROTOCOL (and its "
                    "companions)")
    assert "start one with `make kafka-up`" in str(
        broker_unavailable("127.0.0.1:1", KafkaTimeoutError("Unable to bootstrap")))
