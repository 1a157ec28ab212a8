"""Integration fixtures: a real Kafka broker and real worker processes."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from analytics.client import query_worker
from streams.kafka_admin import broker_answers
from streams.supervise import WorkerProcess

BOOTSTRAP = os.environ.get("ORDERGUARD_KAFKA", "localhost:9092")
ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def broker() -> str:
    if not broker_answers(BOOTSTRAP):
        if os.environ.get("ORDERGUARD_REQUIRE_KAFKA") == "1":
            pytest.fail(f"no Kafka broker answers at {BOOTSTRAP} (ORDERGUARD_REQUIRE_KAFKA=1)")
        pytest.skip(f"no Kafka broker at {BOOTSTRAP}; run `make test` to start one")
    return BOOTSTRAP


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[tuple[str, Callable[[str], None]]]:
    """A single-node broker on free ports, with ``kafka("down")`` and ``kafka("up")``.

    Empty, unlike the session's broker: a worker of a new app id has no earlier test's
    events to read first.
    """
    home = tmp_path / "kafka"
    home.mkdir()
    jars = ROOT / ".kafka" / "libs"
    if (jars / ".complete").exists():  # the session broker's jars; else kafka.sh fetches them
        (home / "libs").symlink_to(jars)
    port = free_port()
    # its own data too: make test's broker may have exported KAFKA_DATA (tools/with-kafka.sh)
    env = {**os.environ, "KAFKA_PORT": str(port), "KAFKA_CONTROLLER_PORT": str(free_port()),
           "KAFKA_SASL_PORT": str(free_port()), "KAFKA_SASL_SSL_PORT": str(free_port()),
           "KAFKA_SSL_PORT": str(free_port()),
           "KAFKA_HOME": str(home), "KAFKA_DATA": str(home / "data")}

    def kafka(command: str) -> None:
        subprocess.run(["bash", str(ROOT / "tools" / "kafka" / "kafka.sh"), command], env=env,
                       check=True, capture_output=True, timeout=300)

    kafka("up")
    try:
        yield f"localhost:{port}", kafka
    finally:
        kafka("down")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_worker(
    broker: str, workdir: Path, app_id: str, port: int | None = None, **env_overrides: str
) -> WorkerProcess:
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        "ORDERGUARD_KAFKA": broker,
        "ORDERGUARD_APP_ID": app_id,
        "ORDERGUARD_DUCKDB": str(workdir / "og.duckdb"),
        "ORDERGUARD_DATA_DIR": str(workdir / "data"),
        "ORDERGUARD_SINK_INTERVAL_MS": "100",
        "ORDERGUARD_SESSION_TIMEOUT_S": "10",
        **env_overrides,
    }
    worker = WorkerProcess(env, workdir / "worker.log", port or free_port()).start()
    try:
        worker.wait_ready(timeout_s=120)
    except Exception:
        worker.stop()
        print((workdir / "worker.log").read_text()[-5000:])
        raise
    return worker


@pytest.fixture(scope="session")
def worker(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    """One worker for the session; tests keep apart by using ids of their own."""
    w = start_worker(broker, tmp_path_factory.mktemp("worker"), f"og-it-{uuid.uuid4().hex[:8]}")
    yield w
    w.stop()


@pytest.fixture
def run_id() -> str:
    return uuid.uuid4().hex[:10]


def wait_for(predicate, timeout_s: float = 60, interval: float = 0.5, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what} (last: {last!r})")


def sql(worker: WorkerProcess, query: str) -> list[tuple]:
    return query_worker(worker.url, query).rows
