"""Issue 4 acceptance over real HTTP: signed platform webhooks on a running worker, real Kafka.

One worker for the module, configured with a secret per platform (two for Shopify: a
rotation). Every body carries ids made for this run, so earlier runs on the same broker
cannot interfere, and the expected events are what ``streams.adapters.normalize`` makes of
the very bytes that are posted. Three logs follow ``orderguard.events``,
the app's deliveries topic (accepted deliveries, before the dedupe stage) and
``orderguard.deadletter`` from the moment the worker is up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import random
import re
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from schemas.event import validate_event
from streams.adapters import MAX_BODY, Outcome, Webhook, normalize
from streams.kafka_codec import JsonValue
from streams.topics import DEADLETTER, EVENTS
from streams.topics import deliveries as deliveries_topic
from tests.factories import make_event
from tests.integration.conftest import start_worker
from tests.unit.adapters.adapter_fixtures import (
    derived_topics,
    orderguard_signature,
    raw,
    sample_content,
    tmc_message,
)

RUN = str(random.SystemRandom().randrange(10**8, 10**9))
_seq = itertools.count(1)

SHOPIFY_NEW = f"shpss_new_{uuid.uuid4().hex}"
SHOPIFY_OLD = f"shpss_old_{uuid.uuid4().hex}"
SECRETS: dict[str, tuple[str, ...]] = {
    "shopify": (SHOPIFY_NEW, SHOPIFY_OLD),
    "stripe": (f"whsec_{uuid.uuid4().hex}",),
    "woocommerce": (f"wc_{uuid.uuid4().hex}",),
    "taobao": (f"tb_{uuid.uuid4().hex}",),
    "aliexpress": (f"ae_{uuid.uuid4().hex}",),
}
WRONG_SECRET = f"not-ours-{uuid.uuid4().hex}"

SHOP_DOMAIN = f"og-{RUN}.myshopify.com"
WC_SOURCE = f"https://og-{RUN}.example.com/"
TAOBAO = derived_topics("taobao/tmc_trade_refund_topics__fields_DERIVED.json")
ALIEXPRESS = derived_topics("aliexpress/tmc_order_topics__fields_DERIVED.json")

QUIET_S = 3.0
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


# --- ids, bodies and signatures -------------------------------------------------------------


def num() -> str:
    """A fresh numeric id of this run (stays below 2^53 like Shopify's and WooCommerce's)."""
    return f"{RUN}{next(_seq):04d}"


def token(prefix: str) -> str:
    """A fresh Stripe-style id of this run (``dp_…``, ``pi_…``)."""
    return f"{prefix}_og{RUN}n{next(_seq)}"


def rewrite(body: bytes, ids: dict[str, str]) -> bytes:
    """Replace whole ids in the fixture bytes (the rest of the file stays byte for byte)."""
    for old, new in ids.items():
        pattern = rb"(?<![0-9A-Za-z_])" + re.escape(old.encode()) + rb"(?![0-9A-Za-z_])"
        body, found = re.subn(pattern, new.encode(), body)
        assert found, f"{old} does not occur in the body"
    return body


def b64_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def stripe_signature(secret: str, body: bytes, t: int) -> str:
    v1 = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


@dataclass(frozen=True)
class Delivery:
    """One webhook as the platform sends it; the signature is added per attempt."""

    name: str
    platform: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    types: tuple[str, ...] = ()  # the canonical types the docs promise for it

    @property
    def path(self) -> str:
        return f"/webhooks/{self.platform}"

    def outcome(self, body: bytes | None = None) -> Outcome:
        """What the adapter makes of these bytes (no signature check)."""
        return normalize(Webhook(self.platform, self.headers, self.body if body is None else body))

    def signed(
        self, secret: str | None = None, *, attempt: int = 0, stripe_t: int | None = None
    ) -> dict[str, str]:
        """The headers of one attempt, signed over this delivery's body."""
        secret = secret or SECRETS[self.platform][0]
        data = self.body
        headers = {"Content-Type": "application/json", **self.headers}
        if self.platform == "shopify":
            headers["X-Shopify-Hmac-Sha256"] = b64_hmac(secret, data)
        elif self.platform == "stripe":
            # Stripe signs every retry anew, with the time of that attempt
            t = int(time.time()) - attempt if stripe_t is None else stripe_t
            headers["Stripe-Signature"] = stripe_signature(secret, data, t)
        elif self.platform == "woocommerce":
            headers["X-WC-Webhook-Signature"] = b64_hmac(secret, data)
            headers["X-WC-Webhook-Delivery-ID"] = str(next(_seq))  # new on every retry
        else:
            headers["X-Orderguard-Signature"] = orderguard_signature(secret, data)
        return headers


