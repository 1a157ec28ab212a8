"""Contact plausibility: whether an order's name, phone, address and postal code can be real."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from streams.core.rules import BadContact

# Postal code formats of the countries we know well (ISO 3166 alpha-2). Elsewhere a postal
# code is not required and not checked: many countries have none, or several formats.
POSTAL_FORMATS: dict[str, re.Pattern[str]] = {
    "CN": re.compile(r"\d{6}"),
    "US": re.compile(r"\d{5}(-\d{4})?"),
    "ES": re.compile(r"(0[1-9]|[1-4]\d|5[0-2])\d{3}"),
    "FR": re.compile(r"\d{5}"),
    "BR": re.compile(r"\d{5}-?\d{3}"),
    "DE": re.compile(r"\d{5}"),
    "GB": re.compile(r"([A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}"),
}
COUNTRY_ALIASES: dict[str, str] = {"UK": "GB"}

# Words that mark a made-up name or address when they stand alone as a word.
PLACEHOLDER_WORDS: frozenset[str] = frozenset(
    {
        "test", "testing", "fake", "asdf", "asdfg", "asdfgh", "asdfghjkl", "qwerty", "qwertz",
        "xxx", "xxxx", "xxxxx", "dummy", "placeholder", "null", "undefined", "unknown", "none",
        "lorem", "ipsum",
    }
)  # fmt: skip
# ... or as the whole value (letters only).
PLACEHOLDER_VALUES: frozenset[str] = frozenset(
    {"na", "no", "nope", "abc", "abcd", "asd", "qwe", "zxc", "aaa", "nil", "tbd", "nobody"}
)
PLACEHOLDER_CJK: tuple[str, ...] = ("测试", "不详", "未知", "无地址", "假地址")

_NON_DIGIT = re.compile(r"[^0-9]")
_WORD = re.compile(r"[^\W\d_]+")  # runs of letters
_ASCII_WORD = re.compile(r"[a-z]+")  # the same, faster, for lower-case ASCII
_ASCENDING = "01234567890123456789"
_DESCENDING = _ASCENDING[::-1]


def contact_problems(shipping: Any, rule: BadContact) -> tuple[str, ...]:
    """What is implausible about an order's shipping contact, as short phrases; ``()`` if nothing.

    An order without contact details (no shipping object, or one with no name, phone,
    street address or postal code) is not judged. A missing phone is not a problem (many
    shops do not ask for one); a missing name, street address or, where the country's
    format is known, postal code is.

    Args:
        shipping: the event's ``shipping`` object (contracts.md §1).
        rule: the thresholds.

    """
    if type(shipping) is not dict:
        return ()
    get = shipping.get
    name, phone = _text(get("name")), _text(get("phone"))
    postal, address = _text(get("postal_code")), _text(get("address1"))
    if not (name or phone or postal or address):
        return ()
    found = []
    if not name:
        found.append("no name")
    elif _common_placeholder(name):
        found.append(f"a made-up name ({name[:20]!r})")
    if phone:
        problem = phone_problem(
            phone, rule.min_phone_digits, rule.max_phone_digits, rule.max_repeated_digits
        )
        if problem:
            found.append(problem)
    if not address:
        found.append("no street address")
    elif len(address) < rule.min_address_chars or placeholder(address):
        found.append(f"a placeholder street address ({address[:20]!r})")
    problem = _common_postal_problem(postal, _text(get("country")))
    if problem:
        found.append(problem)
    return tuple(found)


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    return "" if value is None else str(value).strip()


def phone_problem(phone: str, min_digits: int, max_digits: int, max_run: int) -> str | None:
    """Why a phone number cannot be real, or ``None`` when it can be.

    Args:
        phone: the number as given, with any separators.
        min_digits: fewer digits is implausible.
        max_digits: more digits is implausible.
        max_run: a longer run of one digit (``11111111``) is implausible, as is a counting
            run two digits longer (``12345678``).

    """
    digits = (
        phone.replace(" ", "").replace("-", "").replace("+", "").replace("(", "").replace(")", "")
    )
    if not digits.isdigit():
        digits = _NON_DIGIT.sub("", digits)
    n = len(digits)
    if n < min_digits or n > max_digits:
        return f"a phone number with {n} digits"
    distinct = len(set(digits))
    repeated, counting = _patterns(max_run)
    # a run of max_run + 1 equal digits repeats one at least max_run times; a counting run
    # of max_run + 2 (at most 10) has that many distinct digits: most numbers need neither
    if n - distinct >= max_run and repeated.search(digits):
        return f"a phone number that repeats one digit ({phone[:20]!r})"
    size = max_run + 2
    if distinct >= size:
        for i in range(n - size + 1):
            if digits[i : i + size] in counting:
                return f"a phone number that counts up or down ({phone[:20]!r})"
    return None


@lru_cache(maxsize=8)
def _patterns(max_run: int) -> tuple[re.Pattern[str], frozenset[str]]:
    """A run of more than ``max_run`` equal digits; the counting runs ``max_run + 2`` long."""
    size = max_run + 2
    runs = {_ASCENDING[i : i + size] for i in range(10)} | {
        _DESCENDING[i : i + size] for i in range(10)
    }
    return re.compile(rf"(\d)\1{{{max_run},}}"), frozenset(runs)


def postal_problem(postal: str, country: str) -> str | None:
    """Why a postal code does not fit its country, or ``None`` (also for unknown countries)."""
    code = country.upper()
    code = COUNTRY_ALIASES.get(code, code)
    form = POSTAL_FORMATS.get(code)
    if form is None:
        return None
    if not postal:
        return "no postal code"
    value = postal.upper()
    if not form.fullmatch(value):
        return f"a postal code that does not fit {code} ({postal[:12]!r})"
    digits = _NON_DIGIT.sub("", value)
    if len(digits) >= 5 and len(set(digits)) == 1:
        return f"a made-up postal code ({postal[:12]!r})"
    return None


def placeholder(text: str) -> bool:
    """Whether a name or address is a placeholder: ``test``, ``xxx``, ``asdf``, ``123``, ..."""
    low = text.casefold()
    words = (_ASCII_WORD if low.isascii() else _WORD).findall(low)
    if not words:
        return True  # no letters at all: "123", "--"
    if not PLACEHOLDER_WORDS.isdisjoint(words):
        return True
    letters = "".join(words)
    if letters.isascii():
        size = len(letters)
        if letters in PLACEHOLDER_VALUES or letters.count(letters[0]) == size:
            return True  # "nope", "xxxx", "a"
        for k in (2, 3):  # keyboard mashing: "sdsd", "jkljkl"
            if size >= 2 * k and size % k == 0 and letters == letters[:k] * (size // k):
                return True
        return False
    return low == "无" or any(mark in low for mark in PLACEHOLDER_CJK)


# Names and postal codes repeat across buyers (streets and phones hardly do).
_common_placeholder = lru_cache(maxsize=4096)(placeholder)
_common_postal_problem = lru_cache(maxsize=4096)(postal_problem)
