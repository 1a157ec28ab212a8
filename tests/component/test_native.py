"""The compiled core (mypyc) against its Python source: which one loads, and the same alerts.

Each check runs ``orderguard`` or Python in a child process: which core a process uses is
decided once, when it first imports ``streams``.
"""

from __future__ import annotations

import importlib.machinery
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

import streams
import streams.core.windows

ROOT = Path(__file__).resolve().parents[2]
ORDERGUARD = Path(sys.executable).with_name("orderguard")
EXTENSIONS = tuple(importlib.machinery.EXTENSION_SUFFIXES)
compiled_only = pytest.mark.skipif(streams.CORE != "compiled", reason=f"core: {streams.CORE}")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ORDERGUARD_PURE"}
    return {**env, **extra}


def test_make_test_runs_the_compiled_core() -> None:
    if os.environ.get("ORDERGUARD_REQUIRE_NATIVE") != "1":
        pytest.skip("ORDERGUARD_REQUIRE_NATIVE=1 is set by `make test` and `make test-unit`")
    assert streams.CORE == "compiled"
    assert streams.core.windows.__file__.endswith(EXTENSIONS)


@compiled_only
def test_both_cores_raise_the_same_alerts_byte_for_byte(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    simulate = [str(ORDERGUARD), "simulate", "--seed", "11", "--buyers", "800", "--days", "3"]
    events.write_bytes(subprocess.run(simulate, check=True, capture_output=True).stdout)

    def replay(**env: str) -> bytes:
        done = subprocess.run([str(ORDERGUARD), "replay", str(events)], env=_env(**env),
                              check=True, capture_output=True)
        return done.stdout

    compiled, python = replay(), replay(ORDERGUARD_PURE="1")
    alerts = [orjson.loads(line) for line in compiled.splitlines()]
    rules = Counter(a["rule_id"] for a in alerts)
    assert len(alerts) > 100 and len(rules) >= 6, rules  # a real workload, most rules firing
    assert compiled == python


def _which_core(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    code = "import streams, streams.core.alerts as a; print(streams.CORE); print(a.__file__)"
    return subprocess.run([sys.executable, "-c", code], cwd=root, text=True, check=True,
                          capture_output=True, env=_env(PYTHONPATH=str(root), **env))


@compiled_only
def test_compiled_modules_older_than_their_sources_are_not_used(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "streams", tmp_path / "streams",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas",
                    ignore=shutil.ignore_patterns("__pycache__"))

    fresh = _which_core(tmp_path)
    core, module = fresh.stdout.split()
    assert core == "compiled" and fresh.stderr == ""
    assert Path(module).parent == tmp_path / "streams/core" and module.endswith(EXTENSIONS)

    pure = _which_core(tmp_path, ORDERGUARD_PURE="1")
    assert pure.stdout.split() == ["python", "(ORDERGUARD_PURE=1)",
                                   str(tmp_path / "streams/core/alerts.py")]
    assert pure.stderr == ""

    source = tmp_path / "streams/core/alerts.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = _which_core(tmp_path)
    assert edited.stdout.splitlines() == [
        "python (the compiled modules were built from other sources)", str(source)]
    assert "Rebuild with `make native`" in edited.stderr


def test_the_build_check_fails_with_a_hint_when_the_core_is_not_compiled() -> None:
    code = "import sys; from streams.native import main; sys.exit(main())"
    pure = subprocess.run([sys.executable, "-c", code], env=_env(ORDERGUARD_PURE="1"),
                          capture_output=True, text=True)
    assert pure.returncode == 1 and pure.stdout.startswith("core: python (")
    assert pure.stdout.endswith("engine: not used (ORDERGUARD_PURE=1)\n")
    assert "`make native` compiles it" in pure.stderr
    from streams.engine import native

    if streams.CORE == "compiled" and native() is not None:
        compiled = subprocess.run([sys.executable, "-c", code], env=_env(),
                                  capture_output=True, text=True)
        assert (compiled.returncode, compiled.stdout) == (
            0, "core: compiled\nengine: native (streams._engine)\n")


def test_make_test_runs_the_native_engine() -> None:
    if os.environ.get("ORDERGUARD_REQUIRE_NATIVE") != "1":
        pytest.skip("ORDERGUARD_REQUIRE_NATIVE=1 is set by `make test` and `make test-unit`")
    from streams.engine import native

    assert native() is not None


def test_the_engine_and_the_python_core_name_and_skip_the_same_lines(tmp_path: Path) -> None:
    from streams.engine import native

    if native() is None:
        pytest.skip("the native engine is not built (make native)")
    simulate = [str(ORDERGUARD), "simulate", "--seed", "3", "--buyers", "60"]
    good = subprocess.run(simulate, check=True, capture_output=True).stdout.splitlines()
    event = orjson.loads(good[0])
    odd = [
        b'{"bad": 1}', b"", b" \t\x0b\x0c", b"not json", b"\xff\xfe{}", b"[1, 2]",
        orjson.dumps({**event, "event_id": "odd-1", "occurred_at": "2026-10-01T10:00:00+08:00"}),
        orjson.dumps({**event, "event_id": "odd-2", "currency": "usd"}),
        orjson.dumps({**event, "event_id": "odd-3", "amount": 12.5}),
        orjson.dumps({**event, "event_id": "odd-4", "type": "order.exploded"}),
        orjson.dumps({**event, "event_id": "odd-5", "occurred_at": "2026-10-01 10:00:00Z"}),
    ]
    events = tmp_path / "odd.jsonl"
    events.write_bytes(b"\xef\xbb\xbf" + b"\n".join(good[:40] + odd + good[40:]) + b"\n")

    def replay(**env: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([str(ORDERGUARD), "replay", str(events)], env=_env(**env),
                              capture_output=True)

    native_run, python_run = replay(), replay(ORDERGUARD_PURE="1")
    assert native_run.returncode == python_run.returncode == 0
    assert native_run.stdout == python_run.stdout and native_run.stdout
    assert native_run.stderr == python_run.stderr
    assert native_run.stderr.count(b"skipped ") == 6, native_run.stderr
