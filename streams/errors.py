"""One root exception for orderguard, translated at the edges (HTTP status, CLI exit code)."""


class OrderguardError(Exception):
    """Base class of every error orderguard raises on purpose."""


class InvalidEvent(OrderguardError):  # noqa: N818 - the name reads as the condition
    """A payload that is not a valid canonical event (HTTP 422, dead-lettered)."""


class BadSignature(OrderguardError):  # noqa: N818
    """A webhook whose signature is missing or wrong (HTTP 401, nothing stored)."""


class ConfigError(OrderguardError):
    """A setting or rules file that cannot be used."""
