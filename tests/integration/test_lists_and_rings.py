"""Allow/deny lists through the compacted topic, and linked-account rings, on a real worker."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import orjson

from tests.factories import T0, make_event, unpaid_order
from tests.integration.conftest import sql, wait_for
from tests.integration.helpers import nonpayer, post, read_alerts


def cli(worker, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], env=worker.env,
                          capture_output=True, text=True, timeout=120, check=True)


def list_entries(worker) -> int:
    return worker.health()["lists"]["entries"]


def test_a_deny_listed_buyers_new_order_raises_blocked_buyer_order(broker, worker, run_id):
    buyer = f"deny-{run_id}"
    before = list_entries(worker)
    cli(worker, "block", "add", buyer, "--reason", "ordered 9 and paid none", "--expires", "30d")
    wait_for(lambda: list_entries(worker) > before, what="the worker to see the entry")
    listed = [orjson.loads(x) for x in cli(worker, "block", "list", "--format", "jsonl")
              .stdout.splitlines()]
    assert {"kind": "deny", "buyer_id": buyer, "seller_id": "*"}.items() <= next(
        e for e in listed if e["buyer_id"] == buyer).items()

    order = make_event("order.created", buyer=buyer, order=f"{run_id}-o1",
                       event_id=f"{run_id}-c1")
    assert post(worker.url, [order])[0] == 202
    [alert] = read_alerts(broker, {buyer}, until=bool)
    assert alert["rule_id"] == "blocked_buyer_order"
    assert alert["severity"] in ("high", "critical")
    assert "ordered 9 and paid none" in alert["explanation"]
    assert alert["evidence_event_ids"] == [order["event_id"]]

    cli(worker, "block", "remove", buyer)
    listed = cli(worker, "block", "list", "--format", "jsonl").stdout
    assert buyer not in listed
    # again, or at a seller where it has none: nothing to remove, and it says so
    again = subprocess.run([sys.executable, "-m", "streams.cli", "block", "remove", buyer],
                           env=worker.env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 2
    assert again.stderr.strip() == f"Error: {buyer} has no deny entry at *: nothing removed"
    cli(worker, "block", "add", buyer, "--seller", "shop-9", "--reason", "r", "--expires",
        "2099-01-31")
    elsewhere = subprocess.run([sys.executable, "-m", "streams.cli", "block", "remove", buyer],
                               env=worker.env, capture_output=True, text=True, timeout=120)
    assert elsewhere.returncode == 2
    assert elsewhere.stderr.strip().endswith("nothing removed; its entries: deny at shop-9")
    cli(worker, "block", "remove", buyer, "--seller", "shop-9")


def test_an_allow_listed_buyer_raises_no_alert_and_the_suppression_is_recorded(
    broker, worker, run_id
):
    buyer, marker = f"vip-{run_id}", f"mark-{run_id}"
    before = list_entries(worker)
    cli(worker, "block", "add", buyer, "--allow", "--reason", "wholesale account")
    wait_for(lambda: list_entries(worker) > before, what="the worker to see the entry")
    assert post(worker.url, nonpayer(buyer, T0, run_id))[0] == 202
    assert post(worker.url, nonpayer(marker, T0, f"m{run_id}"))[0] == 202
    alerts = read_alerts(broker, {buyer, marker}, until=lambda f: any(
        marker in a["buyer_ids"] for a in f))
    assert not [a for a in alerts if buyer in a["buyer_ids"]]
    rows = wait_for(lambda: sql(worker, "SELECT rule_id, list_reason FROM suppressions "
                                        f"WHERE list_contains(buyer_ids, '{buyer}')"),
                    what="the suppression stored")
    assert ("nonpayment_burst", "wholesale account") in rows


def _phone_ring(run_id: str, prefix: str) -> tuple[list[str], str, list[dict]]:
    """Four accounts sharing a phone, each below the single-buyer limits: ids, phone, events.

    The phone and streets are this run's own: earlier runs on the same broker stay unlinked.
    """
    ring = [f"{prefix}{n}-{run_id}" for n in range(4)]
    phone = f"+86 138 {int(run_id[:8], 16) % 10**8:08d}"
    events = []
    for n, buyer in enumerate(ring):
        for k in range(2 if n < 2 else 1):
            events += unpaid_order(buyer, T0 + timedelta(hours=5 * n + k), f"{run_id}-{n}", k,
                                   shipping={"name": f"Name {n}", "phone": phone,
                                             "country": "CN", "postal_code": "310000",
                                             "city": "Hangzhou",
                                             "address1": f"{n} {run_id} Wensan Rd"})
    return ring, phone, events


def test_a_ring_of_accounts_sharing_a_phone_alerts_each_account_listing_every_account(
    broker, worker, run_id
):
    ring, phone, events = _phone_ring(run_id, "ring")
    assert post(worker.url, events)[0] == 202

    def each_account_alerted(found):
        return {a["buyer_ids"][0] for a in found if a["rule_id"] == "linked_accounts"} \
            == set(ring)

    alerts = read_alerts(broker, set(ring), until=each_account_alerted)
    assert not [a for a in alerts if a["rule_id"] == "nonpayment_burst"]
    rings = [a for a in alerts if a["rule_id"] == "linked_accounts"]
    # one alert per account and severity, keyed by the account (it comes first), listing
    # the accounts linked when it fired: the account that joined last sees all four
    for severity in {a["severity"] for a in rings}:
        assert sorted(a["buyer_ids"][0] for a in rings if a["severity"] == severity) == sorted(ring)
    assert len({a["alert_id"] for a in rings}) == len(rings)
    assert any(set(a["buyer_ids"]) == set(ring) for a in rings)
    for ring_alert in rings:
        assert set(ring_alert["buyer_ids"]) <= set(ring)
        assert "phone" in ring_alert["explanation"]
        assert phone[-8:] not in ring_alert["explanation"]  # the number is not spread around


def test_a_ring_whose_accounts_are_all_allow_listed_is_suppressed_as_replay_suppresses_it(
    broker, worker, run_id, tmp_path
):
    ring, _, events = _phone_ring(run_id, "ok-ring")
    before = list_entries(worker)
    for buyer in ring:
        cli(worker, "block", "add", buyer, "--allow", "--reason", "one family's shop accounts")
    wait_for(lambda: list_entries(worker) >= before + len(ring), what="the worker to see them")
    assert post(worker.url, events)[0] == 202

    suppressed = "SELECT DISTINCT buyer_ids[1] FROM suppressions WHERE rule_id = " \
                 f"'linked_accounts' AND list_contains(buyer_ids, '{ring[0]}')"
    wait_for(lambda: {b for (b,) in sql(worker, suppressed)} == set(ring), timeout_s=90,
             what="a suppressed ring alert for each account")
    raised = f"SELECT count(*) FROM alerts WHERE list_has_any(buyer_ids, {ring!r})"
    assert sql(worker, raised) == [(0,)]

    # orderguard replay of the same events with the same lists suppresses the same alerts
    lists = tmp_path / "lists.jsonl"
    lists.write_text(cli(worker, "block", "list", "--all", "--format", "jsonl").stdout)
    day = tmp_path / "events.jsonl"
    day.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    out = cli(worker, "replay", str(day), "--lists", str(lists))
    assert out.stdout == ""
    assert "alerts suppressed by allow-list entries" in out.stderr


def test_a_card_named_only_at_payment_links_accounts_whose_unpaid_orders_came_before(
    broker, worker, run_id
):
    # Each account lets two orders close unpaid, then pays one with the same card, which
    # Shopify and Stripe name only on the payment. The identity of the card learns each
    # account's earlier closes from the record the buyers stage sends with the first message.
    ring = [f"card{n}-{run_id}" for n in range(3)]
    card = {"method": "card", "account_fingerprint": f"pf-{run_id}"}
    events = []
    for n, buyer in enumerate(ring):
        for k in range(2):
            events += unpaid_order(buyer, T0 + timedelta(hours=3 * n + k), f"{run_id}-{n}", k)
        order = f"{run_id}-{n}-paid"
        events += [
            make_event("order.created", buyer=buyer, order=order,
                       at=T0 + timedelta(days=3, hours=n), event_id=f"{order}-c"),
            make_event("order.paid", buyer=buyer, order=order, payment=card,
                       at=T0 + timedelta(days=3, hours=n, minutes=5), event_id=f"{order}-p"),
        ]
    assert post(worker.url, events)[0] == 202

    def each_account_alerted(found):
        return {a["buyer_ids"][0] for a in found if a["rule_id"] == "linked_accounts"} \
            == set(ring)

    alerts = read_alerts(broker, set(ring), until=each_account_alerted)
    rings = [a for a in alerts if a["rule_id"] == "linked_accounts"]
    assert {a["buyer_ids"][0] for a in rings} == set(ring)
    assert any(set(a["buyer_ids"]) == set(ring) for a in rings)
    assert all("payment account" in a["explanation"] for a in rings)
    assert any("6 orders close unpaid" in a["explanation"] for a in rings)
