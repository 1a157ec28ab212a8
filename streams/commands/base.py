"""What every command shares: the one-line error, the settings, the date option type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import click

from streams import durations
from streams.errors import OrderguardError
from streams.settings import Settings


class CliError(click.ClickException):
    """A one-line error; exit code 2."""

    exit_code = 2


class Group(click.Group):
    """Translate orderguard's errors into one clear line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, turning an OrderguardError into a CliError.

        So is a Kafka cluster that does not answer: kafka-python's own error is a
        traceback after its bootstrap timeout, which tells a user less than one line.
        """
        try:
            return super().invoke(ctx)
        except OrderguardError as exc:
            raise CliError(str(exc)) from None
        except Exception as exc:
            if not _unreachable(exc):
                raise
            from streams.kafka_admin import broker_unavailable

            raise CliError(str(broker_unavailable(load_settings().kafka, exc))) from None


def _unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` is kafka-python failing to reach any broker."""
    if not type(exc).__module__.startswith("kafka"):
        return False
    # kafka-python 3 raises KafkaTimeoutError("Unable to bootstrap from ..."); 2.x raised
    # NoBrokersAvailable, which 3 no longer has
    name = type(exc).__name__
    return name == "NoBrokersAvailable" or (
        name == "KafkaTimeoutError" and "bootstrap" in str(exc)
    )


def load_settings() -> Settings:
    """The settings from the environment; a bad value is a CliError."""
    try:
        return Settings.from_env()
    except OrderguardError as exc:
        raise CliError(str(exc)) from None


def kafka_settings() -> Settings:
    """The settings, once a broker accepts connections at ``ORDERGUARD_KAFKA`` (2 s at most).

    For the commands that talk to Kafka, so that one with no broker fails at once, in one
    line, instead of after kafka-python's 30 s bootstrap.
    """
    from streams.kafka_admin import require_broker

    settings = load_settings()
    require_broker(settings.kafka)
    return settings


class Seconds(click.ParamType):
    """A number of seconds from ``least`` up to a day: finite (no ``inf``, no ``nan``)."""

    name = "SECONDS"

    def __init__(self, least: float) -> None:
        self.least = least

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> float:
        """Parse the option's value."""
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not self.least <= seconds <= DAY_S:  # also false for nan
            self.fail(f"{value!r} is not from {self.least:g} to {DAY_S:g} seconds", param, ctx)
        return seconds


DAY_S = 86400.0


class Instant(click.ParamType):
    """A UTC day (``2026-10-01``), an RFC 3339 instant, or a duration back from now.

    An instant without an offset is UTC; a duration is ``24h``, ``7d``, ``2w`` and so on.
    """

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> datetime:
        """Parse the option's value."""
        if isinstance(value, datetime):
            return value
        ago = durations.seconds(str(value))
        if ago is not None:
            try:
                return datetime.now(UTC) - timedelta(seconds=ago)
            except OverflowError:
                self.fail(f"{value!r} reaches back before the year 1", param, ctx)
        at = durations.instant(str(value))
        if at is None:
            self.fail(f"{value!r} is not a date (2026-10-01), an RFC 3339 time or a duration "
                      "back from now (7d, 24h)", param, ctx)
        return at
