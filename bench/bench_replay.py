"""`orderguard replay`'s loop: decode + validate + detect, vs decoding alone, in one process.

A second row times the same loop with the core run from its Python source
(``ORDERGUARD_PURE=1``, in a child process) against the compiled core (mypyc, ``make
native``) this process runs, and checks that both raised the same alerts, byte for byte.

With the native engine built (``make native``), a row times ``orderguard replay``'s own
loop, ``Engine.feed_lines`` per batch of lines (decode, validate and detect in the engine), against
the same baseline and against the core above, and checks the alerts are the same.

The baseline decodes the same JSON Lines with orjson and does nothing else, so the ratio is
the share of raw parsing speed that detection keeps. A further row times what every event
goes through before any rule: decoding, validation and the orders stage (dedupe, status,
buyer resolution), the floor under the replay's cost in this interpreter. Memory per buyer
is the size of the record a worker's table keeps for each buyer's state
(``streams.statecodec``) after the run, and (in a further, untimed run) the largest size
each buyer's state reached after any of its events; with the same sizes as JSON, as the
tables wrote states before.
"""

from __future__ import annotations

import gc
import hashlib
import os
import statistics
import subprocess
import sys
import time

import orjson

import streams
from bench.common import json_lines, report
from schemas.event import validate_event
from streams import statecodec
from streams.backtest import detection
from streams.core.holdings import ORDERS_CAP, SKU_CAP
from streams.core.linking import LinkedAccounts
from streams.core.linking_rules import load_linking_file
from streams.core.orders import step_order
from streams.core.replay import Replay
from streams.core.rules import load_rules
from streams.engine import native, replay_engine
from streams.simulator import simulate


def _lines(buyers: int, days: int) -> list[bytes]:
    return json_lines(simulate(2026, buyers=buyers, days=days).events)


def _replay(lines: list[bytes], linking: bool = True) -> tuple[float, Replay]:
    # built as `orderguard replay` builds it: every rule and the linked-accounts stage
    identities = LinkedAccounts(load_linking_file(None)) if linking else None
    engine = Replay(load_rules(), identities=identities)
    loads, feed = orjson.loads, engine.feed
    gc.disable()  # as the replay command does: states hold no reference cycles
    try:
        started = time.perf_counter()
        for line in lines:
            feed(validate_event(loads(line)))
        return time.perf_counter() - started, engine
    finally:
        gc.enable()


def _native(lines: list[bytes]) -> tuple[float, str]:
    """Seconds of ``orderguard replay``'s loop on the native engine, and its alerts' digest.

    ``Engine.feed_lines`` decodes, validates and detects a batch of lines, batches of about
    1 MiB as ``streams.jsonl.feed_batches`` reads them; the digest is of the alerts as JSON,
    in order, as :func:`_alerts_digest` takes the Python core's.
    """
    batches, batch, size = [], [], 0
    for line in lines:
        batch.append(line)
        size += len(line) + 1
        if size >= 1 << 20:
            batches.append(batch)
            batch, size = [], 0
    batches.append(batch)
    engine = replay_engine(None)
    feed, dumps = engine.feed_lines, orjson.dumps
    raised = []
    gc.disable()
    try:
        started = time.perf_counter()
        for batch in batches:
            alerts, bad, _ = feed(batch)
            assert not bad, bad
            raised += alerts
        seconds = time.perf_counter() - started
    finally:
        gc.enable()
    digest = hashlib.sha256()
    for alert in raised:
        digest.update(dumps(alert) + b"\n")
    return seconds, digest.hexdigest()


def _orders_stage(lines: list[bytes]) -> float:
    orders: dict[str, dict] = {}
    loads = orjson.loads
    gc.disable()
    try:
        started = time.perf_counter()
        for line in lines:
            event = validate_event(loads(line))
            order_id = event.get("order_id")
            if order_id:
                known = orders.get(order_id)
                state, _ = step_order(known, event)
                if known is None:
                    orders[order_id] = state
        return time.perf_counter() - started
    finally:
        gc.enable()


def _decode(lines: list[bytes]) -> float:
    loads = orjson.loads
    started = time.perf_counter()
    for line in lines:
        loads(line)
    return time.perf_counter() - started


def _alerts_digest(lines: list[bytes]) -> str:
    """sha256 of every alert the replay raises on ``lines``, in order, as JSON."""
    engine = detection(None)
    digest = hashlib.sha256()
    for line in lines:
        for alert in engine.feed(validate_event(orjson.loads(line))):
            digest.update(orjson.dumps(alert) + b"\n")
    return digest.hexdigest()


def _python_core(buyers: int, days: int) -> tuple[float, str]:
    """Best of 3 replay seconds and the alerts' digest, the core run from its source."""
    env = {**os.environ, "ORDERGUARD_PURE": "1"}
    code = f"from bench.bench_replay import _child; _child({buyers}, {days})"
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    assert out[2] == "python", out  # the child ran the sources
    return float(out[0]), out[1]


def _child(buyers: int, days: int) -> None:
    lines = _lines(buyers, days)
    print(min(_replay(lines)[0] for _ in range(3)), _alerts_digest(lines), streams.CORE)


