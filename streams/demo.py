"""`orderguard demo`: a simulated marketplace day through a real worker, alerts live, a summary."""

from __future__ import annotations

import hashlib
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from analytics.client import query_worker
from analytics.report import Scope, summary
from streams import topics
from streams.core.contacts import phone_problem
from streams.core.linking_normalize import normalize_address, normalize_phone
from streams.core.rules import BadContact, load_rules
from streams.lag import group_lag
from streams.settings import Settings
from streams.supervise import WorkerProcess

Echo = Callable[[str], None]

DEMO_APP_ID = "orderguard-demo"


ID_FIELDS = ("event_id", "order_id", "buyer_id")


def namespace_ids(event: dict[str, Any], tag: str) -> dict[str, Any]:
    """Tag an event's ids and contacts so that one run's buyers never meet another's.

    Ids get ``tag`` as a prefix. The contact details that link accounts (phone, address,
    email, payment and device fingerprints) change too, so two runs of one simulator seed
    on one broker do not find each other's accounts linked: a usable phone or address is
    changed into another usable one, the same for every way it is written; made-up ones
    are left as they are, so they stay made-up.
    """
    out = dict(event)
    for name in ID_FIELDS:
        if out.get(name):
            out[name] = f"{tag}-{out[name]}"
    shipping = out.get("shipping")
    if isinstance(shipping, dict):
        shipping = out["shipping"] = dict(shipping)
        country = shipping.get("country", "")
        phone = shipping.get("phone")
        if isinstance(phone, str) and _usable(phone, country):
            shipping["phone"] = _tag_phone(phone, country, tag)
        address = shipping.get("address1")
        if isinstance(address, str) and normalize_address(
            address, shipping.get("postal_code"), country
        ):
            shipping["address1"] = f"{address} {tag}"
        email = shipping.get("email")
        if isinstance(email, str) and email:
            shipping["email"] = f"{tag}.{email}"
    for part, name in (("payment", "account_fingerprint"), ("device", "fingerprint")):
        details = out.get(part)
        if isinstance(details, dict) and details.get(name):
            out[part] = {**details, name: f"{tag}-{details[name]}"}
    return out


def _usable(phone: str, country: Any) -> bool:
    """Whether a phone links accounts and passes ``bad_contact`` with the default rules."""
    rule = _default_bad_contact()
    return bool(normalize_phone(phone, country)) and phone_problem(
        phone, rule.min_phone_digits, rule.max_phone_digits, rule.max_repeated_digits
    ) is None


@cache
def _default_bad_contact() -> BadContact:
    return load_rules().bad_contact


