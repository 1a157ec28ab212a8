"""Simulated contact details: plausible ones per country, and the made-up kinds fraudsters give."""

from __future__ import annotations

import random
import re
from zlib import crc32

from streams.core.linking_normalize import is_cjk

# country -> (region, city, postal code pattern: "#" a digit, "@" a capital letter), ...
PLACES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "CN": (("Zhejiang", "Hangzhou", "3100##"), ("Guangdong", "Shenzhen", "5180##")),
    "US": (("CA", "Fresno", "937##"), ("NY", "Brooklyn", "112##"), ("TX", "Austin", "787##")),
    "ES": (("Madrid", "Madrid", "280##"), ("Catalonia", "Barcelona", "080##")),
    "FR": (("IDF", "Paris", "750##"), ("ARA", "Lyon", "6900#")),
    "BR": (("SP", "Campinas", "130##-###"), ("RJ", "Rio de Janeiro", "220##-###")),
    "DE": (("BE", "Berlin", "10###"), ("BY", "Munich", "80###")),
    "GB": (("England", "London", "SW1@ #@@"), ("England", "Leeds", "LS# #@@")),
    "IT": (("Lombardy", "Milan", "201##"),),
}
COUNTRIES = tuple(PLACES)
# country -> (calling code, groups of the national number; the first group's first digits fixed)
PHONES: dict[str, tuple[str, tuple[str, ...]]] = {
    "CN": ("86", ("13#", "####", "####")),
    "US": ("1", ("559", "###", "####")),
    "ES": ("34", ("6##", "###", "###")),
    "FR": ("33", ("6", "##", "##", "##", "##")),
    "BR": ("55", ("19", "9####", "####")),
    "DE": ("49", ("15#", "#######")),
    "GB": ("44", ("7###", "######")),
    "IT": ("39", ("3##", "###", "####")),
}
NAMES = ("Li Wei", "Ana Souza", "John Park", "Marie Dubois", "Wang Fang", "Luis Garcia",
         "Chen Jing", "Sara Rossi", "Ivan Petrov", "Mei Lin", "Tom Baker", "Nadia Ali",
         "王芳", "李伟", "Jonas Weber", "Emily Clarke", "Pedro Alves", "Lucía Martín")
STREETS = ("Main", "West", "Lake", "Oak", "Maple", "Cedar", "Hill", "River", "Park", "Mill",
           "Church", "Station", "Garden", "Bridge", "Market", "North", "Spring", "Elm")
CN_STREETS = ("文三路", "学院路", "人民路", "中山路", "建国路", "南京路", "解放路", "深南大道")
CN_DISTRICTS = ("西湖区", "滨江区", "南山区", "福田区", "余杭区")

# What fraudsters type, by field; each makes the field implausible on its own.
FAKE_PHONES = ("11111111", "123", "0000000000", "+86 138 0000 0000", "12345678", "555",
               "+1 999 999 9999", "1")
FAKE_ADDRESSES = ("test", "xxx", "asdf", "", "a", "123", "Test address", "asdfgh", "..",
                  "none", "测试")
FAKE_NAMES = ("", "test", "asdf", "xxx", "aaa", "Test Test", "123")
FAKE_FIELDS = ("phone", "address1", "postal_code", "name")


def _fill(rng: random.Random, pattern: str) -> str:
    return "".join(
        str(rng.randrange(10)) if ch == "#" else
        chr(rng.randrange(65, 91)) if ch == "@" else ch
        for ch in pattern
    )  # fmt: skip


def _runs(digits: str, longest: int) -> bool:
    """Whether some digit repeats more than ``longest`` times in a row."""
    run = 1
    for i in range(1, len(digits)):
        run = run + 1 if digits[i] == digits[i - 1] else 1
        if run > longest:
            return True
    return False


def phone(rng: random.Random, country: str, style: int = 0) -> str:
    """A plausible mobile number of ``country``; ``style`` picks the separators (0-2)."""
    code, groups = PHONES[country]
    while True:
        parts = [_fill(rng, group) for group in groups]
        if not _runs("".join(parts), 4):  # assigned numbers seldom repeat a digit 5 times
            break
    return restyle(f"+{code} {' '.join(parts)}", style)


def restyle(number: str, style: int) -> str:
    """The same number written another way: spaces (0), dashes (1) or no separators (2)."""
    if style == 1:
        return number.replace(" ", "-")
    if style == 2:
        return number.replace(" ", "")
    return number


