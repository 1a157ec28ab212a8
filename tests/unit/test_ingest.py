from datetime import UTC, datetime, timedelta

import orjson

from streams.adapters import Secrets
from streams.ingest import decide
from tests.factories import make_event

NOW = datetime(2026, 10, 2, 12, 0, tzinfo=UTC)


def test_a_generic_event_is_accepted_with_202():
    answer = decide("generic", {}, orjson.dumps(make_event()), Secrets(), NOW)
    assert answer.status == 202 and answer.body == {"accepted": 1}
    assert answer.outcome is not None and answer.dead_letter is None


def test_an_event_more_than_a_day_in_the_future_is_refused_and_dead_lettered():
    event = make_event(at=NOW + timedelta(days=1, minutes=1), event_id="future")
    answer = decide("generic", {}, orjson.dumps(event), Secrets(), NOW)
    assert answer.status == 422
    assert "'future'" in answer.body["error"] and "24 hours in the future" in answer.body["error"]
    assert answer.dead_letter is not None


def test_late_events_from_the_past_are_fine():
    event = make_event(at=NOW - timedelta(days=400))
    assert decide("generic", {}, orjson.dumps(event), Secrets(), NOW).status == 202


def test_unknown_platform_is_404_and_oversized_body_413():
    assert decide("ebay", {}, b"{}", Secrets(), NOW).status == 404
    assert decide("generic", {}, b" " * (1024 * 1024 + 1), Secrets(), NOW).status == 413


def test_a_signed_platform_without_a_configured_secret_is_refused_with_401():
    answer = decide("shopify", {"X-Shopify-Topic": "orders/create"}, b"{}", Secrets(), NOW)
    assert answer.status == 401 and answer.outcome is None and answer.dead_letter is None


# --- no input makes the ingest answer anything but a 2xx or a 4xx -----------------------------

import json  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from streams.adapters import PLATFORMS  # noqa: E402

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                  max_size=6),
    max_leaves=20,
)
bodies = st.binary(max_size=512) | json_values.map(lambda v: json.dumps(v).encode())  # big ints too


@pytest.mark.parametrize("platform", PLATFORMS)
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, topic=st.sampled_from(["orders/create", "order.updated", "taobao_trade_"
                                           "TradeCreate", "charge.dispute.created", ""]))
def test_ingest_answers_every_body_with_a_2xx_or_4xx(platform, body, topic):
    headers = {"X-Shopify-Topic": topic, "X-WC-Webhook-Topic": topic}
    unsigned = Secrets()  # shopify & co refuse unsigned bodies (401); generic parses them
    signed_off = decide(platform, headers, body, unsigned, NOW)
    assert signed_off.status in (200, 202, 401, 422), signed_off
    assert signed_off.status != 202 or signed_off.outcome or signed_off.dead_letter
