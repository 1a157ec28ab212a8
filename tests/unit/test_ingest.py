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
