"""Defensive readers for platform JSON (ids, money, times, buyers); bad shapes: InvalidEvent."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import orjson

from schemas.event import format_ts
from streams.errors import InvalidEvent

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

_PLAIN_DECIMAL = re.compile(r"-?\d{1,30}(\.\d{1,18})?")
_MAX_ID_LENGTH = 200
_MAX_TEXT_LENGTH = 2000
# Stripe amounts are in the smallest currency unit; these currencies have no (or three) decimals.
_ZERO_DECIMAL = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
_THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())


def loads(data: bytes | str, what: str = "body") -> Any:
    """Decode JSON exactly: big integers stay ints, invalid UTF-8 and deep nesting are rejected.

    Raises:
        InvalidEvent: when the input is not UTF-8 JSON (orjson caps nesting at 1024 levels).

    """
    if isinstance(data, bytes):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidEvent(f"{what} is not valid UTF-8") from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidEvent(f"{what} is not valid JSON: {str(exc)[:80]}") from None


def body_hash(body: bytes) -> str:
    """Hex SHA-256 of raw bytes."""
    return hashlib.sha256(body).hexdigest()


def digest(*parts: str) -> str:
    """Hash some strings into a stable short hex (payment and device fingerprints)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def obj(value: Any, what: str) -> dict[str, Any]:
    """``value`` as a JSON object.

    Raises:
        InvalidEvent: when it is anything else.

    """
    if not isinstance(value, dict):
        raise InvalidEvent(f"{what} must be a JSON object")
    return value


