"""Normalizing contact details so that one phone, email or address written many ways is one."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Values that mean "unknown": linking on them would tie together everyone who typed them.
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "", "-", "--", ".", "0", "na", "n/a", "n.a.", "none", "null", "nil", "unknown",
        "undefined", "test", "tbd", "default", "anonymous", "not provided", "no address",
        "test address", "asdf", "qwerty", "测试", "无", "暂无", "不详",
    }
)  # fmt: skip
_EMAIL_PLACEHOLDER_LOCALS: frozenset[str] = frozenset(
    {
        "noreply", "no-reply", "donotreply", "do-not-reply", "none", "null", "na", "nil",
        "test", "example", "noemail", "no-email", "nomail", "unknown", "anonymous", "email",
        "mail", "buyer", "customer", "user", "guest", "invalid",
    }
)  # fmt: skip
# Domains nobody receives mail at (RFC 2606/6761 reserved names, "none.com"): an address
# there is made up, and unrelated buyers make up the same ones ("john@example.com").
_PLACEHOLDER_MAIL: frozenset[str] = frozenset(
    {"example.com", "example.net", "example.org", "none.com", "noemail.com", "nomail.com"}
)
_RESERVED_TLDS: frozenset[str] = frozenset({"invalid", "localhost", "test", "example", "local"})
_GMAIL = frozenset({"gmail.com", "googlemail.com"})

# ISO 3166 country -> (calling code, national trunk prefix, longest national number). Used only
# to write national-format numbers in international form; other countries keep their digits.
CALLING_CODES: dict[str, tuple[str, str, int]] = {
    "CN": ("86", "0", 11), "HK": ("852", "", 8), "MO": ("853", "", 8), "TW": ("886", "0", 9),
    "US": ("1", "", 10), "CA": ("1", "", 10), "MX": ("52", "", 10), "BR": ("55", "0", 11),
    "AR": ("54", "0", 11), "CL": ("56", "", 9), "CO": ("57", "0", 10), "PE": ("51", "0", 9),
    "GB": ("44", "0", 10), "IE": ("353", "0", 9), "FR": ("33", "0", 9), "DE": ("49", "0", 11),
    "AT": ("43", "0", 13), "CH": ("41", "0", 9), "NL": ("31", "0", 9), "BE": ("32", "0", 9),
    "ES": ("34", "", 9), "PT": ("351", "", 9), "IT": ("39", "", 11), "PL": ("48", "", 9),
    "CZ": ("420", "", 9), "SE": ("46", "0", 9), "NO": ("47", "", 8), "DK": ("45", "", 8),
    "FI": ("358", "0", 10), "RU": ("7", "8", 10), "KZ": ("7", "8", 10), "BY": ("375", "8", 9),
    "UA": ("380", "0", 9), "TR": ("90", "0", 10), "IL": ("972", "0", 9), "AE": ("971", "0", 9),
    "SA": ("966", "0", 9), "EG": ("20", "0", 10), "ZA": ("27", "0", 9), "NG": ("234", "0", 10),
    "IN": ("91", "0", 10), "JP": ("81", "0", 10), "KR": ("82", "0", 10), "SG": ("65", "", 8),
    "MY": ("60", "0", 10), "TH": ("66", "0", 9), "VN": ("84", "0", 10), "ID": ("62", "0", 12),
    "PH": ("63", "0", 10), "AU": ("61", "0", 9), "NZ": ("64", "0", 10),
}  # fmt: skip

# "(+86) 139...": the country code in brackets, as Chinese forms show it
_CODE_IN_BRACKETS = re.compile(r"^\(\s*((?:\+|00)\d{1,3})\s*\)")
# "0151/4827913", "+49 151/4827913": a slash after the area code, as written in Germany,
# Austria and Switzerland. Any other slash starts an extension or a second number.
_AREA_SLASH = re.compile(
    r"^((?:\+|00)\d{1,3}[\s.-]*(?:\(0\)\s*)?\d{2,5}|\(?0\d{1,4}\)?)\s*/\s*(?=\d{3})"
)
_PHONE_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|x|#|;|,|/).*$")
_TRUNK_SHOWN = re.compile(r"^((?:\+|00)\d{1,3})[\s.-]*\(0\)")  # "+44 (0)20 ...": drop the (0)
_PHONE_SEPARATORS = re.compile(r"[\s\-().\u00a0]")
_ASCENDING = "01234567890123456789"
_DESCENDING = _ASCENDING[::-1]

_WORD = re.compile(r"\w+")
_ADDRESS_WORDS: dict[str, str] = {
    "street": "st", "str": "st", "road": "rd", "avenue": "ave", "av": "ave",
    "boulevard": "blvd", "drive": "dr", "lane": "ln", "court": "ct", "place": "pl",
    "square": "sq", "highway": "hwy", "parkway": "pkwy", "terrace": "ter",
    "apartment": "apt", "unit": "apt", "suite": "apt", "ste": "apt", "flat": "apt",
    "room": "rm", "floor": "fl", "building": "bldg", "north": "n", "south": "s",
    "east": "e", "west": "w", "number": "no",
}  # fmt: skip


def _clean(value: Any) -> str:
    """A field as NFKC text (full-width digits and letters become ASCII), stripped; '' if absent."""
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFKC", value).strip()


def _placeholder(text: str) -> bool:
    """Whether a casefolded value means "unknown" or repeats one letter or digit (``0.0.0.0``)."""
    return text in PLACEHOLDERS or len({c for c in text if c.isalnum()}) <= 1


def normalize_phone(raw: Any, country: Any = "") -> str | None:
    """A phone number in E.164-like form (``+8613800138000``), or None when unusable.

    Spaces, dashes, dots and parentheses go; ``00`` becomes ``+``; an extension (or a
    second number) is cut off, but a slash right after the area code (``0151/4827913``) is
    a separator, and a country code in brackets (``(+86) 139...``) counts.
    A number without a country code gets the shipping country's code (dropping the national
    trunk prefix, e.g. UK ``07700 900123`` -> ``+447700900123``); with an unknown country it
    stays bare digits. Masked numbers (``138****8000``), letters, too few or too many digits,
    and obvious fakes (``0000000``, ``1234567``) give None.

    Args:
        raw: the ``shipping.phone`` value.
        country: the ``shipping.country`` code, used only for national-format numbers.

    """
    text = _clean(raw)
    if not text or "*" in text:
        return None
    text = _AREA_SLASH.sub(r"\1 ", _CODE_IN_BRACKETS.sub(r"\1 ", text))
    text = _TRUNK_SHOWN.sub(r"\1", _PHONE_EXTENSION.sub("", text))
    plus = text.startswith("+")
    digits = _PHONE_SEPARATORS.sub("", text[1:] if plus else text)
    if not digits.isascii() or not digits.isdigit():
        return None
    if not plus and digits.startswith("00"):
        plus, digits = True, digits[2:]
    elif not plus and country:
        code, trunk, longest = CALLING_CODES.get(_clean(country).upper(), ("", "", 0))
        if not code:
            pass
        elif digits.startswith(code) and len(digits) > longest:
            plus = True  # too long to be national: the international form without its "+"
        else:
            if trunk and digits.startswith(trunk):
                digits = digits[len(trunk) :]
            plus, digits = True, code + digits
    if plus and (not 8 <= len(digits) <= 15 or digits[0] == "0"):
        return None
    if not plus and not 7 <= len(digits) <= 15:
        return None
    tail = digits[-7:]
    if len(set(tail)) <= 2 or tail in _ASCENDING or tail in _DESCENDING:
        return None
    return f"+{digits}" if plus else digits


def normalize_email(raw: Any) -> str | None:
    """An email address with the variants of one mailbox folded together, or None.

    Casefolded; a ``+tag`` is dropped everywhere; for Gmail the dots in the local part too,
    and ``googlemail.com`` is ``gmail.com``. Masked (``a***@x.com``), placeholder
    (``noreply@...``, ``test@...``) and made-up addresses (``...@example.com``, reserved
    for documentation: unrelated buyers type the same ones) give None.

    Args:
        raw: the ``shipping.email`` value.

    """
    text = _clean(raw).casefold()
    if "*" in text or text.count("@") != 1 or any(c.isspace() for c in text):
        return None
    local, _, domain = text.partition("@")
    domain = domain.rstrip(".")
    local = local.partition("+")[0]
    if domain in _GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    labels = domain.split(".")
    if not local or len(labels) < 2 or labels[-1] in _RESERVED_TLDS:
        return None
    if local in _EMAIL_PLACEHOLDER_LOCALS or ".".join(labels[-2:]) in _PLACEHOLDER_MAIL:
        return None
    return f"{local}@{domain}"


def normalize_address(address1: Any, postal_code: Any, country: Any = "") -> str | None:
    """``country|postal|street`` with case, punctuation and common abbreviations folded.

    Both the street line and the postal code are needed (a street alone names many
    places). Words are casefolded and split on anything but letters and digits (no space
    is kept next to Chinese, Japanese or Korean text), ``#`` means apartment, common words
    take one short form (``Street`` -> ``st``, ``Apartment`` -> ``apt``, ``Hauptstraße``
    -> ``hauptstr``), and US ZIP+4 codes keep five digits.

    Args:
        address1: the ``shipping.address1`` line.
        postal_code: the ``shipping.postal_code``.
        country: the ``shipping.country`` code (may be empty).

    """
    postal = _PHONE_SEPARATORS.sub("", _clean(postal_code).casefold())
    place = _clean(country).casefold()
    if place == "us" and len(postal) == 9 and postal.isdigit():
        postal = postal[:5]
    if len(postal) < 3 or not postal.isalnum() or _placeholder(postal):
        return None
    line = _clean(address1).casefold().replace("#", " apt ")
    if _placeholder(line):
        return None
    words = []
    for word in _WORD.findall(line):
        if word.endswith("strasse"):  # casefold made "ß" "ss": Hauptstraße = Hauptstr.
            word = word[:-4]
        words.append(_ADDRESS_WORDS.get(word, word))
    street = _join(words)
    if len(street) < 3 or _placeholder(street):
        return None
    if not any(c.isalpha() for c in street):
        return None  # only numbers ("123"): says nothing about a street
    if len(words) == 1 and street.isascii() and not any(c.isdigit() for c in street):
        return None  # one bare word ("home", "address"): says nothing about a place
    return f"{place}|{postal}|{street}"


def _join(words: list[str]) -> str:
    """Words joined by a space, but none next to Chinese, Japanese or Korean text.

    Chinese and Japanese are written without spaces (and Korean addresses are spaced as the
    writer likes), so a space typed next to them tells nothing apart:
    ``西湖区 文三路 12号`` is ``西湖区文三路12号``.
    """
    if not words:
        return ""
    out = [words[0]]
    for word in words[1:]:
        if not (is_cjk(out[-1][-1]) or is_cjk(word[0])):
            out.append(" ")
        out.append(word)
    return "".join(out)


def is_cjk(ch: str) -> bool:
    """Whether a character is CJK (ideographs, kana, hangul), which is written unspaced."""
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0xAC00 <= code <= 0xD7AF  # hangul syllables
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= code <= 0x2FA1F  # extensions B and later
    )


def normalize_fingerprint(raw: Any) -> str | None:
    """A payment or device fingerprint as given, or None when it is a placeholder."""
    text = _clean(raw)
    if _placeholder(text.casefold()) or not any(c.isalnum() for c in text):
        return None
    return text
