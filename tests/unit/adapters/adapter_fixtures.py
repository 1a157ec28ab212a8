"""Factories shared by the adapter tests: fixture files, webhooks, Stripe and TMC envelopes."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from streams.adapters import Webhook

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def raw(name: str) -> bytes:
    """The exact bytes of a fixture file under tests/fixtures/."""
    return (FIXTURES / name).read_bytes()


def load(name: str) -> Any:
    return json.loads(raw(name))


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def hook(platform: str, body: bytes | Any, topic: str | None = None, **headers: str) -> Webhook:
    """A Webhook; a non-bytes body is JSON-encoded; header kwargs use _ for - (X_Shopify_Topic)."""
    data = body if isinstance(body, bytes) else dumps(body)
    return Webhook(platform, {k.replace("_", "-"): v for k, v in headers.items()}, data, topic)


def stripe_event(obj: dict[str, Any], etype: str, **extra: Any) -> dict[str, Any]:
    """Wrap a Stripe object the way Stripe's webhook Event does."""
    return {
        "id": f"evt_test_{etype}",
        "object": "event",
        "created": extra.pop("created", 1700000000),
        "type": etype,
        "data": {"object": obj},
        **extra,
    }


def derived_topics(name: str) -> dict[str, Any]:
    topics: dict[str, Any] = load(name)["topics"]
    return topics


def sample_content(topic_fields: list[dict[str, Any]], **values: Any) -> dict[str, Any]:
    """A TMC content object with every field the DERIVED schema lists, filled by type."""
    content: dict[str, Any] = {}
    for field in topic_fields:
        name, kind = field["name"], field["type"]
        if "bigint" in kind:
            content[name] = 4000000000000000001  # above 2^53, like real Taobao ids
        elif kind == "number":
            content[name] = 7
        elif "Date" in kind or name.endswith("_time"):
            content[name] = "2026-03-01 10:00:00"
        elif name in ("payment", "refund_fee", "price", "post_fee"):
            content[name] = "129.90"
        else:
            content[name] = f"{name}-value"
    content.update(values)
    return content


def tmc_message(topic: str, content: dict[str, Any], **envelope: Any) -> dict[str, Any]:
    """A TMC envelope as our relay posts it: content is a JSON *string* (big ints stay exact)."""
    return {
        "id": envelope.pop("id", "7356180000000000001"),
        "topic": topic,
        "content": json.dumps(content),
        "time": envelope.pop("time", "2026-03-01 10:00:05"),
        "userid": envelope.pop("userid", 2200000000001),
        "nick": "seller-nick",
        **envelope,
    }


def orderguard_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
