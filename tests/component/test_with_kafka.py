"""tools/with-kafka.sh: start the local broker only when none answers, stop only what it started.

The broker's launcher (tools/kafka/kafka.sh) is replaced by a script that records its calls
and answers ``status`` as told; with-kafka.sh itself runs as the Makefile runs it.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAKE_KAFKA = """#!/usr/bin/env bash
echo "$1 ${KAFKA_DATA:-}" >> "$CALLS"
case "$1" in
  status) exit "$FAKE_STATUS" ;;
  up) [ "$FAKE_UP" = 0 ] && exit 0; echo "kafka: did not start" >&2; exit 1 ;;
  down) exit 0 ;;
esac
"""
# what the wrapped command does: say where the broker keeps its data, and fail in its own way
COMMAND = ["bash", "-c", 'echo "${KAFKA_DATA:-none}" > "$SEEN"; '
           '[ -z "${KAFKA_DATA:-}" ] || test -d "$KAFKA_DATA" || exit 9; exit 3']


@pytest.fixture
def tools(tmp_path):
    shutil.copy(ROOT / "tools" / "with-kafka.sh", tmp_path / "with-kafka.sh")
    (tmp_path / "kafka").mkdir()
    fake = tmp_path / "kafka" / "kafka.sh"
    fake.write_text(FAKE_KAFKA)
    fake.chmod(0o755)
    return tmp_path


def run(tools, *, status, up=0, scratch=True, bootstrap=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("ORDERGUARD_KAFKA", "KAFKA_DATA", "ORDERGUARD_KAFKA_SCRATCH")}
    env.update(CALLS=str(tools / "calls"), SEEN=str(tools / "seen"), TMPDIR=str(tools),
               FAKE_STATUS=str(status), FAKE_UP=str(up))
    if scratch:
        env["ORDERGUARD_KAFKA_SCRATCH"] = "1"
    if bootstrap:
        env["ORDERGUARD_KAFKA"] = bootstrap
    done = subprocess.run(["bash", str(tools / "with-kafka.sh"), *COMMAND], env=env,
                          capture_output=True, text=True, timeout=30)
    calls = (tools / "calls").read_text().splitlines() if (tools / "calls").exists() else []
    seen = (tools / "seen").read_text().strip() if (tools / "seen").exists() else None
    return done, calls, seen


def test_no_broker_starts_one_on_a_scratch_directory_and_removes_both(tools):
    done, calls, seen = run(tools, status=1)
    assert done.returncode == 3, done.stderr  # the command's own exit code
    scratch = seen
    assert Path(scratch).parent == tools and Path(scratch).name.startswith("orderguard-kafka.")
    assert calls == ["status ", f"up {scratch}", f"down {scratch}"]
    assert not Path(scratch).exists()


def test_without_scratch_the_broker_keeps_its_own_data_directory(tools):
    done, calls, seen = run(tools, status=1, scratch=False)
    assert done.returncode == 3, done.stderr
    assert seen == "none"
    assert calls == ["status ", "up ", "down "]


def test_a_broker_that_answers_is_used_and_left_running(tools):
    done, calls, seen = run(tools, status=0)
    assert done.returncode == 3, done.stderr
    assert (calls, seen) == (["status "], "none")
    assert not list(tools.glob("orderguard-kafka.*"))


def test_another_bootstrap_is_never_started_or_stopped(tools):
    done, calls, seen = run(tools, status=1, bootstrap="kafka.example:9092")
    assert done.returncode == 3, done.stderr
    assert (calls, seen) == ([], "none")


def test_a_broker_that_does_not_start_fails_before_the_command(tools):
    done, calls, seen = run(tools, status=1, up=1)
    assert done.returncode == 1
    assert "did not start" in done.stderr
    assert seen is None  # the command never ran
    assert [c.split()[0] for c in calls] == ["status", "up", "down"]
    assert not list(tools.glob("orderguard-kafka.*"))
