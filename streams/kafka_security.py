"""How orderguard's Kafka clients authenticate: TLS and SASL, from the environment.

A managed cluster (Confluent Cloud, Amazon MSK, Aiven, a company's own) wants TLS, a SASL
user, or both. One setting serves every client orderguard opens: the worker's Faust app and
its aiokafka consumers, and the kafka-python clients of the commands.

- ``ORDERGUARD_KAFKA_SECURITY_PROTOCOL``: ``PLAINTEXT`` (default), ``SSL``, ``SASL_PLAINTEXT``
  or ``SASL_SSL``.
- ``ORDERGUARD_KAFKA_SASL_MECHANISM``: ``PLAIN`` (default), ``SCRAM-SHA-256`` or
  ``SCRAM-SHA-512``; with ``ORDERGUARD_KAFKA_USERNAME`` and ``ORDERGUARD_KAFKA_PASSWORD``.
- ``ORDERGUARD_KAFKA_CA_FILE``: PEM certificates to trust for TLS (default: the system's).
- ``ORDERGUARD_KAFKA_CERT_FILE`` and ``ORDERGUARD_KAFKA_KEY_FILE``: the client's own PEM
  certificate and key, for a cluster that authenticates clients by TLS (mutual TLS: Aiven's
  default, Amazon MSK's TLS authentication); ``ORDERGUARD_KAFKA_KEY_PASSWORD`` (or
  ``_FILE``) when the key is encrypted.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.envsecrets import secret
from streams.errors import ConfigError

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


@dataclass(frozen=True)
class KafkaSecurity:
    """The security settings every Kafka client of orderguard uses."""

    protocol: str = "PLAINTEXT"
    mechanism: str = "PLAIN"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    key_password: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KafkaSecurity:
        """Read and check the ``ORDERGUARD_KAFKA_*`` security settings.

        Raises:
            ConfigError: an unknown protocol or mechanism, a SASL protocol without a user,
                a user or a certificate file the protocol would ignore, a certificate without
                its key (or the other way round), a file that cannot be used.

        """
        env = os.environ if environ is None else environ
        protocol = env.get("ORDERGUARD_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").strip().upper()
        mechanism = env.get("ORDERGUARD_KAFKA_SASL_MECHANISM", "PLAIN").strip().upper()
        username = env.get("ORDERGUARD_KAFKA_USERNAME") or None
        password = secret(env, "ORDERGUARD_KAFKA_PASSWORD")
        ca = env.get("ORDERGUARD_KAFKA_CA_FILE") or None
        if protocol not in PROTOCOLS:
            raise ConfigError(f"ORDERGUARD_KAFKA_SECURITY_PROTOCOL must be one of "
                              f"{', '.join(PROTOCOLS)}, not {protocol!r}")
        if mechanism not in MECHANISMS:
            raise ConfigError(f"ORDERGUARD_KAFKA_SASL_MECHANISM must be one of "
                              f"{', '.join(MECHANISMS)}, not {mechanism!r}")
        sasl = protocol.startswith("SASL_")
        if sasl and not (username and password):
            raise ConfigError(f"ORDERGUARD_KAFKA_SECURITY_PROTOCOL={protocol} needs "
                              "ORDERGUARD_KAFKA_USERNAME and ORDERGUARD_KAFKA_PASSWORD")
        if not sasl and (username or password):
            raise ConfigError("ORDERGUARD_KAFKA_USERNAME/PASSWORD are set but "
                              f"ORDERGUARD_KAFKA_SECURITY_PROTOCOL is {protocol}, which sends "
                              "no user: set it to SASL_SSL (or SASL_PLAINTEXT)")
        cert = env.get("ORDERGUARD_KAFKA_CERT_FILE") or None
        key = env.get("ORDERGUARD_KAFKA_KEY_FILE") or None
        for name, value in (("CA_FILE", ca), ("CERT_FILE", cert), ("KEY_FILE", key)):
            if value and not protocol.endswith("SSL"):
                raise ConfigError(f"ORDERGUARD_KAFKA_{name} is set but "
                                  f"ORDERGUARD_KAFKA_SECURITY_PROTOCOL is {protocol}, without "
                                  "TLS: set it to SSL or SASL_SSL")
        if bool(cert) != bool(key):
            raise ConfigError("ORDERGUARD_KAFKA_CERT_FILE and ORDERGUARD_KAFKA_KEY_FILE go "
                              "together: the client's certificate and its private key")
        key_password = secret(env, "ORDERGUARD_KAFKA_KEY_PASSWORD")
        if key_password and not key:
            raise ConfigError("ORDERGUARD_KAFKA_KEY_PASSWORD is set but there is no "
                              "ORDERGUARD_KAFKA_KEY_FILE for it to open")
        security = cls(protocol, mechanism, username, password,
                       ca_file=Path(ca) if ca else None, cert_file=Path(cert) if cert else None,
                       key_file=Path(key) if key else None, key_password=key_password)
        security.ssl_context()  # a CA file that cannot be used fails here, once, clearly
        return security

    @property
    def tls(self) -> bool:
        """Whether connections are encrypted."""
        return self.protocol.endswith("SSL")

    @property
    def sasl(self) -> bool:
        """Whether clients log in with a SASL user."""
        return self.protocol.startswith("SASL_")

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context clients connect with (verifying the broker), if TLS is on.

        Built once per settings value and shared by its clients.

        Raises:
            ConfigError: the CA file is missing or holds no usable certificate.

        """
        return self._context

    @functools.cached_property
    def _context(self) -> ssl.SSLContext | None:
        if not self.tls:
            return None
        try:
            context = ssl.create_default_context(
                cafile=str(self.ca_file) if self.ca_file else None)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"ORDERGUARD_KAFKA_CA_FILE {self.ca_file}: cannot use it as "
                              f"certificates to trust ({exc})") from None
        if self.cert_file and self.key_file:
            try:
                context.load_cert_chain(str(self.cert_file), str(self.key_file),
                                        password=self.key_password or _no_password)
            except (OSError, ssl.SSLError) as exc:
                hint = "; a wrong ORDERGUARD_KAFKA_KEY_PASSWORD?" if self.key_password else ""
                raise ConfigError(f"ORDERGUARD_KAFKA_CERT_FILE {self.cert_file} and _KEY_FILE "
                                  f"{self.key_file}: cannot use them as the client's "
                                  f"certificate and key ({exc}{hint})") from None
        return context

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python's and aiokafka's clients (the same names)."""
        if self.protocol == "PLAINTEXT":
            return {}
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.tls:
            options["ssl_context"] = self.ssl_context()
        if self.sasl:
            options.update(sasl_mechanism=self.mechanism, sasl_plain_username=self.username,
                           sasl_plain_password=self.password)
        return options

    def describe(self) -> str:
        """How clients connect, for logs and errors (no password)."""
        if self.sasl:
            return f"{self.protocol} {self.mechanism} as {self.username}"
        if self.cert_file:
            return f"{self.protocol} with the certificate {self.cert_file}"
        return self.protocol


def _no_password() -> str:
    """What an encrypted key gets without ORDERGUARD_KAFKA_KEY_PASSWORD (not a prompt)."""
    raise ConfigError("ORDERGUARD_KAFKA_KEY_FILE is encrypted: set ORDERGUARD_KAFKA_KEY_PASSWORD")


def client_options() -> dict[str, Any]:
    """The clients' security arguments, from the environment (see the module's docstring)."""
    return KafkaSecurity.from_env().client_options()


# kafka-python logs why a connection failed (at the connection, at the bootstrap, in whichever
# order the broker's close and its answer arrive), then raises only "Unable to bootstrap"
_REFUSAL = re.compile(r"Authentication failed|Handshake failed|\[SSL: ")
_BACKOFF = re.compile(r" \(backoff [^)]*\)$")
# a broker may also close a refused login's connection before its answer is read
_DROPPED = re.compile(r"Bootstrap connection to \S+ failed: KafkaConnectionError: socket "
                      r"disconnected")


def refusal(message: str) -> str | None:
    """Why a kafka-python log line says the broker refused the client, or it the broker."""
    found = _REFUSAL.search(message)
    if not found:
        return None
    why = _BACKOFF.sub("", message[found.start():])
    while why.endswith(")") and why.count(")") > why.count("("):  # "Abort (...)"
        why = why[:-1]
    return why


class RefusalLog(logging.Handler):
    """Remembers the last reason kafka-python gave for a refused bootstrap connection.

    A wrong password or an untrusted certificate otherwise ends in kafka-python's "Unable
    to bootstrap", which reads like a broker that is not there.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.last: str | None = None
        self.dropped = 0  # bootstrap connections the broker closed without a word
        self.heard = threading.Event()  # set at each refusal kept

    def reset(self) -> None:
        """Forget what was heard (before a new check)."""
        self.last, self.dropped = None, 0
        self.heard.clear()

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the reason of a failed connection when it is a refusal."""
        message = record.getMessage()
        why = refusal(message)
        if why:
            self.last = why
            self.heard.set()
        elif _DROPPED.search(message):
            self.dropped += 1


# on kafka-python's own logger, from the first import on: a refusal must be heard while the
# client that meets it runs, before anyone knows an error will need it
REFUSALS = RefusalLog()
logging.getLogger("kafka").addHandler(REFUSALS)
