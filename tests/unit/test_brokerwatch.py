"""Broker reachability, the repeat filter on aiokafka's log, and the ingest's wait for an ack."""

import asyncio
import logging
from collections import Counter
from types import SimpleNamespace

import pytest

from streams.adapters import Outcome
from streams.agents.wiring import Wiring, delivery_record, spooled_key
from streams.brokerwatch import Reachability, RepeatFilter, install
from streams.errors import ConfigError
from streams.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _record(msg: str, *args: object, level: int = logging.ERROR,
            name: str = "aiokafka.conn") -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_the_filter_passes_the_first_error_of_a_template_and_holds_repeats_for_the_window():
    clock = Clock()
    flt = RepeatFilter(window_s=60, clock=clock)
    template = "Unable connect to node with id %s: %s"
    assert flt.filter(_record(template, 1, "refused"))
    assert not flt.filter(_record(template, 2, "refused"))  # another node: still a repeat
    assert not flt.filter(_record(template, 1, "timeout"))
    assert flt.filter(_record("Unable to update metadata from %s", [1]))  # another template
    assert flt.filter(_record(template, 1, "refused", name="aiokafka.client"))  # another logger
    clock.now += 59.9
    assert not flt.filter(_record(template, 1, "refused"))
    assert flt.take() == 3
    assert flt.take() == 0
    clock.now += 0.2  # a minute after the first: one passes again
    assert flt.filter(_record(template, 1, "refused"))


def test_the_filter_never_holds_back_info_or_debug_records():
    flt = RepeatFilter(window_s=60, clock=Clock())
    for _ in range(3):
        assert flt.filter(_record("Discovered coordinator %s for group %s", 1, "g",
                                  level=logging.INFO))
    assert flt.take() == 0


def test_the_filter_keeps_a_bounded_number_of_templates():
    clock = Clock()
    flt = RepeatFilter(window_s=60, clock=clock)
    flt.MAX_TEMPLATES = 10
    for n in range(10):
        assert flt.filter(_record(f"pre-formatted line {n}"))
    clock.now += 61
    assert flt.filter(_record("one more"))  # the full table drops what is past the window
    assert len(flt._passed) == 1


def test_install_reaches_the_loggers_below_the_prefix_that_records_come_from():
    child = logging.getLogger("og-test-lib.conn")
    flt = RepeatFilter(window_s=60, clock=Clock())
    names = install(flt, prefix="og-test-lib")
    try:
        assert names[0] == "og-test-lib" and "og-test-lib.conn" in names
        assert install(flt, prefix="og-test-lib") == names  # twice: still one filter each
        assert child.filters.count(flt) == 1
        child.error("Unable connect to node with id %s", 1)
        child.error("Unable connect to node with id %s", 2)
        assert flt.take() == 1
    finally:
        for name in names:
            logging.getLogger(name).removeFilter(flt)


def test_reachability_starts_unknown_and_records_when_each_answer_began():
    reach = Reachability()
    assert not reach.down and reach.as_dict(5.0) == {
        "reachable": None, "for_s": None, "checked_s_ago": None,
    }
    assert reach.observe(True, 10.0)
    assert not reach.observe(True, 12.0)
    assert reach.observe(False, 14.0)
    assert reach.down
    assert not reach.observe(False, 16.0)
    assert reach.as_dict(17.0) == {"reachable": False, "for_s": 3.0, "checked_s_ago": 1.0}


def test_the_ack_timeout_setting_is_seconds_above_zero():
    assert Settings.from_env({}).ack_timeout_s == 4.0
    assert Settings.from_env({"ORDERGUARD_ACK_TIMEOUT_S": "0.5"}).ack_timeout_s == 0.5
    for bad in ("0", "-1", "soon", "inf", "nan"):
        with pytest.raises(ConfigError, match="ORDERGUARD_ACK_TIMEOUT_S"):
            Settings.from_env({"ORDERGUARD_ACK_TIMEOUT_S": bad})


class _Deliveries:
    """Stands in for the deliveries topic of a broker that takes a record and never acks it."""

    def __init__(self, acked: bool) -> None:
        self.acked = acked
        self.sent: list[bytes] = []
        self.acks: list[asyncio.Future] = []

    async def send(self, *, key: bytes, value: bytes, headers: list) -> asyncio.Future:
        self.sent.append(value)
        ack = asyncio.get_running_loop().create_future()
        self.acks.append(ack)
        if self.acked:
            ack.set_result(None)
        return ack


@pytest.mark.parametrize("acked", [True, False])
def test_a_delivery_not_acked_in_time_is_reported_not_accepted_and_stays_in_flight(acked):
    wiring = SimpleNamespace(deliveries=_Deliveries(acked), stats=Counter())
    wiring.send_delivery = lambda key, value: Wiring.send_delivery(wiring, key, value)
    key, value = delivery_record(Outcome(events=[{"event_id": "e-1"}], dedupe_keys=("g:1",)))
    assert key == b"g:1" and spooled_key(value) == key
    accepted = asyncio.run(Wiring.publish_delivery(wiring, key, value, 0.05))
    assert accepted is acked
    assert len(wiring.deliveries.sent) == 1
    assert wiring.stats["ingest_not_acked"] == (0 if acked else 1)
    assert not wiring.deliveries.acks[0].cancelled()  # the record stays in flight
