import pytest

from streams.errors import ConfigError
from streams.settings import Settings


def test_defaults_follow_the_contract():
    s = Settings.from_env({})
    assert s.kafka == "localhost:9092"
    assert str(s.duckdb) == "orderguard.duckdb"
    assert s.web_host == "127.0.0.1"
    assert s.web_url == "http://127.0.0.1:6066"


def test_environment_overrides_and_rotating_secrets():
    s = Settings.from_env({"ORDERGUARD_KAFKA": "k1:9092,k2:9092", "ORDERGUARD_WEB_PORT": "7000",
                           "ORDERGUARD_SHOPIFY_SECRET": "old, new"})
    assert s.kafka == "k1:9092,k2:9092"
    assert s.web_port == 7000
    assert s.secrets["shopify"] == ("old", "new")


def test_a_non_integer_port_is_a_clear_error():
    with pytest.raises(ConfigError, match="ORDERGUARD_WEB_PORT must be an integer"):
        Settings.from_env({"ORDERGUARD_WEB_PORT": "http"})


def test_listening_beyond_loopback_requires_a_token():
    with pytest.raises(ConfigError, match="ORDERGUARD_SQL_TOKEN"):
        Settings.from_env({"ORDERGUARD_WEB_HOST": "0.0.0.0"})
    assert Settings.from_env({"ORDERGUARD_WEB_HOST": "0.0.0.0",
                              "ORDERGUARD_SQL_TOKEN": "t"}).sql_token == "t"


def test_standby_replicas_default_to_fausts_one_and_reach_the_app():
    import dataclasses

    from streams.app import create_app

    assert Settings.from_env({}).standby_replicas == 1
    settings = Settings.from_env({"ORDERGUARD_STANDBY_REPLICAS": "0"})
    assert settings.standby_replicas == 0
    app = create_app(dataclasses.replace(settings, sink_enabled=False))
    assert app.conf.table_standby_replicas == 0
    with pytest.raises(ConfigError, match="ORDERGUARD_STANDBY_REPLICAS must be 0 or more"):
        Settings.from_env({"ORDERGUARD_STANDBY_REPLICAS": "-1"})


def test_the_sql_row_cap_defaults_to_100000_and_0_lifts_it():
    assert Settings.from_env({}).sql_max_rows == 100_000
    assert Settings.from_env({"ORDERGUARD_SQL_MAX_ROWS": "0"}).sql_max_rows == 0
    with pytest.raises(ConfigError, match="ORDERGUARD_SQL_MAX_ROWS must be 0 or more"):
        Settings.from_env({"ORDERGUARD_SQL_MAX_ROWS": "-1"})


def test_sql_queries_have_30_seconds_by_default():
    assert Settings.from_env({}).sql_timeout_s == 30.0
    assert Settings.from_env({"ORDERGUARD_SQL_TIMEOUT_S": "120"}).sql_timeout_s == 120.0
    with pytest.raises(ConfigError, match="ORDERGUARD_SQL_TIMEOUT_S"):
        Settings.from_env({"ORDERGUARD_SQL_TIMEOUT_S": "0"})


def test_a_worker_waits_for_kafka_without_limit_unless_told():
    assert Settings.from_env({}).kafka_wait_s is None
    assert Settings.from_env({"ORDERGUARD_KAFKA_WAIT_S": "90"}).kafka_wait_s == 90.0
    with pytest.raises(ConfigError, match="ORDERGUARD_KAFKA_WAIT_S"):
        Settings.from_env({"ORDERGUARD_KAFKA_WAIT_S": "soon"})


def test_the_store_keeps_everything_unless_a_retention_is_set():
    assert Settings.from_env({}).retention_days == 0
    assert Settings.from_env({"ORDERGUARD_RETENTION_DAYS": "400"}).retention_days == 400
    with pytest.raises(ConfigError, match="ORDERGUARD_RETENTION_DAYS"):
        Settings.from_env({"ORDERGUARD_RETENTION_DAYS": "-30"})
