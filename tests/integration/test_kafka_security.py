"""SASL and TLS against a real broker: tools/kafka/kafka.sh's SASL and SASL_SSL listeners.

A worker, `produce` and `alerts` each log in with a different mechanism; a wrong password
and an untrusted certificate are one clear line each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from streams.kafka_admin import broker_answers
from tests.factories import T0
from tests.integration.conftest import ROOT, sql, start_worker, wait_for
from tests.integration.helpers import nonpayer, post

USER, PASSWORD = "orderguard", "orderguard-secret"  # kafka.sh's local test user


@pytest.fixture(scope="module")
def listeners(broker: str) -> dict[str, str]:
    """The broker's SASL_PLAINTEXT, SASL_SSL, SSL and MTLS addresses; SCRAM users made."""
    from kafka import KafkaAdminClient
    from kafka.admin import ScramMechanism, UserScramCredentialUpsertion

    host, _, port = broker.rpartition(":")
    found = {
        "SASL_PLAINTEXT": f"{host}:{os.environ.get('KAFKA_SASL_PORT', int(port) + 2)}",
        "SASL_SSL": f"{host}:{os.environ.get('KAFKA_SASL_SSL_PORT', int(port) + 3)}",
        "SSL": f"{host}:{os.environ.get('KAFKA_SSL_PORT', int(port) + 4)}",
    }
    mtls = f"{host}:{os.environ.get('KAFKA_MTLS_PORT', int(port) + 5)}"
    if not all(broker_answers(address) for address in found.values()):
        pytest.skip(f"the broker at {broker} has no SASL and TLS listeners at {found} "
                    "(tools/kafka/kafka.sh starts them)")
    if broker_answers(mtls):  # only when kafka.sh found openssl to make a client certificate
        found["MTLS"] = mtls
    admin = KafkaAdminClient(bootstrap_servers=broker)
    try:
        for mechanism in (ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512):
            answer = admin.alter_user_scram_credentials(
                [UserScramCredentialUpsertion(USER, mechanism, PASSWORD)])
            assert answer == {USER: None}, answer
    finally:
        admin.close()
    return found


@pytest.fixture(scope="module")
def ca_file() -> Path:
    path = Path(os.environ.get("KAFKA_HOME", ROOT / ".kafka")) / "tls" / "ca.pem"
    if not path.exists():
        pytest.skip(f"no {path}: the broker's certificate is not kafka.sh's")
    return path


def _security(address: str, protocol: str, mechanism: str | None, password: str = PASSWORD,
              ca: Path | None = None) -> dict[str, str]:
    user = {"ORDERGUARD_KAFKA_SASL_MECHANISM": mechanism, "ORDERGUARD_KAFKA_USERNAME": USER,
            "ORDERGUARD_KAFKA_PASSWORD": password} if mechanism else {}
    return {"ORDERGUARD_KAFKA": address, "ORDERGUARD_KAFKA_SECURITY_PROTOCOL": protocol, **user,
            **({"ORDERGUARD_KAFKA_CA_FILE": str(ca)} if ca else {})}


def _cli(env: dict[str, str], *args: str, check: bool = True,
         stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], input=stdin,
                          env={**os.environ, **env}, capture_output=True, timeout=180,
                          check=check)


@pytest.mark.parametrize(("protocol", "mechanism"), [("SASL_SSL", "SCRAM-SHA-512"),
                                                     ("SSL", None)])
def test_a_worker_and_the_commands_run_over_sasl_and_tls(
        listeners, ca_file, tmp_path, run_id, protocol, mechanism):
    worker = start_worker(
        listeners[protocol], tmp_path / "w", f"og-sasl-{run_id}",
        **_security(listeners[protocol], protocol, mechanism, ca=ca_file))
    try:
        buyer = f"sasl-{run_id}"
        events = nonpayer(buyer, T0, run_id)
        # half through the worker's webhook ingest, half through `orderguard produce`
        half = len(events) // 2
        assert post(worker.url, events[:half]) == (202, {"accepted": half})
        lines = b"".join(orjson.dumps(e) + b"\n" for e in events[half:])
        sent = _cli(_security(listeners["SASL_PLAINTEXT"], "SASL_PLAINTEXT", "SCRAM-SHA-256"),
                    "produce", "-", stdin=lines)
        assert f"{len(events) - half}".encode() in sent.stdout + sent.stderr

        reader = _security(listeners["SASL_SSL"], "SASL_SSL", "PLAIN", ca=ca_file)

        def alerted() -> list[dict]:
            out = _cli(reader, "alerts").stdout.decode()
            return [a for a in map(orjson.loads, out.splitlines()) if buyer in a["buyer_ids"]]

        found = wait_for(alerted, timeout_s=120, interval=2, what="the buyer's alert")
        assert {a["rule_id"] for a in found} == {"nonpayment_burst"}
        wait_for(lambda: sql(worker, f"SELECT count(*) FROM events WHERE event_id LIKE "
                                     f"'{run_id}%'")[0][0] == len(events),
                 timeout_s=120, what="the events stored")
        # the broker probe and the lists' consumer log in too
        wait_for(lambda: (lambda h: h["status"] == "ok" and h["kafka"]["reachable"]
                          and h["lists"]["caught_up"])(orjson.loads(_get(worker.url + "/health"))),
                 timeout_s=60, what="a healthy worker")
    finally:
        worker.stop()


