import pytest

from streams.core.fields import epoch_of
from streams.core.sweep import EVERY_DAYS, KEEP_DAYS, Sweeper, day_start, watermark_idle


def test_a_sweep_is_due_at_a_partitions_first_event_then_every_30_days_of_event_time():
    sweeper = Sweeper()
    assert (KEEP_DAYS, EVERY_DAYS) == (400, 30)
    assert sweeper.due(0, "2026-05-01T08:00:00Z") == "2025-03-27"  # first event: sweep
    assert sweeper.due(0, "2026-05-01T23:00:00Z") is None
    assert sweeper.due(0, "2026-05-30T23:59:59Z") is None
    assert sweeper.due(0, "2026-04-20T00:00:00Z") is None  # a late event
    assert sweeper.due(0, "2026-05-31T00:00:00+08:00") == "2025-04-26"  # the date as written
    assert sweeper.due(0, "2026-06-29T00:00:00Z") is None
    assert sweeper.due(1, "2020-01-01T00:00:00Z") == "2018-11-27"  # each partition its own
    assert sweeper.due(2, "not a date") is None
    assert sweeper.due(2, "2020-01-01T00:00:00Z") == "2018-11-27"


@pytest.mark.parametrize(
    ("state", "idle"),
    [
        ({"w": epoch_of("2025-01-31T23:59:59Z")}, True),
        ({"w": epoch_of("2025-02-01T00:00:00Z")}, False),
        ({"w": "2025-01-01"}, False),  # not a watermark: kept
        ({}, False),
        (None, False),
    ],
)
def test_a_state_is_idle_when_its_watermark_is_before_the_date(state, idle):
    assert day_start("2025-02-01") == epoch_of("2025-02-01T00:00:00Z")
    assert watermark_idle(state, day_start("2025-02-01")) is idle
