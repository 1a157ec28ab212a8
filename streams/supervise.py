"""Run a worker as a child process and wait until it serves: used by the demo and the tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, Any

import orjson

from streams.errors import OrderguardError


def stop_with_parent() -> None:
    """In a child, before it runs: ask Linux for a SIGTERM when its parent dies.

    A demo or test run killed outright (``kill -9``, a closed pipe) would otherwise leave its
    workers running: they keep their app id's partitions, raise alerts again on a shared
    broker, and re-create deleted topics with the broker's defaults. Linux sends it when
    the thread that started the child ends, so start workers from the main thread.
    Elsewhere, nothing.
    """
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class WorkerFailed(OrderguardError):  # noqa: N818
    """The worker process exited or did not become ready in time."""


class WorkerProcess:
    """``orderguard worker`` in a subprocess with its own environment and log file."""

    command: tuple[str, ...] = ("-m", "streams.cli", "worker", "--loglevel", "info")

    def __init__(self, env: dict[str, str], log_path: Path, web_port: int) -> None:
        self.env = {**os.environ, **env, "ORDERGUARD_WEB_PORT": str(web_port)}
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{web_port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> WorkerProcess:
        """Start the process (returns at once; see :meth:`wait_ready`)."""
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, *self.command],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=stop_with_parent,
        )
        return self

    def health(self) -> dict[str, Any] | None:
        """The worker's /health document; None if it does not answer, or answers 503 (no Kafka)."""
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=2) as r:  # noqa: S310
                value: dict[str, Any] = orjson.loads(r.read())
                return value
        except OSError:
            return None

    def wait_ready(self, timeout_s: float = 120, need_store: bool = True) -> None:
        """Wait until the worker answers HTTP and (optionally) its sink holds the store."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                code = self.proc.returncode
                raise WorkerFailed(f"worker exited with {code}; see {self.log_path}")
            doc = self.health()
            lists_ready = (doc or {}).get("lists", {}).get("caught_up")
            if doc and lists_ready and (
                not need_store or (doc.get("sink") or {}).get("holds_store")
            ):
                return
            time.sleep(0.5)
        raise WorkerFailed(f"worker not ready after {timeout_s:.0f}s; see {self.log_path}")

    def kill(self) -> None:
        """``kill -9``: no clean shutdown, no flush, no commit."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout_s: float = 60) -> None:
        """Stop cleanly (SIGTERM), killing it if it does not exit in time."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log:
            self._log.close()
            self._log = None
