"""What the command line accepts as a duration and as a point in time."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from streams import durations


@pytest.mark.parametrize(("text", "expected"), [
    ("90m", 5400), ("12h", 43200), ("30d", 2_592_000), ("2w", 1_209_600), ("7D", 604_800),
    ("0d", 0),
])
def test_durations(text, expected):
    assert durations.seconds(text) == expected


@pytest.mark.parametrize("text", ["", "d", "30", "30x", "-3d", "1.5h", "2026-10-01", "²d", "３d"])
def test_what_is_no_duration(text):
    assert durations.seconds(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-10-01", datetime(2026, 10, 1, tzinfo=UTC)),
    ("2026-10-01T08:30:00", datetime(2026, 10, 1, 8, 30, tzinfo=UTC)),
    ("2026-10-01 08:30", datetime(2026, 10, 1, 8, 30, tzinfo=UTC)),
    ("2026-10-01T08:30:00Z", datetime(2026, 10, 1, 8, 30, tzinfo=UTC)),
    (" 2026-10-01t08:30:00z ", datetime(2026, 10, 1, 8, 30, tzinfo=UTC)),
    ("2026-10-01T16:30:00+08:00", datetime(2026, 10, 1, 16, 30,
                                           tzinfo=timezone(timedelta(hours=8)))),
])
def test_instants_without_an_offset_are_utc(text, expected):
    at = durations.instant(text)
    assert at == expected and at.utcoffset() is not None


@pytest.mark.parametrize("text", ["", "soon", "30d", "2026-02-30", "2026-13-01", "01/10/2026"])
def test_what_names_no_instant(text):
    assert durations.instant(text) is None