def shopify(name: str, fixture: str, topic: str, ids: dict[str, str], *types: str) -> Delivery:
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Event-Id": num(),
        "X-Shopify-Shop-Domain": SHOP_DOMAIN,
        "X-Shopify-API-Version": "2026-07",
        "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(),
    }
    return Delivery(name, "shopify", rewrite(raw(fixture), ids), headers, types)


def shopify_order(topic: str, *types: str) -> Delivery:
    return shopify(f"shopify {topic}", "shopify/orders_create__order_2026-07.json", topic,
                   {"450789469": num()}, *types)


def stripe(name: str, fixture: str, ids: list[str], *types: str) -> Delivery:
    fresh = {old: token(old.split("_", 1)[0]) for old in ids}
    return Delivery(name, "stripe", rewrite(raw(fixture), fresh), {}, types)


def woocommerce(name: str, fixture: str, topic: str, ids: list[str], *types: str) -> Delivery:
    headers = {
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Source": WC_SOURCE,
        "X-WC-Webhook-Resource": topic.split(".")[0],
        "X-WC-Webhook-Event": topic.split(".")[1],
        "X-WC-Webhook-ID": "42",
    }
    return Delivery(name, "woocommerce", rewrite(raw(fixture), {i: num() for i in ids}),
                    headers, types)


def tmc(platform: str, topic: str, *types: str, **content: Any) -> Delivery:
    fields = (TAOBAO if platform == "taobao" else ALIEXPRESS)[topic]["fields"]
    message = tmc_message(topic, sample_content(fields, **content), id=num())
    return Delivery(f"{platform} {topic}", platform, json.dumps(message).encode(), {}, types)


def taobao_tid() -> int:
    """A Taobao trade id of this run, above 2^53 like the real ones (a float would round it)."""
    tid = int(f"4{RUN}{next(_seq):09d}")
    assert 2**53 < tid < 2**63
    return tid


def fixture_deliveries() -> list[Delivery]:
    """The representative set of issue 4, each with fresh ids (one delivery per event id)."""
    tid = taobao_tid()
    return [
        shopify_order("orders/create", "order.created"),
        shopify("shopify orders/cancelled",
                "shopify/orders_cancelled__order_after_cancel_2026-07.json", "orders/cancelled",
                {"450789469": num()}, "order.cancelled"),
        shopify("shopify refunds/create", "shopify/refunds_create__refund_2026-07.json",
                "refunds/create", {"929361472": num(), "450789469": num()}, "refund.completed"),
        shopify("shopify disputes/create", "shopify/disputes_create__dispute_2026-07.json",
                "disputes/create", {"598735659": num(), "625362839": num()},
                "chargeback.notified"),
        stripe("stripe charge.dispute.created",
               "stripe/djstripe_assembled__event_charge.dispute.created.json",
               ["evt_16YKQi2eZvKYlo2CT2oe5ff3", "dp_1JAyTwJSZQVUcJYgPqasUEn1",
                "pi_1JAyTwJSZQVUcJYgBbsz0NuH", "ch_fakefakefakefakefake0001"],
               "chargeback.notified"),
        stripe("stripe charge.dispute.closed",
               "stripe/djstripe_assembled__event_charge.dispute.closed.json",
               ["evt_1JAyTxJSZQVUcJYgNk1Jqu8o", "dp_1JAyTwJSZQVUcJYgPqasUEn1",
                "pi_1JAyTwJSZQVUcJYgBbsz0NuH", "ch_1JHRCWJSZQVUcJYgOCavbxio"],
               "chargeback.notified", "chargeback.resolved"),
        woocommerce("woocommerce order.created", "woocommerce/order_v3__retrieve_example.json",
                    "order.created", ["727"], "order.created", "order.paid"),
        woocommerce("woocommerce order.updated", "woocommerce/order_v3__update_example.json",
                    "order.updated", ["727"], "order.paid"),
        woocommerce("woocommerce refund", "woocommerce/order_refund_v3__create_example.json",
                    "refund.created", ["726", "723"], "refund.completed"),
        tmc("taobao", "taobao_trade_TradeCreate", "order.created", tid=tid),
        tmc("taobao", "taobao_trade_TradeClose", "order.closed_unpaid",
            tid=tid, status="TRADE_CLOSED_BY_TAOBAO"),
        tmc("aliexpress", "aliexpress_order_WaitSellerSendGoods", "order.paid", order_id=num()),
        tmc("aliexpress", "aliexpress_order_Finish", "order.closed_unpaid",
            order_id=num(), last_status="PLACE_ORDER_SUCCESS"),
    ]


