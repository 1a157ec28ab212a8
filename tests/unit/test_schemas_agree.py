"""The Faust Records, the JSON Schema files and the Python vocabularies say the same thing."""

import json
from importlib import resources

import jsonschema
import pytest

from schemas import alert as alert_vocab
from schemas import event as event_vocab
from schemas.records import Alert, CanonicalEvent
from tests.factories import make_event


def load(name):
    return json.loads(resources.files("schemas").joinpath(name).read_text())


EVENT_SCHEMA = load("event.schema.json")
ALERT_SCHEMA = load("alert.schema.json")


def record_fields(record):
    """Field name -> required (no default) for a Faust Record."""
    options = record._options
    return {name: name not in options.defaults for name in options.fields}


def test_event_record_fields_match_the_json_schema_properties():
    fields = record_fields(CanonicalEvent)
    assert set(fields) == set(EVENT_SCHEMA["properties"])
    assert {f for f, required in fields.items() if required} == set(EVENT_SCHEMA["required"])
    assert set(EVENT_SCHEMA["required"]) == set(event_vocab.REQUIRED)


def test_alert_record_fields_match_the_json_schema_and_the_contract_fields():
    assert set(record_fields(Alert)) == set(ALERT_SCHEMA["properties"]) == set(alert_vocab.FIELDS)
    assert set(ALERT_SCHEMA["required"]) == set(alert_vocab.FIELDS)


def test_vocabularies_match():
    props = EVENT_SCHEMA["properties"]
    assert set(props["type"]["enum"]) == event_vocab.EVENT_TYPES
    assert set(props["marketplace"]["enum"]) == event_vocab.MARKETPLACES
    aprops = ALERT_SCHEMA["properties"]
    assert tuple(aprops["severity"]["enum"]) == alert_vocab.SEVERITIES
    assert set(aprops["recommended_actions"]["items"]["enum"]) == alert_vocab.ACTIONS


@pytest.mark.parametrize("etype", sorted(event_vocab.EVENT_TYPES - {"buyer.message"}))
def test_events_the_validator_accepts_also_pass_the_json_schema(etype):
    event = event_vocab.validate_event(make_event(etype))
    jsonschema.validate(event, EVENT_SCHEMA)
    assert CanonicalEvent.from_data(event).event_id == event["event_id"]


def test_json_schema_refuses_a_float_amount_like_the_validator():
    event = make_event(amount=12.5)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, EVENT_SCHEMA)


def test_record_round_trips_through_the_orjson_codec():
    event = event_vocab.validate_event(make_event(shipping={"city": "Hangzhou"}))
    record = CanonicalEvent.from_data(event)
    again = CanonicalEvent.loads(record.dumps())
    assert again.shipping.city == "Hangzhou"
    assert again.items[0].sku == "sku-1"


def test_what_the_validator_rewrites_passes_the_json_schema():
    # a time at another offset and a lower-case currency come out as the schema wants them
    event = event_vocab.validate_event(make_event(
        occurred_at="2026-10-01T16:30:00+08:00", currency="usd",
        payment_deadline_at="2026-10-03T16:30:00+08:00"))
    jsonschema.validate(event, EVENT_SCHEMA)


@pytest.mark.parametrize("change", [{"amount": "1" * 15},
                                    {"items": [{"sku": "a", "quantity": 10**9 + 1}]}])
def test_json_schema_bounds_amounts_and_quantities_like_the_validator(change):
    event = make_event(**change)
    with pytest.raises(event_vocab.InvalidEvent):
        event_vocab.validate_event(dict(event))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, EVENT_SCHEMA)
