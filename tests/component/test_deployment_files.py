"""docker-compose.yml and the Makefile describe the same deployment as the code."""

import tomllib
from pathlib import Path

import yaml

from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_compose_runs_single_node_kraft_kafka_and_a_worker():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"kafka", "worker"}
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:4.")
    assert "127.0.0.1:9092:9092" in kafka["ports"]
    kenv = kafka["environment"]
    assert kenv["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert kenv["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert kenv["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    worker = services["worker"]
    assert worker["command"] == ["orderguard", "worker"]
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert worker["restart"] == kafka["restart"] == "unless-stopped"
    assert "127.0.0.1:6066:6066" in worker["ports"]
    wenv = worker["environment"]
    host, port = wenv["ORDERGUARD_KAFKA"].split(":")
    assert host == "kafka" and f"PLAINTEXT://kafka:{port}" in kenv["KAFKA_ADVERTISED_LISTENERS"]
    assert wenv["ORDERGUARD_WEB_PORT"] == "6066"


def _compose_value(value: str, shell: dict[str, str]) -> str:
    """``${VAR}``, ``${VAR:-default}`` and ``${VAR:?message}`` as compose expands them."""
    import re

    def expand(match: re.Match[str]) -> str:
        name, default, required = match.group(1), match.group(2), match.group(3)
        if shell.get(name):
            return shell[name]
        assert required is None, f"compose would refuse to start without {name}"
        return default or ""

    return re.sub(r"\$\{(\w+)(?::-([^}]*)|:\?([^}]*))?\}", expand, str(value))


def test_compose_worker_environment_is_accepted_by_settings():
    worker = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["worker"]
    shell = {"ORDERGUARD_SQL_TOKEN": "s3cret"}  # compose requires it from the user's shell
    env = {k: _compose_value(v, shell) for k, v in worker["environment"].items()}
    settings = Settings.from_env(env)
    assert settings.sql_token == "s3cret"
    assert settings.retention_days == 0  # unless the user's shell sets one
    assert settings.kafka == "kafka:19092"
    assert settings.web_host == "0.0.0.0"
    assert str(settings.duckdb) == "/data/orderguard.duckdb"
    assert settings.table_store == "rocksdb"  # its files on the volume, fast restarts


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme


def test_dockerfile_builds_from_every_file_the_wheel_needs():
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    stages = [i for i, line in enumerate(lines) if line.startswith("FROM ")]
    build = lines[stages[0]:stages[1]]
    copied = {name for line in build if line.startswith("COPY ") for name in line.split()[1:-1]}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {p.split(".")[0] for p in project["tool"]["setuptools"]["packages"]}
    assert {"pyproject.toml", "setup.py", project["project"]["readme"]} <= copied
    assert packages <= copied
    assert lines[-1] == 'CMD ["orderguard", "worker"]'