def run(buyers: int = 20_000, days: int = 7) -> list[dict]:
    lines = _lines(buyers, days)
    runs = [_replay(lines) for _ in range(3)]
    replay_s = min(s for s, _ in runs)
    decode_s = min(_decode(lines) for _ in range(3))
    result = report(f"replay: {len(lines):,} events", len(lines), replay_s,
                    "orjson.loads only", decode_s)
    print(f"core: {streams.CORE}", flush=True)
    if native() is not None:
        natives = [_native(lines) for _ in range(3)]
        native_s = min(s for s, _ in natives)
        report("replay, native engine (orderguard replay)", len(lines), native_s,
               "orjson.loads only", decode_s)
        report("replay, native engine", len(lines), native_s, f"core {streams.CORE}", replay_s)
        same = natives[0][1] == _alerts_digest(lines)
        print(f"alerts of the engine and the core: {'identical' if same else 'DIFFERENT'}",
              flush=True)
    if streams.CORE == "compiled":
        python_s, python_alerts = _python_core(buyers, days)
        report("replay, compiled core", len(lines), replay_s, "Python core (ORDERGUARD_PURE)",
               python_s)
        same = python_alerts == _alerts_digest(lines)
        print(f"alerts of the two cores: {'identical' if same else 'DIFFERENT'}", flush=True)
    rules_s = min(_replay(lines, linking=False)[0] for _ in range(3))
    report("replay, rules only (no identities)", len(lines), rules_s, "orjson.loads only",
           decode_s)
    floor_s = min(_orders_stage(lines) for _ in range(3))
    report("decode + validate + orders stage", len(lines), floor_s, "orjson.loads only",
           decode_s)
    states = runs[0][1].buyers.values()
    peaks = _peaks(lines)
    for codec, dumps in (("stored", statecodec.dumps), ("as JSON", orjson.dumps)):
        _sizes(f"state per buyer, end of run, {codec}", [len(dumps(s)) for s in states])
        _sizes(f"state per buyer, largest in run, {codec}", list(peaks[codec].values()))
    for skus in (1, SKU_CAP):
        stored, as_json = _at_cap(skus)
        print(f"state of a buyer at the cap ({ORDERS_CAP} unpaid orders of {skus} SKU(s) held, "
              f"of 200 placed at 5 shops): {stored:,} B stored, {as_json:,} B as JSON",
              flush=True)
    return [result]


def _at_cap(skus: int, placed: int = 200, shops: int = 5) -> tuple[int, int]:
    """The state of a buyer who places ``placed`` unpaid orders 3 minutes apart, in bytes.

    The most a buyer's state holds whatever it does: ``o`` keeps ``ORDERS_CAP`` orders, each
    with at most ``SKU_CAP`` SKUs; ids as long as Tmall's (19 digits).
    """
    engine = detection(None)
    start = 1_790_000_000  # 2026-09-21
    for n in range(placed):
        order, at = str(4_000_000_000_000_000_000 + n * 7_919), start + 180 * n
        items = [{"sku": f"SKU-{n:06d}-{k}", "quantity": 3, "unit_price": "19.90"}
                 for k in range(skus)]
        engine.feed(validate_event({
            "event_id": f"tmall:order.created:{order}", "type": "order.created",
            "occurred_at": _iso(at), "marketplace": "tmall", "seller_id": f"s-tm{n % shops}",
            "order_id": order, "buyer_id": "b-at-the-cap", "amount": f"{59.70 * skus:.2f}",
            "currency": "CNY", "items": items, "payment_deadline_at": _iso(at + 86_400),
        }))
    state = engine.buyers["b-at-the-cap"]
    assert len(state["o"]) == ORDERS_CAP, len(state["o"])
    return len(statecodec.dumps(state)), len(orjson.dumps(state))


def _iso(t: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _peaks(lines: list[bytes]) -> dict[str, dict[str, int]]:
    """The largest size each buyer's state reaches after one of its events, stored and as JSON."""
    engine = detection(None)
    buyers, orders = engine.buyers, engine.orders
    peaks: dict[str, dict[str, int]] = {"stored": {}, "as JSON": {}}
    for line in lines:
        event = validate_event(orjson.loads(line))
        engine.feed(event)
        order = orders.get(event.get("order_id") or "")
        buyer = event.get("buyer_id") or (order or {}).get("b")
        state = buyers.get(buyer) if buyer else None
        if state is not None:
            for size, kept in ((len(statecodec.dumps(state)), peaks["stored"]),
                               (len(orjson.dumps(state)), peaks["as JSON"])):
                if size > kept.get(buyer, 0):
                    kept[buyer] = size
    return peaks


def _sizes(label: str, sizes: list[int]) -> None:
    sizes.sort()
    p99 = sizes[int(len(sizes) * 0.99)]
    over = sum(1 for size in sizes if size > 1024)
    print(f"{label:<46} mean {statistics.mean(sizes):,.0f} B, p99 {p99:,} B, "
          f"max {sizes[-1]:,} B, {over:,} of {len(sizes):,} buyers over 1 KB", flush=True)


if __name__ == "__main__":
    run()
