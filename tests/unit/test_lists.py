import pytest

from streams.core.lists import ALL_SELLERS, ListBook, ListEntry, entry_key
from streams.errors import InvalidEvent
from streams.lists_topic import parse_expiry

NOW = 1_790_000_000


def entry(kind="deny", seller=ALL_SELLERS, buyer="b1", expires=None, reason="r"):
    return ListEntry(kind, buyer, seller, reason, "test", NOW, expires).to_dict()


def test_a_shared_deny_entry_applies_at_every_seller():
    book = ListBook()
    book.apply(entry_key("deny", ALL_SELLERS, "b1"), entry())
    assert book.lookup("deny", "b1", "shop-9", NOW).reason == "r"
    assert book.lookup("allow", "b1", "shop-9", NOW) is None
    assert book.lookup("deny", "b2", "shop-9", NOW) is None


def test_a_sellers_own_entry_wins_over_the_shared_one():
    book = ListBook()
    book.apply("k1", entry(reason="shared"))
    book.apply("k2", entry(seller="shop-1", reason="own"))
    assert book.lookup("deny", "b1", "shop-1", NOW).reason == "own"
    assert book.lookup("deny", "b1", "shop-2", NOW).reason == "shared"


def test_expired_entries_no_longer_apply():
    book = ListBook()
    book.apply("k", entry(expires=NOW + 60))
    assert book.lookup("deny", "b1", "s", NOW + 59) is not None
    assert book.lookup("deny", "b1", "s", NOW + 60) is None


def test_a_tombstone_removes_the_entry():
    book = ListBook()
    e = ListEntry.from_dict(entry())
    book.apply(e.key, e.to_dict())
    book.apply(e.key, None)
    assert len(book) == 0 and book.lookup("deny", "b1", "s", NOW) is None


@pytest.mark.parametrize(("bad", "reason"), [
    ([], "must be a JSON object"),
    ({"kind": "maybe", "buyer_id": "b"}, "list kind must be deny or allow, not 'maybe'"),
    ({"kind": "deny"}, r"needs a buyer_id \(a non-empty string\)"),
    ({"kind": "deny", "buyer_id": None}, "needs a buyer_id"),  # was a deny entry for "None"
    ({"kind": "deny", "buyer_id": 42}, "needs a buyer_id"),
    ({"kind": "deny", "buyer_id": "b", "seller_id": ["s1"]}, "seller_id must be a string"),
    ({"kind": "deny", "buyer_id": "b", "reason": {"x": 1}}, "reason must be a string"),
    ({"kind": "deny", "buyer_id": "b", "added_at": "soon"}, "added_at must be epoch seconds"),
    ({"kind": "deny", "buyer_id": "b", "expires_at": 1.5e9}, "expires_at must be epoch seconds"),
    ({"kind": "deny", "buyer_id": "b", "expires_at": True}, "expires_at must be epoch seconds"),
])
def test_malformed_entries_are_refused(bad, reason):
    with pytest.raises(InvalidEvent, match=reason):
        ListEntry.from_dict(bad)


def test_missing_optional_fields_take_their_defaults():
    entry = ListEntry.from_dict({"kind": "allow", "buyer_id": "b", "seller_id": None,
                                 "reason": None, "expires_at": None})
    assert entry == ListEntry("allow", "b", ALL_SELLERS, "", "", 0, None)


@pytest.mark.parametrize(("text", "expected"), [
    (None, None), ("30d", NOW + 30 * 86400), ("12h", NOW + 12 * 3600), ("2w", NOW + 14 * 86400),
    ("2099-01-01T00:00:00Z", 4070908800), ("2099-01-01", 4070908800),
    ("2099-01-01T08:00:00+08:00", 4070908800), ("2099-01-01T00:00:00", 4070908800),
])
def test_expiry_accepts_durations_days_and_timestamps(text, expected):
    assert parse_expiry(text, NOW) == expected


@pytest.mark.parametrize("text", ["soon", "30x", "2020-01-01T00:00:00Z", "2020-01-01",
                                  "2099-02-30", "²d",
                                  # a lapsed entry would replace, and so lift, a live one
                                  "0d", "0h",
                                  # too far to show as a date (it broke `block list`)
                                  "1000000000000d", "99999999999999w", "36501d"])
def test_expiry_refuses_nonsense_the_past_and_the_far_future(text):
    with pytest.raises(InvalidEvent, match="--expires"):
        parse_expiry(text, NOW)


def test_the_longest_expiry_is_a_hundred_years():
    assert parse_expiry("36500d", NOW) == NOW + 36500 * 86400
