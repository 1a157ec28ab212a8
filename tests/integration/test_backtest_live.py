"""`orderguard backtest` while a worker holds the analytics store: history through /sql."""

from __future__ import annotations

import subprocess
import sys

import orjson

from tests.factories import T0
from tests.integration.conftest import sql, wait_for
from tests.integration.helpers import nonpayer, post


def test_backtest_reads_the_stored_history_through_the_running_worker(worker, run_id, tmp_path):
    buyer = f"bt-{run_id}"
    events = nonpayer(buyer, T0, run_id, orders=2)  # below the packaged limit of 3
    assert post(worker.url, events)[0] == 202
    wait_for(lambda: sql(worker, f"SELECT count(*) FROM events WHERE event_id LIKE "
                                 f"'{run_id}-%'")[0][0] == len(events), what="events stored")
    strict = tmp_path / "strict.toml"
    strict.write_text("[nonpayment_burst]\nmedium = 2\nhigh = 3\n")
    before = sql(worker, "SELECT count(*) FROM events")[0][0]
    # the worker holds the DuckDB file: reading it directly would fail, /sql must serve it
    out = subprocess.run(
        [sys.executable, "-m", "streams.cli", "backtest", "--rules", str(strict),
         "--format", "json", "--examples", "1000000"],
        env=worker.env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    result = orjson.loads(out.stdout)
    after = sql(worker, "SELECT count(*) FROM events")[0][0]
    assert before <= result["events"] <= after
    newly = {e["buyer_id"]: e for e in result["newly_flagged_examples"]}
    assert newly[buyer]["rule_id"] == "nonpayment_burst"
    assert newly[buyer]["severity"] == "medium"