def expected_events(deliveries: list[Delivery]) -> dict[str, list[dict[str, Any]]]:
    """Normalize each delivery; check the ids are this run's and name one delivery each."""
    expected = {d.name: d.outcome().events for d in deliveries}
    for d in deliveries:
        assert tuple(e["type"] for e in expected[d.name]) == d.types, d.name
        for event in expected[d.name]:
            assert RUN in event["order_id"], f"{d.name}: the fixture's ids were not rewritten"
    ids = [e["event_id"] for events in expected.values() for e in events]
    assert len(ids) == len(set(ids)), "each event id must come from one delivery only"
    return expected


# --- HTTP and Kafka ---------------------------------------------------------------------------


def post(url: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(f"{url}{path}", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, orjson.loads(r.read())
    except urllib.error.HTTPError as exc:
        with exc:
            text = exc.read()
        try:
            return exc.code, orjson.loads(text)
        except orjson.JSONDecodeError:
            return exc.code, {"raw": text.decode("utf-8", "replace")}


class LenientJson(JsonValue):
    """JsonValue that yields None for a non-JSON record (other tests write garbage on purpose)."""

    def deserialize(self, topic: str, headers: Any, data: bytes) -> Any:
        try:
            return super().deserialize(topic, headers, data)
        except orjson.JSONDecodeError:
            return None


class TopicLog:
    """Every record written to one topic since this module's worker came up (one consumer)."""

    def __init__(self, broker: str, topic: str, json_values: bool) -> None:
        self.topic = topic
        extra = {"value_deserializer": LenientJson()} if json_values else {}
        self.consumer = KafkaConsumer(
            bootstrap_servers=broker, group_id=f"it-webhooks-{RUN}-{topic}",
            auto_offset_reset="earliest", enable_auto_commit=False, **extra,
        )
        self.records: list[ConsumerRecord] = []
        self.assigned = False
        self._assign(seek_to_end=True)

    def _assign(self, seek_to_end: bool) -> None:
        # The dead-letter topic may not exist yet on a fresh broker: then read it from 0 later.
        parts = [TopicPartition(self.topic, p)
                 for p in sorted(self.consumer.partitions_for_topic(self.topic))]
        if not parts:
            return
        self.consumer.assign(parts)
        for tp, offset in self.consumer.end_offsets(parts).items():
            self.consumer.seek(tp, offset if seek_to_end else 0)
        self.assigned = True

    def poll(self, timeout_s: float = 0.2) -> None:
        if not self.assigned:
            self._assign(seek_to_end=False)
            if not self.assigned:
                time.sleep(timeout_s)
                return
        for batch in self.consumer.poll(timeout_ms=int(timeout_s * 1000)).values():
            self.records.extend(batch)

    def read_until(self, done: Callable[[], bool], what: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout_s}s on {self.topic}: {what}")
            self.poll()

    def close(self) -> None:
        self.consumer.close()


@dataclass
class Ingest:
    """The module's worker and what it wrote to Kafka."""

    broker: str
    app_id: str
    url: str
    events: TopicLog
    deliveries: TopicLog
    deadletter: TopicLog

    def send(self, d: Delivery, **sign: Any) -> tuple[int, dict]:
        return post(self.url, d.path, d.body, d.signed(**sign))

    def settle(self, quiet_s: float = QUIET_S, timeout_s: float = 60) -> None:
        """Wait until everything posted so far went through the dedupe stage, then read on.

        A marker event posted last travels the same one-partition deliveries stage, so
        once it is on orderguard.events every earlier delivery has been handled; reading
        ``quiet_s`` longer gives a late second copy the chance to show up.
        """
        marker = f"og-mark-{RUN}-{next(_seq)}"
        event = make_event("order.paid", buyer=None, order=marker, event_id=marker)
        status, _ = post(self.url, "/webhooks/generic", orjson.dumps(event),
                         {"Content-Type": "application/json"})
        assert status == 202
        self.events.read_until(lambda: marker in self.event_counts(), f"marker {marker}",
                               timeout_s)
        deadline = time.monotonic() + quiet_s
        while time.monotonic() < deadline:
            for log in (self.events, self.deliveries, self.deadletter):
                log.poll(0.1)

    def event_records(self) -> dict[str, list[ConsumerRecord]]:
        out: dict[str, list[ConsumerRecord]] = {}
        for record in self.events.records:
            if isinstance(record.value, dict) and "event_id" in record.value:
                out.setdefault(record.value["event_id"], []).append(record)
        return out

    def event_counts(self) -> Counter[str]:
        return Counter({k: len(v) for k, v in self.event_records().items()})

    def deliveries_with(self, key: str) -> int:
        """How many accepted deliveries carrying dedupe key ``key`` reached the dedupe stage."""
        return sum(1 for r in self.deliveries.records
                   if isinstance(r.value, dict) and key in r.value.get("keys", ()))

    def dead_letters(self, body: bytes) -> list[ConsumerRecord]:
        return [r for r in self.deadletter.records if r.value == body]

    def other_live_groups(self) -> list[str]:
        """Live consumer groups other than ours: diagnoses a copy made by another worker."""
        admin = KafkaAdminClient(bootstrap_servers=self.broker)
        try:
            groups = admin.list_groups()
        finally:
            admin.close()
        return sorted(g["group_id"] for g in groups
                      if g["group_state"] not in ("Empty", "Dead")
                      and not g["group_id"].startswith((self.app_id, f"it-webhooks-{RUN}")))


@pytest.fixture(scope="module")
def ingest(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingest]:
    env = {f"ORDERGUARD_{p.upper()}_SECRET": ",".join(s) for p, s in SECRETS.items()}
    app_id = f"og-it-webhooks-{RUN}"
    worker = start_worker(broker, tmp_path_factory.mktemp("webhooks"), app_id, **env)
    logs: list[TopicLog] = []
    try:
        logs += [TopicLog(broker, EVENTS, True), TopicLog(broker, deliveries_topic(app_id), True),
                 TopicLog(broker, DEADLETTER, False)]
        ingest = Ingest(broker, app_id, worker.url, *logs)
        # A new app id's stages start at the earliest offsets of the public topics and first
        # work through their history: let them catch up, so the tests time only their traffic.
        ingest.settle(quiet_s=0, timeout_s=180)
        yield ingest
    finally:
        for log in logs:
            log.close()
        worker.stop()


def assert_canonical(event: dict[str, Any]) -> None:
    validate_event(dict(event))
    for name in ("amount", "unit_price"):
        if name in event:
            assert isinstance(event[name], str) and DECIMAL.match(event[name]), event
    for item in event.get("items", ()):
        assert isinstance(item["unit_price"], str) and DECIMAL.match(item["unit_price"]), event
    for name in ("occurred_at", "deadline_at", "source_updated_at"):
        if name in event:
            assert RFC3339_UTC.match(event[name]), (name, event)
    assert isinstance(event["order_id"], str)


def assert_landed_once(ingest: Ingest, deliveries: list[Delivery],
                       expected: dict[str, list[dict[str, Any]]]) -> None:
    seen = ingest.event_records()
    for d in deliveries:
        for event in expected[d.name]:
            records = seen.get(event["event_id"], [])
            if len(records) > 1:
                pytest.fail(
                    f"{d.name}: {event['event_id']} landed {len(records)} times on {EVENTS}; "
                    f"other live consumer groups on the broker: {ingest.other_live_groups()}")
            assert len(records) == 1, f"{d.name}: {event['event_id']} never reached {EVENTS}"
            [record] = records
            assert record.key == event["order_id"].encode(), d.name  # contracts.md §1
            assert record.value == event, d.name
            assert_canonical(record.value)


# --- 1. every platform, three deliveries each, one event ---------------------------------------


def test_each_signed_fixture_posted_three_times_lands_on_the_events_topic_exactly_once(ingest):
    deliveries = fixture_deliveries()
    expected = expected_events(deliveries)
    assert {d.platform for d in deliveries} == set(SECRETS)

    for attempt in (0, 1):  # the platform retries, e.g. because our answer was lost
        for d in deliveries:
            assert ingest.send(d, attempt=attempt) == (
                202, {"accepted": len(expected[d.name])}), d.name
    with ThreadPoolExecutor(max_workers=8) as pool:  # and a third copy of each, all at once
        answers = list(pool.map(lambda d: ingest.send(d, attempt=2), deliveries))
    assert answers == [(202, {"accepted": len(expected[d.name])}) for d in deliveries]

    ingest.settle()
    assert_landed_once(ingest, deliveries, expected)
    # what the docs promise for a few of them, on what actually came out of Kafka
    seen = {k: v[0].value for k, v in ingest.event_records().items()}
    by_name = {d.name: [seen[e["event_id"]] for e in expected[d.name]] for d in deliveries}
    [created] = by_name["shopify orders/create"]
    assert (created["amount"], created["currency"], created["seller_id"]) == (
        "598.94", "USD", SHOP_DOMAIN)
    notified, resolved = by_name["stripe charge.dispute.closed"]
    assert (notified["amount"], resolved["outcome"]) == ("10.00", "won")
    [dispute] = by_name["shopify disputes/create"]
    assert dispute["deadline_at"] == "2099-12-30T00:00:00Z"
    taobao_create, taobao_close = by_name["taobao taobao_trade_TradeCreate"] + by_name[
        "taobao taobao_trade_TradeClose"]
    assert int(taobao_create["order_id"]) > 2**53  # exact through JSON and Kafka
    assert taobao_create["order_id"] == taobao_close["order_id"]
    assert (taobao_create["amount"], taobao_create["currency"]) == ("129.90", "CNY")
    assert all(e["seller_id"] == f"og-{RUN}.example.com"
               for name in ("woocommerce order.created", "woocommerce refund")
               for e in by_name[name])


# --- 2. wrong signatures are refused and store nothing ----------------------------------------


def test_wrongly_signed_deliveries_get_401_and_nothing_reaches_kafka(ingest):
    sh = shopify_order("orders/create", "order.created")
    st = stripe("stripe dispute", "stripe/djstripe_assembled__event_charge.dispute.created.json",
                ["evt_16YKQi2eZvKYlo2CT2oe5ff3", "dp_1JAyTwJSZQVUcJYgPqasUEn1",
                 "pi_1JAyTwJSZQVUcJYgBbsz0NuH", "ch_fakefakefakefakefake0001"],
                "chargeback.notified")
    wc = woocommerce("woocommerce order", "woocommerce/order_v3__retrieve_example.json",
                     "order.created", ["727"], "order.created", "order.paid")
    tb = tmc("taobao", "taobao_trade_TradeCreate", "order.created", tid=taobao_tid())
    ae = tmc("aliexpress", "aliexpress_order_InCancel", "order.cancelled", order_id=num())
    originals = [sh, st, wc, tb, ae]
    expected = expected_events(originals)

    def tampered(d: Delivery) -> bytes:  # the same delivery, pointed at another business id
        business_id = expected[d.name][0]["event_id"].rsplit(":", 1)[1]
        fresh = num() if business_id.isdigit() else token(business_id.split("_", 1)[0])
        return rewrite(d.body, {business_id: fresh})

    now = int(time.time())
    refused: list[tuple[str, Delivery, bytes, dict[str, str], str]] = []

    def case(label: str, d: Delivery, reason: str, body: bytes | None = None,
             drop: str | None = None, **sign: Any) -> None:
        headers = d.signed(**sign)  # signed over the genuine body
        if drop:
            del headers[drop]
        refused.append((label, d, d.body if body is None else body, headers, reason))

    case("shopify tampered body", sh, "does not match", body=tampered(sh))
    case("shopify wrong secret", sh, "does not match", secret=WRONG_SECRET)
    case("shopify missing hmac", sh, "missing X-Shopify-Hmac-Sha256", drop="X-Shopify-Hmac-Sha256")
    case("stripe tampered body", st, "does not match", body=tampered(st))
    case("stripe wrong secret", st, "does not match", secret=WRONG_SECRET)
    case("stripe timestamp 400 s old", st, "300 s tolerance", stripe_t=now - 400)
    case("stripe timestamp 400 s ahead", st, "300 s tolerance", stripe_t=now + 400)
    case("stripe missing signature", st, "missing Stripe-Signature", drop="Stripe-Signature")
    case("woocommerce tampered body", wc, "does not match", body=tampered(wc))
    case("woocommerce wrong secret", wc, "does not match", secret=WRONG_SECRET)
    case("woocommerce missing signature", wc, "missing X-WC-Webhook-Signature",
         drop="X-WC-Webhook-Signature")
    case("taobao tampered body", tb, "does not match", body=tampered(tb))
    case("taobao wrong secret", tb, "does not match", secret=WRONG_SECRET)
    case("taobao missing signature", tb, "missing X-Orderguard-Signature",
         drop="X-Orderguard-Signature")
    case("aliexpress tampered body", ae, "does not match", body=tampered(ae))
    case("aliexpress wrong secret", ae, "does not match", secret=WRONG_SECRET)
    for label, d, body, headers, reason in refused:
        status, answer = post(ingest.url, d.path, body, headers)
        assert status == 401, (label, status, answer)
        assert reason in answer["error"] and "\n" not in answer["error"], (label, answer)

    # A refusal must not leave a dedupe key behind: the genuine deliveries still go through.
    for d in originals:
        assert ingest.send(d) == (202, {"accepted": len(expected[d.name])}), d.name
    ingest.settle()
    assert_landed_once(ingest, originals, expected)
    counts = ingest.event_counts()
    for label, d, body, _, _ in refused:
        would_be = d.outcome(body)
        if body != d.body:  # the tampered facts never show up
            assert would_be.events, label
            for event in would_be.events:
                assert counts[event["event_id"]] == 0, (label, event["event_id"])
        # nothing reached the dedupe stage but the one genuine delivery, nothing dead-lettered
        body_key = would_be.dedupe_keys[0]
        assert body_key.startswith("body:")
        assert ingest.deliveries_with(body_key) == (1 if body == d.body else 0), label
        assert not ingest.dead_letters(body), label


# --- 3. Shopify secret rotation --------------------------------------------------------------


def test_shopify_accepts_a_body_signed_with_either_secret_during_a_rotation(ingest):
    with_new = shopify_order("orders/create", "order.created")
    with_old = shopify("shopify refunds/create", "shopify/refunds_create__refund_2026-07.json",
                       "refunds/create", {"929361472": num(), "450789469": num()},
                       "refund.completed")
    also_old = shopify_order("orders/paid", "order.paid")
    expected = expected_events([with_new, with_old, also_old])
    assert ingest.send(with_new, secret=SHOPIFY_NEW) == (202, {"accepted": 1})
    assert ingest.send(with_old, secret=SHOPIFY_OLD) == (202, {"accepted": 1})
    assert ingest.send(also_old, secret=SHOPIFY_OLD) == (202, {"accepted": 1})
    ingest.settle()
    assert_landed_once(ingest, [with_new, with_old, also_old], expected)


# --- 4. the WooCommerce ping -----------------------------------------------------------------


def test_woocommerce_unsigned_ping_gets_200_and_stores_nothing(ingest):
    pings = [b"webhook_id=123", f"webhook_id={RUN}".encode()]
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-WC-Webhook-Source": WC_SOURCE}
    for body in pings:
        assert post(ingest.url, "/webhooks/woocommerce", body, headers) == (200, {"ping": "ok"})
    ingest.settle()
    for body in pings:
        outcome = normalize(Webhook("woocommerce", headers, body))
        assert outcome.ping and not outcome.events
        assert all(ingest.deliveries_with(key) == 0 for key in outcome.dedupe_keys)
        assert not ingest.dead_letters(body)


# --- 5. unknown topics: 202, never lost --------------------------------------------------------


def test_unknown_topics_get_202_and_their_original_bytes_are_dead_lettered(ingest):
    def product() -> bytes:
        return orjson.dumps({"id": int(num()), "title": f"og product {RUN}", "vendor": "og"})

    unknown = [
        Delivery("shopify products/create", "shopify", product(),
                 {**shopify_order("orders/create").headers, "X-Shopify-Topic": "products/create"}),
        Delivery("stripe plan.created", "stripe", orjson.dumps({
            **orjson.loads(raw("stripe/openapi_fixtures3__event.json")),
            "id": token("evt"), "created": int(time.time())})),
        tmc("taobao", "taobao_trade_TradeAlipayCreate", tid=taobao_tid()),
        tmc("aliexpress", "aliexpress_order_FundProcessing", order_id=num()),
        Delivery("woocommerce product.created", "woocommerce", product(),
                 {"X-WC-Webhook-Topic": "product.created", "X-WC-Webhook-Source": WC_SOURCE}),
    ]
    topics = {}
    for d in unknown:
        topics[d.name] = d.outcome().unknown_topic
        assert topics[d.name] and not d.outcome().events, d.name
        status, answer = ingest.send(d)
        assert status == 202, (d.name, answer)
        assert answer == {"accepted": 0, "dead_lettered":
                          f"unknown topic {topics[d.name]!r}: kept in the dead letters"}

    ingest.deadletter.read_until(lambda: all(ingest.dead_letters(d.body) for d in unknown),
                                 "the unknown topics' bodies")
    for d in unknown:
        [record] = ingest.dead_letters(d.body)  # byte for byte, once
        headers = {k: v for k, v in record.headers}
        # the request's headers come along: the shop and topic may be named only there
        sent = {k.lower(): v.encode() for k, v in d.headers.items()}  # not signed per attempt
        sent["content-type"] = b"application/json"
        http = {k.removeprefix("orderguard.http."): v for k, v in headers.items()
                if k.startswith("orderguard.http.")}
        assert {k: http.get(k) for k in sent} == sent, d.name
        headers = {k: v for k, v in headers.items() if not k.startswith("orderguard.http.")}
        assert headers == {
            "orderguard.errors.topic": f"http:/webhooks/{d.platform}".encode(),
            "orderguard.errors.partition": b"-1",
            "orderguard.errors.offset": b"-1",
            "orderguard.errors.stage": b"ingest",
            "orderguard.errors.exception.class.name": b"InvalidEvent",
            "orderguard.errors.exception.message":
                f"unknown topic {topics[d.name]!r}: kept in the dead letters".encode(),
        }, d.name


# --- 6. size, encoding and path ----------------------------------------------------------------


def test_body_over_1_mib_gets_413_and_a_body_of_exactly_1_mib_is_accepted(ingest):
    exact = shopify_order("orders/create", "order.created")
    exact = Delivery(exact.name, "shopify", exact.body + b" " * (MAX_BODY - len(exact.body)),
                     exact.headers, exact.types)
    assert len(exact.body) == MAX_BODY
    over = Delivery("over", "shopify", exact.body + b" ", exact.headers)
    expected = expected_events([exact])

    status, answer = ingest.send(over)
    assert (status, answer) == (413, {"error": f"body over {MAX_BODY} bytes"})
    assert ingest.send(exact) == (202, {"accepted": 1})
    ingest.settle()
    assert_landed_once(ingest, [exact], expected)
    assert not ingest.dead_letters(over.body)


def test_invalid_utf8_signed_correctly_gets_422_with_a_one_line_reason_and_is_dead_lettered(
    ingest,
):
    bad = Delivery("invalid utf-8", "shopify",
                   f'{{"id": {num()}, "note": "'.encode() + b"\xff\xfe caf\xe9" + b'"}',
                   shopify_order("orders/create").headers)
    not_json = Delivery("not json", "stripe", f'{{"id": "{token("evt")}", "type": '.encode())
    for d, reason in ((bad, "body is not valid UTF-8"), (not_json, "body is not valid JSON")):
        status, answer = ingest.send(d)
        assert status == 422, (d.name, answer)
        assert answer["error"].startswith(reason) and "\n" not in answer["error"], answer
    ingest.deadletter.read_until(lambda: ingest.dead_letters(bad.body)
                                 and ingest.dead_letters(not_json.body), "the malformed bodies")
    for d in (bad, not_json):
        [record] = ingest.dead_letters(d.body)
        headers = dict(record.headers)
        assert headers["orderguard.errors.topic"] == f"http:/webhooks/{d.platform}".encode()
        assert headers["orderguard.errors.stage"] == b"ingest"
        assert headers["orderguard.errors.exception.class.name"] == b"InvalidEvent"
    assert dict(ingest.dead_letters(bad.body)[0].headers)[
        "orderguard.errors.exception.message"] == b"body is not valid UTF-8"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
def test_a_body_not_in_its_content_encoding_gets_400_with_a_reason(ingest, encoding):
    d = shopify_order("orders/create", "order.created")
    status, answer = post(ingest.url, d.path, d.body,
                          {**d.signed(), "Content-Encoding": encoding})
    assert status == 400, answer  # it was 500, "Server got itself in trouble"
    if encoding in ("br", "zstd"):
        # aiohttp refuses an encoding it cannot decode before the view runs, in plain text
        assert answer["raw"].startswith("Can not decode content-encoding"), answer
    else:
        assert answer == {"error": f"cannot read the body: Can not decode content-encoding: "
                                   f"{encoding}"}, answer


def test_unknown_platform_path_gets_404(ingest):
    status, answer = post(ingest.url, "/webhooks/ebay", b"{}", {"Content-Type": "application/json"})
    assert (status, answer) == (404, {"error": "unknown platform 'ebay'"})


def test_a_malformed_body_just_under_the_limit_is_still_dead_lettered(ingest):
    bad = Delivery("near the limit", "shopify", b"\xff" + RUN.encode() * (1_020_000 // len(RUN)),
                   shopify_order("orders/create").headers)
    assert len(bad.body) <= MAX_BODY
    status, answer = ingest.send(bad)
    assert (status, answer) == (422, {"error": "body is not valid UTF-8"})


# --- 7. a replay with forged delivery ids ------------------------------------------------------


def test_a_replayed_body_with_forged_delivery_ids_is_still_a_duplicate(ingest):
    original = shopify_order("orders/paid", "order.paid")
    expected = expected_events([original])
    assert ingest.send(original) == (202, {"accepted": 1})
    for _ in range(2):  # same bytes (so the same valid HMAC), new delivery ids
        forged = Delivery(original.name, "shopify", original.body, {
            **original.headers,
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Event-Id": num(),
        })
        assert forged.signed()["X-Shopify-Hmac-Sha256"] == original.signed()[
            "X-Shopify-Hmac-Sha256"]
        assert ingest.send(forged) == (202, {"accepted": 1})
    ingest.settle()
    assert_landed_once(ingest, [original], expected)
    # all three were accepted over HTTP and handed to the dedupe stage, which kept one
    body_key = original.outcome().dedupe_keys[0]
    assert ingest.deliveries_with(body_key) == 3