def _get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the worker
        return response.read()


def test_a_wrong_password_is_one_line_that_says_so(listeners):
    started = time.monotonic()
    result = _cli(_security(listeners["SASL_PLAINTEXT"], "SASL_PLAINTEXT", "PLAIN",
                            password="not-it"), "block", "list", check=False)
    assert result.returncode == 2
    [line] = result.stderr.decode().splitlines()
    _refused_login(line, listeners["SASL_PLAINTEXT"], "SASL_PLAINTEXT PLAIN",
                   "Authentication failed: Invalid username or password")
    assert time.monotonic() - started < 20  # not kafka-python's 30 s bootstrap timeout


def _refused_login(line: str, address: str, how: str, reason: str) -> None:
    """``line`` is the one-line error for a refused login.

    The broker may close a refused login's connection before the client reads its answer;
    when it does that every time, the error says so instead of the broker's reason.
    """
    head = f"Error: cannot connect to Kafka at {address} ({how} as {USER}): "
    tail = "; check ORDERGUARD_KAFKA_SASL_MECHANISM, _USERNAME and _PASSWORD"
    assert line.startswith(head) and line.endswith(tail), line
    assert line[len(head):-len(tail)] in (
        reason, "the broker closed 5 connections in a row right after the login: a wrong "
                "user, password or mechanism?"), line


def test_a_broker_certificate_nobody_trusts_is_one_line_that_says_so(listeners):
    result = _cli(_security(listeners["SASL_SSL"], "SASL_SSL", "SCRAM-SHA-256"),
                  "block", "list", check=False)
    assert result.returncode == 2
    [line] = result.stderr.decode().splitlines()
    assert line.startswith(f"Error: cannot connect to Kafka at {listeners['SASL_SSL']} "
                           f"(SASL_SSL SCRAM-SHA-256 as {USER}): Handshake failed: ")
    assert line.endswith("; check ORDERGUARD_KAFKA_CA_FILE, _CERT_FILE and _KEY_FILE")
    assert "certificate verify failed" in line


def test_a_worker_with_a_wrong_password_stops_at_once_saying_so(listeners, tmp_path):
    started = time.monotonic()
    env = {**_security(listeners["SASL_PLAINTEXT"], "SASL_PLAINTEXT", "SCRAM-SHA-256",
                       password="not-it"),
           "ORDERGUARD_DUCKDB": str(tmp_path / "og.duckdb"),
           "ORDERGUARD_DATA_DIR": str(tmp_path / "data"), "ORDERGUARD_WEB_PORT": "9"}
    result = _cli(env, "worker", check=False)
    assert result.returncode == 2
    _refused_login(result.stderr.decode().splitlines()[-1], listeners["SASL_PLAINTEXT"],
                   "SASL_PLAINTEXT SCRAM-SHA-256",
                   "Authentication failed during authentication due to invalid credentials "
                   "with SASL mechanism SCRAM-SHA-256")
    assert time.monotonic() - started < 20


def test_a_client_certificate_lets_the_commands_in_where_the_broker_asks_for_one(
        listeners, ca_file, tmp_path, run_id):
    if "MTLS" not in listeners:
        pytest.skip("the broker has no listener that wants a client certificate (no openssl)")
    tls = ca_file.parent
    mutual = {**_security(listeners["MTLS"], "SSL", None, ca=ca_file),
              "ORDERGUARD_KAFKA_CERT_FILE": str(tls / "client.pem"),
              "ORDERGUARD_KAFKA_KEY_FILE": str(tls / "client.key")}
    buyer = f"mtls-{run_id}"
    added = _cli(mutual, "block", "add", buyer, "--reason", "mutual TLS")
    assert f"deny-listed {buyer} at *".encode() in added.stderr
    assert buyer in _cli(mutual, "block", "list").stdout.decode()
    # the same key encrypted, opened with its password
    encrypted = tmp_path / "client-encrypted.key"
    subprocess.run(["openssl", "pkey", "-in", str(tls / "client.key"), "-aes256",
                    "-passout", "pass:k3y", "-out", str(encrypted)], check=True,
                   capture_output=True)
    locked = {**mutual, "ORDERGUARD_KAFKA_KEY_FILE": str(encrypted),
              "ORDERGUARD_KAFKA_KEY_PASSWORD": "k3y"}
    assert buyer in _cli(locked, "block", "list").stdout.decode()
    # the same listener without the certificate: the broker ends the handshake
    result = _cli(_security(listeners["MTLS"], "SSL", None, ca=ca_file), "block", "list",
                  check=False)
    assert result.returncode == 2
    [line] = result.stderr.decode().splitlines()
    assert line.startswith(f"Error: cannot connect to Kafka at {listeners['MTLS']} (SSL): ")
    assert "bad certificate" in line