def _tag_phone(phone: str, country: Any, tag: str) -> str:
    """``phone`` with its last four digits replaced, by ``tag`` and the number, usably.

    Derived from the last seven digits, which every way of writing the number shares.
    """
    digits = [i for i, c in enumerate(phone) if c.isdigit()]
    tail = "".join(phone[i] for i in digits[-7:])
    for salt in range(100):
        seed = int(hashlib.blake2b(f"{tag}|{tail}|{salt}".encode(), digest_size=4).hexdigest(), 16)
        chars = list(phone)
        for n, i in enumerate(digits[-4:]):
            chars[i] = str(seed // 10**n % 10)
        tagged = "".join(chars)
        if _usable(tagged, country):
            return tagged
    return phone


def post_events(url: str, events: list[dict[str, Any]], batch: int = 50) -> int:
    """POST events to the generic webhook in JSON-array batches; return how many were accepted."""
    accepted = 0
    for start in range(0, len(events), batch):
        body = orjson.dumps(events[start : start + batch])
        request = urllib.request.Request(  # noqa: S310 - our own worker on localhost
            f"{url}/webhooks/generic", data=body, method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            accepted += orjson.loads(response.read())["accepted"]
    return accepted


def run_demo(settings: Settings, seed: int, buyers: int, workdir: Path, echo: Echo) -> None:
    """Start a worker, send a simulated day through its webhook, follow alerts, summarize."""
    from streams.follow import follow_alerts, format_alert
    from streams.lag import skip_backlog
    from streams.simulator import simulate

    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "orderguard.duckdb"
    # The demo keeps its own consumer groups, tables and store: it never touches a
    # production app's state, and a rerun continues where the last one stopped.
    env = {"ORDERGUARD_DUCKDB": str(db), "ORDERGUARD_KAFKA": settings.kafka,
           "ORDERGUARD_APP_ID": DEMO_APP_ID, "ORDERGUARD_DATA_DIR": str(workdir / "worker")}
    worker = WorkerProcess(env, workdir / "worker.log", settings.web_port)
    tag = f"d{seed}"
    events = [namespace_ids(e, tag) for e in simulate(seed, buyers=buyers).events]
    echo(f"demo: seed {seed}: {len(events)} events from {buyers} buyers, ids prefixed {tag}- "
         f"(worker log: {worker.log_path}, store: {db})")
    skipped = skip_backlog(settings.kafka, DEMO_APP_ID)
    if skipped:
        echo(f"demo: skipping {skipped:,} messages earlier runs left for the demo's stages "
             "(it reads only what it sends)")
    seen: list[dict[str, Any]] = []
    worker.start()
    try:
        worker.wait_ready()
        echo(f"demo: worker ready at {worker.url}; following orderguard.alerts")
        stream = follow_alerts(settings.kafka, from_now=True, idle_timeout_s=None)
        ready = threading.Event()

        def printer() -> None:
            ready.set()
            for alert in stream:
                buyers = alert.get("buyer_ids")  # the topic is shared: others' may be anything
                if isinstance(buyers, list) and buyers and str(buyers[0]).startswith(f"{tag}-"):
                    seen.append(alert)
                    echo(format_alert(alert))

        threading.Thread(target=printer, daemon=True).start()
        ready.wait(10)
        started = time.monotonic()
        accepted = post_events(worker.url, events)
        echo(f"demo: webhook accepted {accepted} events in {time.monotonic() - started:.1f}s")
        _wait_settled(settings.kafka, worker.url, tag, len({e["event_id"] for e in events}), echo)
        echo("")
        echo(summary(lambda q: query_worker(worker.url, q), scope=Scope(prefix=f"{tag}-")))
        hint = 'orderguard sql "SELECT * FROM alerts LIMIT 5"'
        echo(f"\ndemo: {len(seen)} alerts followed live; query the store with "
             f"ORDERGUARD_DUCKDB={db} {hint}")
        if seen:
            top = Counter(a["buyer_ids"][0] for a in seen).most_common(1)[0][0]
            echo(f"demo: one buyer's case file (orders, alerts, linked accounts, evidence): "
                 f"ORDERGUARD_DUCKDB={db} orderguard report --buyer {top}")
        echo(f"demo: try a rule change on this history with ORDERGUARD_DUCKDB={db} "
             "orderguard backtest --rules yours.toml (docs/rules.md)")
    finally:
        worker.stop()


def _wait_settled(bootstrap: str, url: str, tag: str, expected: int, echo: Echo,
                  timeout_s: float = 300) -> None:
    """Wait until every stage has caught up with the topics and the sink stored this run."""
    stage_topics = (topics.EVENTS, *topics.internal(DEMO_APP_ID))
    query = f"SELECT count(*) FROM events WHERE starts_with(event_id, '{tag}-')"  # noqa: S608
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        lag = group_lag(bootstrap, DEMO_APP_ID, stage_topics)
        stored = query_worker(url, query).rows[0][0]
        if lag == 0 and stored >= expected:
            time.sleep(1)  # the last alerts are on their way to the printer
            return
        echo(f"demo: waiting for the stages to catch up ({lag} messages behind, "
             f"{stored}/{expected} events stored)")
        time.sleep(2)
    echo("demo: gave up waiting for the pipeline to settle (see the worker log)")
