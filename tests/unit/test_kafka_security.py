"""The Kafka security settings: what is accepted, what is refused and why, what clients get."""

from __future__ import annotations

import logging
import ssl

import pytest

from streams.errors import ConfigError
from streams.kafka_security import KafkaSecurity, RefusalLog
from streams.settings import Settings

SASL = {"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "ORDERGUARD_KAFKA_USERNAME": "u",
        "ORDERGUARD_KAFKA_PASSWORD": "p"}


@pytest.mark.parametrize(("env", "options"), [
    ({}, {}),
    ({"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "plaintext"}, {}),
    ({**SASL, "ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"},
     {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "PLAIN",
      "sasl_plain_username": "u", "sasl_plain_password": "p"}),
    ({**SASL, "ORDERGUARD_KAFKA_SASL_MECHANISM": "scram-sha-512"},
     {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512",
      "sasl_plain_username": "u", "sasl_plain_password": "p", "ssl_context": ssl.SSLContext}),
    ({"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SSL"},
     {"security_protocol": "SSL", "ssl_context": ssl.SSLContext}),
])
def test_clients_get_the_options_the_settings_say(env, options):
    got = KafkaSecurity.from_env(env).client_options()
    assert got.keys() == options.keys()
    for key, want in options.items():
        assert isinstance(got[key], want) if isinstance(want, type) else got[key] == want


def test_tls_verifies_the_broker_against_the_ca_file_given(tmp_path):
    context = KafkaSecurity.from_env({"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SSL"}).ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate\n")
    with pytest.raises(ConfigError, match=f"ORDERGUARD_KAFKA_CA_FILE {bad}: cannot use it"):
        KafkaSecurity.from_env({"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SSL",
                                "ORDERGUARD_KAFKA_CA_FILE": str(bad)})
    with pytest.raises(ConfigError, match="cannot use it"):
        KafkaSecurity.from_env({"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SSL",
                                "ORDERGUARD_KAFKA_CA_FILE": str(tmp_path / "missing.pem")})


@pytest.mark.parametrize(("env", "refusal"), [
    ({"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "TLS"},
     "ORDERGUARD_KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, "
     "SASL_SSL, not 'TLS'"),
    ({**SASL, "ORDERGUARD_KAFKA_SASL_MECHANISM": "GSSAPI"},
     "ORDERGUARD_KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, "
     "not 'GSSAPI'"),
    ({**SASL, "ORDERGUARD_KAFKA_PASSWORD": ""},
     "ORDERGUARD_KAFKA_SECURITY_PROTOCOL=SASL_SSL needs ORDERGUARD_KAFKA_USERNAME and "
     "ORDERGUARD_KAFKA_PASSWORD"),
    ({**SASL, "ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SSL"},
     "ORDERGUARD_KAFKA_USERNAME/PASSWORD are set but ORDERGUARD_KAFKA_SECURITY_PROTOCOL is "
     "SSL, which sends no user: set it to SASL_SSL (or SASL_PLAINTEXT)"),
    ({"ORDERGUARD_KAFKA_CA_FILE": "/etc/ca.pem"},
     "ORDERGUARD_KAFKA_CA_FILE is set but ORDERGUARD_KAFKA_SECURITY_PROTOCOL is PLAINTEXT, "
     "without TLS: set it to SSL or SASL_SSL"),
    ({**SASL, "ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
      "ORDERGUARD_KAFKA_CERT_FILE": "c.pem", "ORDERGUARD_KAFKA_KEY_FILE": "c.key"},
     "ORDERGUARD_KAFKA_CERT_FILE is set but ORDERGUARD_KAFKA_SECURITY_PROTOCOL is "
     "SASL_PLAINTEXT, without TLS: set it to SSL or SASL_SSL"),
    ({"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SSL", "ORDERGUARD_KAFKA_CERT_FILE": "c.pem"},
     "ORDERGUARD_KAFKA_CERT_FILE and ORDERGUARD_KAFKA_KEY_FILE go together: the client's "
     "certificate and its private key"),
])
def test_settings_that_cannot_work_are_refused_with_the_reason(env, refusal):
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)  # every command reads them at its start
    assert str(raised.value) == refusal


def test_no_secret_is_in_the_description_or_the_settings_repr():
    env = {**SASL, "ORDERGUARD_KAFKA_PASSWORD": "hunter2", "ORDERGUARD_SQL_TOKEN": "tok3n",
           "ORDERGUARD_SHOPIFY_SECRET": "shhh"}
    assert KafkaSecurity.from_env(env).describe() == "SASL_SSL PLAIN as u"
    shown = repr(Settings.from_env(env))
    assert "username='u'" in shown
    assert not {"hunter2", "tok3n", "shhh"} & set(shown.replace("'", " ").split())


@pytest.mark.parametrize(("message", "kept"), [
    ("Bootstrap connection to bootstrap-0 failed: [Error 58] SaslAuthenticationFailedError: "
     "SaslAuthenticationFailedError: Authentication failed: Invalid username or password "
     "(backoff 0.10 secs)", "Authentication failed: Invalid username or password"),
    ("Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: Handshake failed: "
     "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate "
     "(_ssl.c:1006) (backoff 0.08 secs)",
     "Handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
     "self-signed certificate (_ssl.c:1006)"),
    # the same refusal, as the connection reports it (it may come before the bootstrap's)
    ("<KafkaConnection node_id=bootstrap-0 broker_version=(4, 1) (disconnected)>: Connection "
     "lost: [Error 58] SaslAuthenticationFailedError: SaslAuthenticationFailedError: "
     "Authentication failed during authentication due to invalid credentials with SASL "
     "mechanism SCRAM-SHA-256",
     "Authentication failed during authentication due to invalid credentials with SASL "
     "mechanism SCRAM-SHA-256"),
    ("<KafkaTCPTransport [127.0.0.1:9094<-56498]>: Abort ([Error 58] "
     "SaslAuthenticationFailedError: SaslAuthenticationFailedError: Authentication failed: "
     "Invalid username or password)", "Authentication failed: Invalid username or password"),
    ("Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: [SSL: "
     "SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate (_ssl.c:2580) (backoff 0.05 "
     "secs)", "[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate (_ssl.c:2580)"),
    # a broker that is down or restarting is no refusal
    ("Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: socket disconnected "
     "(backoff 0.05 secs)", None),
    ("Bootstrap bootstrap-0 not ready; waiting 0.05 secs", None),
    ("Sending username and password in the clear", None),
])
def test_the_refusal_log_keeps_why_a_login_failed(message, kept):
    log = RefusalLog()
    log.handle(logging.LogRecord("kafka.net.manager", logging.WARNING, __file__, 1, message,
                                 None, None))
    assert log.last == kept


def test_a_client_certificate_that_cannot_be_loaded_is_refused(tmp_path):
    (tmp_path / "c.pem").write_text("no certificate\n")
    (tmp_path / "c.key").write_text("no key\n")
    with pytest.raises(ConfigError, match="cannot use them as the client's certificate and key"):
        KafkaSecurity.from_env({"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SSL",
                                "ORDERGUARD_KAFKA_CERT_FILE": str(tmp_path / "c.pem"),
                                "ORDERGUARD_KAFKA_KEY_FILE": str(tmp_path / "c.key")})


def test_connections_closed_without_a_word_are_counted_not_taken_for_a_reason():
    log = RefusalLog()
    for _ in range(2):
        log.handle(logging.LogRecord(
            "kafka.net.manager", logging.WARNING, __file__, 1, "Bootstrap connection to "
            "bootstrap-0 failed: KafkaConnectionError: socket disconnected (backoff 0.1 secs)",
            None, None))
    assert (log.dropped, log.last, log.heard.is_set()) == (2, None, False)
    log.reset()
    assert log.dropped == 0


def test_an_encrypted_client_key_opens_with_its_password_only(tmp_path):
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make an encrypted key with")
    cert, key = tmp_path / "client.pem", tmp_path / "client.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-keyout", str(key),
                    "-out", str(cert), "-subj", "/CN=orderguard-test", "-days", "1",
                    "-passout", "pass:k3y"], check=True, capture_output=True)
    env = {"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SSL", "ORDERGUARD_KAFKA_CERT_FILE": str(cert),
           "ORDERGUARD_KAFKA_KEY_FILE": str(key)}
    with pytest.raises(ConfigError, match="^ORDERGUARD_KAFKA_KEY_FILE is encrypted: set "
                                          "ORDERGUARD_KAFKA_KEY_PASSWORD$"):
        KafkaSecurity.from_env(env)
    with pytest.raises(ConfigError, match="a wrong ORDERGUARD_KAFKA_KEY_PASSWORD"):
        KafkaSecurity.from_env({**env, "ORDERGUARD_KAFKA_KEY_PASSWORD": "not-it"})
    security = KafkaSecurity.from_env({**env, "ORDERGUARD_KAFKA_KEY_PASSWORD": "k3y"})
    assert isinstance(security.client_options()["ssl_context"], ssl.SSLContext)
    assert "k3y" not in repr(security)
    with pytest.raises(ConfigError, match="no ORDERGUARD_KAFKA_KEY_FILE for it to open"):
        KafkaSecurity.from_env({"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SSL",
                                "ORDERGUARD_KAFKA_KEY_PASSWORD": "k3y"})