def opt_obj(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """``parent[key]`` when it is an object, else an empty dict (missing or null)."""
    value = parent.get(key)
    if value is None:
        return {}
    return obj(value, key)


def opt_list(parent: dict[str, Any], key: str) -> list[Any]:
    """``parent[key]`` when it is a list, else an empty list (missing or null).

    Raises:
        InvalidEvent: when it is present with another type.

    """
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidEvent(f"{key} must be a list")
    return value


def text(parent: dict[str, Any], key: str) -> str | None:
    """Read a stripped string field; None when missing, null or blank.

    Raises:
        InvalidEvent: when it has another type.

    """
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEvent(f"{key} must be a string")
    value = value.strip()[:_MAX_TEXT_LENGTH]
    return value or None


def ident(value: Any, what: str) -> str:
    """Read an id as a string: JSON integers (exact, even above 2^53) or non-empty strings.

    Raises:
        InvalidEvent: for floats (precision already lost), booleans, empty or huge values.

    """
    if isinstance(value, bool) or value is None:
        raise InvalidEvent(f"missing {what}")
    if isinstance(value, int):
        result = str(value)
    elif isinstance(value, str):
        result = value.strip()
    else:
        raise InvalidEvent(f"{what} must be an integer or a string")
    if not result or len(result) > _MAX_ID_LENGTH:
        raise InvalidEvent(f"{what} must be a non-empty id")
    return result


def opt_ident(parent: dict[str, Any], key: str) -> str | None:
    """``parent[key]`` as an id string, or None when missing, null or empty string."""
    value = parent.get(key)
    if value is None or value == "":
        return None
    return ident(value, key)


def req_ident(parent: dict[str, Any], key: str, what: str | None = None) -> str:
    """``parent[key]`` as an id string.

    Raises:
        InvalidEvent: when it is missing or not an id.

    """
    return ident(parent.get(key), what or key)


def decimal_str(value: Any, what: str) -> str:
    """Read money as a plain decimal string, never through binary floating point.

    JSON strings are kept as written when they are plain decimals; JSON numbers are
    rendered from their shortest representation.

    Raises:
        InvalidEvent: for anything that is not a finite, reasonably sized decimal.

    """
    if isinstance(value, bool) or value is None:
        raise InvalidEvent(f"{what} must be a decimal amount")
    if isinstance(value, str):
        candidate = value.strip()
    elif isinstance(value, int):
        candidate = str(value)
    elif isinstance(value, float):
        candidate = repr(value)
    else:
        raise InvalidEvent(f"{what} must be a decimal amount")
    if _PLAIN_DECIMAL.fullmatch(candidate):
        return candidate
    try:
        number = Decimal(candidate)
    except InvalidOperation:
        raise InvalidEvent(f"{what} is not a decimal: {candidate[:40]!r}") from None
    if not number.is_finite() or abs(number.adjusted()) > 30:
        raise InvalidEvent(f"{what} is out of range")
    plain = format(number, "f")
    if not _PLAIN_DECIMAL.fullmatch(plain):
        raise InvalidEvent(f"{what} is out of range")
    return plain


def opt_decimal(parent: dict[str, Any], key: str) -> str | None:
    """``parent[key]`` as a decimal string, or None when missing, null or blank."""
    value = parent.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return decimal_str(value, key)


def abs_decimal(amount: str) -> str:
    """Drop the sign of a plain decimal string (WooCommerce refunds are negative)."""
    return amount[1:] if amount.startswith("-") else amount


def currency(value: Any) -> str | None:
    """Read an ISO 4217 code in upper case; None when missing.

    Raises:
        InvalidEvent: when present but not three letters.

    """
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise InvalidEvent("currency must be an ISO 4217 code")
    return value.strip().upper()


def minor_units(value: Any, code: str | None, what: str = "amount") -> str:
    """Stripe's integer amount in the smallest unit as a decimal string (1000 usd -> "10.00").

    Raises:
        InvalidEvent: when the value is not an integer of sane size.

    """
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 10**20:
        raise InvalidEvent(f"{what} must be an integer in the smallest currency unit")
    exponent = 0 if code in _ZERO_DECIMAL else 3 if code in _THREE_DECIMAL else 2
    return format(Decimal(value).scaleb(-exponent), "f")


def _utc(ts: datetime, naive_tz: timezone | None, what: str) -> str:
    if ts.tzinfo is None:
        if naive_tz is None:
            raise InvalidEvent(f"{what} has no UTC offset")
        ts = ts.replace(tzinfo=naive_tz)
    try:
        ts = ts.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidEvent(f"{what} is out of range") from None
    if ts.year < 1900:  # also keeps strftime's %Y at four digits
        raise InvalidEvent(f"{what} is out of range")
    return format_ts(ts)


def timestamp(value: Any, what: str, naive_tz: timezone | None = None) -> str:
    """Convert a platform timestamp to RFC 3339 UTC with a trailing Z.

    Accepts ISO 8601 / RFC 3339 strings (also ``yyyy-MM-dd HH:mm:ss``), and integer
    epoch seconds or milliseconds. Naive strings are read in ``naive_tz``.

    Raises:
        InvalidEvent: when the value is not a usable timestamp.

    """
    if isinstance(value, bool) or value is None:
        raise InvalidEvent(f"{what} must be a timestamp")
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= 10**11 else value
        try:
            ts = datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise InvalidEvent(f"{what} is out of range") from None
        return _utc(ts, None, what)
    if not isinstance(value, str):
        raise InvalidEvent(f"{what} must be a timestamp")
    raw = value.strip()
    if re.fullmatch(r"[0-9]{1,15}", raw):
        return timestamp(int(raw), what, naive_tz)
    # Python 3.11 reads at most 6 fractional digits; Shopify sends 9.
    raw = re.sub(r"(\.\d{6})\d+", r"\1", raw[:64])
    try:
        ts = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidEvent(f"{what} is not a timestamp: {raw[:40]!r}") from None
    return _utc(ts, naive_tz, what)


def opt_timestamp(parent: dict[str, Any], key: str, naive_tz: timezone | None = None) -> str | None:
    """``parent[key]`` as an RFC 3339 UTC string, or None when missing, null or blank."""
    value = parent.get(key)
    if value is None or value == "" or value == 0:
        return None
    return timestamp(value, key, naive_tz)


def email_id(value: str | None) -> str | None:
    """Make the buyer id ``email:<lower-stripped>``; None when not an email."""
    if not value:
        return None
    email = value.strip().lower()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        return None
    return f"email:{email}"


def ip_address(value: str | None) -> str | None:
    """Keep a usable IP address; None for empty, malformed or placeholder ones (0.0.0.0)."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.is_unspecified:
        return None
    return str(address)


def host_of(url: str | None) -> str | None:
    """Return the host name of a URL (WooCommerce's site), or None."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    return host or None


def compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """Drop None and empty-string values from ``mapping``."""
    return {k: v for k, v in mapping.items() if v is not None and v != ""}
