"""The tables' value codec: MessagePack behind a marker byte, JSON records still read."""

from __future__ import annotations

import faust
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams import statecodec

STATE = {
    "w": 1791650580, "s": {"s-tm2": [20733, 8, 0, 0, 0, 0, 0, 0]}, "k": "JEoGiZsyJEofotxg",
    "o": {"4610983954951440045": [1791390960, "s-tm2", 3, "196.68", "~10", 1791650160,
                                  "sku-007", 3]},
    "t": "西湖区文三路12号", "n": [1, 2.5, None, True, False, -7, 2**63 + 5],
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@given(json_values)
def test_every_json_shaped_value_comes_back_equal_from_both_formats(value):
    assert statecodec.loads(statecodec.dumps(value)) == value
    assert statecodec.loads(orjson.dumps(value)) == value  # as an older worker wrote it


def test_a_record_is_the_marker_then_messagepack_and_smaller_than_the_json():
    record = statecodec.dumps(STATE)
    assert record[:1] == statecodec.MARK == b"\xc1"
    assert len(record) < 0.8 * len(orjson.dumps(STATE))
    assert statecodec.loads(record) == STATE


@pytest.mark.parametrize("old", [b'{"w": 1}', b"[1, 2]", b"1733000000", b'"x"', b"null",
                                 b" {}"])
def test_json_records_are_read_as_json(old):
    assert statecodec.loads(old) == orjson.loads(old)


def test_a_record_that_is_neither_raises_instead_of_guessing():
    with pytest.raises(ValueError):
        statecodec.loads(statecodec.MARK + b"\xc1")
    with pytest.raises(ValueError):
        statecodec.loads(b"\x82\xa1w")  # MessagePack without the marker: not JSON either


def test_faust_writes_and_reads_table_values_with_it():
    app = faust.App("statecodec-test", broker="memory://")
    assert statecodec.register() == statecodec.register() == "ogstate"
    written = app.serializers.dumps_value(None, STATE, serializer="ogstate")
    assert written == statecodec.dumps(STATE)
    assert app.serializers.loads_value(None, written, serializer="ogstate") == STATE
