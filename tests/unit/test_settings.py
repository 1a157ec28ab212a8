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


@pytest.mark.parametrize(("variable", "field", "default", "value", "parsed", "bad", "refusal"), [
    # the /sql row cap: 0 lifts it
    ("ORDERGUARD_SQL_MAX_ROWS", "sql_max_rows", 100_000, "0", 0, "-1",
     "ORDERGUARD_SQL_MAX_ROWS must be 0 or more"),
    # /sql queries have 30 seconds
    ("ORDERGUARD_SQL_TIMEOUT_S", "sql_timeout_s", 30.0, "120", 120.0, "0",
     "ORDERGUARD_SQL_TIMEOUT_S"),
    # a worker waits for Kafka without limit unless told
    ("ORDERGUARD_KAFKA_WAIT_S", "kafka_wait_s", None, "90", 90.0, "soon",
     "ORDERGUARD_KAFKA_WAIT_S"),
    # the store keeps everything unless a retention is set
    ("ORDERGUARD_RETENTION_DAYS", "retention_days", 0, "400", 400, "-30",
     "ORDERGUARD_RETENTION_DAYS"),
    # "off" used to leave the sink on: only 0, false and no turned it off
    ("ORDERGUARD_SINK", "sink_enabled", True, "Off", False, "disabled",
     "ORDERGUARD_SINK must be 1 or 0"),
])
def test_a_setting_has_its_default_takes_a_value_and_refuses_a_bad_one(
        variable, field, default, value, parsed, bad, refusal):
    assert getattr(Settings.from_env({}), field) == default
    assert getattr(Settings.from_env({variable: value}), field) == parsed
    with pytest.raises(ConfigError, match=refusal):
        Settings.from_env({variable: bad})


@pytest.mark.parametrize(("raw", "on"), [
    ("1", True), ("true", True), ("YES", True), (" on ", True), ("", True),
    ("0", False), ("False", False), ("no", False), ("off", False),
])
def test_a_switch_takes_every_usual_spelling(raw, on):
    assert Settings.from_env({"ORDERGUARD_SINK": raw}).sink_enabled is on


@pytest.mark.parametrize(("variable", "read", "needs"), [
    ("ORDERGUARD_SQL_TOKEN", lambda s: s.sql_token, {}),
    ("ORDERGUARD_SHOPIFY_SECRET", lambda s: s.secrets["shopify"], {}),
    ("ORDERGUARD_KAFKA_PASSWORD", lambda s: s.kafka_security.password,
     {"ORDERGUARD_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "ORDERGUARD_KAFKA_USERNAME": "u"}),
])
def test_a_secret_can_come_from_a_file_the_environment_names(tmp_path, variable, read, needs):
    path = tmp_path / "secret"
    rotating = variable.endswith("_SECRET")  # webhook secrets: two during a rotation
    path.write_text("s3cret,old\n" if rotating else "s3cret\n")
    settings = Settings.from_env({**needs, f"{variable}_FILE": str(path)})
    assert read(settings) == (("s3cret", "old") if rotating else "s3cret")
    with pytest.raises(ConfigError, match=f"set {variable} or {variable}_FILE, not both"):
        Settings.from_env({**needs, variable: "x", f"{variable}_FILE": str(path)})
    path.write_text("\n")
    with pytest.raises(ConfigError, match=f"{variable}_FILE {path} is empty"):
        Settings.from_env({**needs, f"{variable}_FILE": str(path)})
    with pytest.raises(ConfigError, match=f"{variable}_FILE {tmp_path / 'none'}: cannot read it"):
        Settings.from_env({**needs, f"{variable}_FILE": str(tmp_path / "none")})
