"""One settings object, built from an injected environment (never read at import time)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from streams.envsecrets import secret
from streams.errors import ConfigError
from streams.kafka_security import KafkaSecurity

PLATFORM_SECRETS = ("shopify", "stripe", "woocommerce", "taobao", "aliexpress", "generic")


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    value = _int(environ, name, default)
    if value < 0:
        raise ConfigError(f"{name} must be 0 or more, got {value}")
    return value


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise ConfigError(f"{name} must be a number of seconds above 0, got {raw}")
    return value


def _choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (the first by default)."""
    raw = environ.get(name) or choices[0]
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off")


def _switch(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """A yes/no setting: 1, true, yes, on or 0, false, no, off (any case)."""
    raw = (environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in YES + NO:
        raise ConfigError(f"{name} must be 1 or 0 (or true/false, yes/no, on/off), got "
                          f"{environ[name]!r}")
    return raw in YES


def _secrets(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated secrets (two during a rotation), or from the file ``name_FILE``."""
    return tuple(s.strip() for s in (secret(environ, name) or "").split(",") if s.strip())


@dataclass(frozen=True)
class Settings:
    """Everything a worker, the CLI and the tests need to know about their environment."""

    kafka: str = "localhost:9092"
    duckdb: Path = Path("orderguard.duckdb")
    app_id: str = "orderguard"
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    partitions: int = 4
    rules: Path | None = None
    data_dir: Path = Path(".orderguard")
    sink_enabled: bool = True
    sink_batch: int = 5000
    sink_interval_ms: int = 200
    sql_token: str | None = field(default=None, repr=False)
    sql_max_rows: int = 100_000
    sql_timeout_s: float = 30.0
    session_timeout_s: int = 30
    table_store: str = "bytes"
    standby_replicas: int = 1
    ack_timeout_s: float = 4.0
    spool_mb: int = 512
    kafka_wait_s: float | None = None
    retention_days: int = 0
    kafka_security: KafkaSecurity = field(default_factory=KafkaSecurity)
    secrets: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``ORDERGUARD_*`` variables (``os.environ`` by default)."""
        env = os.environ if environ is None else environ
        rules = env.get("ORDERGUARD_RULES")
        token = secret(env, "ORDERGUARD_SQL_TOKEN")
        web_host = env.get("ORDERGUARD_WEB_HOST", "127.0.0.1")
        if web_host not in ("127.0.0.1", "localhost", "::1") and not token:
            raise ConfigError(
                "ORDERGUARD_WEB_HOST is not a loopback address: set ORDERGUARD_SQL_TOKEN so the "
                "/sql endpoint is not open to the network"
            )
        return cls(
            kafka=env.get("ORDERGUARD_KAFKA", "").strip() or "localhost:9092",
            duckdb=Path(env.get("ORDERGUARD_DUCKDB") or "orderguard.duckdb"),
            app_id=env.get("ORDERGUARD_APP_ID", "orderguard"),
            web_host=web_host,
            web_port=_int(env, "ORDERGUARD_WEB_PORT", 6066),
            partitions=_int(env, "ORDERGUARD_PARTITIONS", 4),
            rules=Path(rules) if rules else None,
            data_dir=Path(env.get("ORDERGUARD_DATA_DIR", ".orderguard")),
            sink_enabled=_switch(env, "ORDERGUARD_SINK", default=True),
            sink_batch=_int(env, "ORDERGUARD_SINK_BATCH", 5000),
            sink_interval_ms=_int(env, "ORDERGUARD_SINK_INTERVAL_MS", 200),
            sql_token=token,
            sql_max_rows=_count(env, "ORDERGUARD_SQL_MAX_ROWS", 100_000),
            sql_timeout_s=_seconds(env, "ORDERGUARD_SQL_TIMEOUT_S", 30.0),
            session_timeout_s=_int(env, "ORDERGUARD_SESSION_TIMEOUT_S", 30),
            table_store=_choice(env, "ORDERGUARD_TABLE_STORE", ("bytes", "memory", "rocksdb")),
            standby_replicas=_count(env, "ORDERGUARD_STANDBY_REPLICAS", 1),
            ack_timeout_s=_seconds(env, "ORDERGUARD_ACK_TIMEOUT_S", 4.0),
            spool_mb=_count(env, "ORDERGUARD_SPOOL_MB", 512),
            retention_days=_count(env, "ORDERGUARD_RETENTION_DAYS", 0),
            kafka_security=KafkaSecurity.from_env(env),
            kafka_wait_s=(_seconds(env, "ORDERGUARD_KAFKA_WAIT_S", 0.0)
                          if env.get("ORDERGUARD_KAFKA_WAIT_S") else None),  # unset: no limit
            secrets={
                platform: _secrets(env, f"ORDERGUARD_{platform.upper()}_SECRET")
                for platform in PLATFORM_SECRETS
            },
        )

    @property
    def web_url(self) -> str:
        """Base URL of this worker's HTTP server."""
        host = "127.0.0.1" if self.web_host in ("0.0.0.0", "::") else self.web_host  # noqa: S104
        return f"http://{host}:{self.web_port}"