# The national trunk prefix a mobile number takes when written without its country code.
TRUNKS: dict[str, str] = {"CN": "", "US": "", "ES": "", "IT": "", "BR": "", "FR": "0", "DE": "0",
                          "GB": "0"}
HABITS = 8  # ways of writing one's number: see written()


def habit_of(buyer_id: str) -> int:
    """How an account writes its phone number: fixed per account, from its id.

    Derived from the id, not from the simulation's random generator, so that the way
    numbers are written can change without changing anything else that is simulated.
    """
    return crc32(buyer_id.encode()) % HABITS


def written(number: str, country: str, habit: int) -> str:
    """``number`` (``+CC ...``, as :func:`phone` and :func:`restyle` write it) as one writes it.

    Half of the habits keep the international form; the others write it nationally (only
    for a number of the shipping ``country``, with the trunk prefix where there is one),
    with ``00`` for the plus, or with the country code in brackets (``(+86) 139...``).
    """
    code = next((c for c, _ in PHONES.values() if number.startswith(f"+{c}")), "")
    if not code or habit < HABITS // 2:
        return number
    rest = number[1 + len(code):].lstrip(" -")
    form = habit - HABITS // 2
    if form < 2:
        if PHONES.get(country, ("",))[0] == code:
            return TRUNKS[country] + rest
        form = 2 + form  # a foreign number: written internationally
    if form == 2:
        return "00" + number[1:]
    return f"(+{code}) {rest}"


def written_address(address: str, habit: int) -> str:
    """``address`` (as :func:`shipping` writes it) the way one account writes it.

    Half of the habits keep it as it is; the others spell out or shorten words, write the
    apartment with ``#`` or in capitals, or, for a Chinese address, put spaces between its
    parts or write its digits full-width.
    """
    form = habit - HABITS // 2
    if form < 0:
        return address
    if any(is_cjk(ch) for ch in address):
        if form % 2 == 0:  # 西湖区 文三路 12号 3栋 201室
            return " ".join(re.sub(r"(区|路|大道|号|栋)", r"\1 ", address).split())
        return address.translate(_FULL_WIDTH)  # １２号
    if form == 0:
        return address.replace(" St,", " Street,")
    if form == 1:
        return address.replace(", Apt ", " #")
    if form == 2:
        return address.upper()
    return address.replace(" St,", " St.,").replace("Apt ", "Apartment ")


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def shipping(rng: random.Random) -> dict[str, str]:
    """A plausible contact: name, phone, unique email, and an address with a valid postal code."""
    country = rng.choice(COUNTRIES)
    region, city, postal = rng.choice(PLACES[country])
    name = rng.choice(NAMES)
    if country == "CN":
        address = (f"{rng.choice(CN_DISTRICTS)}{rng.choice(CN_STREETS)}{rng.randint(1, 999)}号"
                   f"{rng.randint(1, 30)}栋{rng.randint(101, 2999)}室")
    else:
        address = f"{rng.randint(1, 999)} {rng.choice(STREETS)} St, Apt {rng.randint(1, 99)}"
    local = "".join(ch for ch in name.split()[0].lower() if ch.isascii()) or "user"
    return {
        "name": name,
        "phone": phone(rng, country),
        "email": f"{local}.{rng.getrandbits(40):010x}@example.com",
        "country": country,
        "region": region,
        "city": city,
        "postal_code": _fill(rng, postal),
        "address1": address,
    }


def fake(rng: random.Random, base: dict[str, str]) -> dict[str, str]:
    """``base`` with one to three fields made up the way fraudsters do it."""
    contact = dict(base)
    for kind in rng.sample(FAKE_FIELDS, rng.choice((1, 1, 2, 3))):
        if kind == "phone":
            contact["phone"] = rng.choice(FAKE_PHONES)
        elif kind == "address1":
            contact["address1"] = rng.choice(FAKE_ADDRESSES)
        elif kind == "name":
            contact["name"] = rng.choice(FAKE_NAMES)
        elif contact["country"] in ("CN", "US", "ES", "FR", "BR", "DE", "GB"):
            contact["postal_code"] = rng.choice(("", "1234", "00000", "ABCDE", "99"))
        else:  # no postal format known there: make the street up instead
            contact["address1"] = rng.choice(FAKE_ADDRESSES)
    return contact
