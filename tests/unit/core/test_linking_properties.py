import copy

from hypothesis import assume, given
from hypothesis import strategies as st

from schemas.alert import FIELDS, validate_alert
from streams.core.bursts import episode_of
from streams.core.fields import DAY, epoch_of
from streams.core.linking import (
    MAX_BUYER_KEYS,
    LinkingRules,
    buyer_identity_keys,
    normalize_email,
    normalize_phone,
    step_identity,
)
from streams.core.linking_state import ROW, column_of

from .factories import at, make_event

RULES = LinkingRules()
QUIET = LinkingRules(enabled=False)  # folds the same, never fires: no "f" in the state
TYPES = (
    "order.created",
    "order.paid",
    "order.cancelled",
    "order.closed_unpaid",
    "order.shipped",
    "dispute.opened",
    "chargeback.notified",
)
KEYS = ("phone:0123456789abcdef", "addr:0123456789abcdef")


@st.composite
def messages(draw, span_days: int, max_size: int = 40):
    """Distinct link messages of up to 6 accounts spread over ``span_days`` after T0."""
    n = draw(st.integers(1, max_size))
    found = []
    for i in range(n):
        etype = draw(st.sampled_from(TYPES))
        message = {
            "identity": KEYS[0],
            "event_id": f"h-{i}",
            "type": etype,
            "occurred_at": at(minutes=draw(st.integers(0, span_days * 24 * 60))),
            "buyer_id": draw(st.sampled_from([f"b-{k}" for k in range(6)])),
            "seller_id": draw(st.sampled_from(("s-1", "s-2"))),
            "marketplace": "taobao",
            "order_id": f"o-{i}",
        }
        if etype == "order.cancelled":
            message["actor"] = draw(st.sampled_from(("buyer", "seller")))
        found.append(message)
    return found


def run(events, rules=QUIET, key=KEYS[0], state=None):
    alerts = []
    for event in events:
        state, raised = step_identity(state, key, event, rules)
        alerts += raised
    return state, alerts


def without_fired(state):
    return {k: v for k, v in state.items() if k != "f"}


@given(st.data())
def test_fold_is_insensitive_to_arrival_order(data):
    events = data.draw(messages(span_days=30))
    shuffled = data.draw(st.permutations(events))
    assert run(events)[0] == run(shuffled)[0]
    assert without_fired(run(events, RULES)[0]) == without_fired(run(shuffled, RULES)[0])


@given(st.data())
def test_duplicates_never_change_the_state(data):
    events = data.draw(messages(span_days=20))
    key = data.draw(st.sampled_from(KEYS))
    state, _ = run(events, RULES, key)
    before = copy.deepcopy(state)
    again = data.draw(st.lists(st.sampled_from(events), min_size=1, max_size=20))
    state, alerts = run(again, RULES, key, state)
    assert alerts == []
    assert state == before


@given(st.data())
def test_eviction_never_drops_an_event_inside_the_retention(data):
    events = data.draw(messages(span_days=40))
    state, _ = run(data.draw(st.permutations(events)))
    first = state["w"] // DAY - RULES.retention_days + 1
    expected = [0] * ROW
    for event in events:
        col = column_of(event)
        if col and epoch_of(event["occurred_at"]) // DAY >= first:
            expected[col] += 1
    counted = [0] * ROW
    for rows in state["b"].values():
        assert rows[::ROW] == sorted(set(rows[::ROW]))  # one row per day, in order
        assert rows[0] >= first
        for i in range(0, len(rows), ROW):
            for col in range(1, ROW):
                counted[col] += rows[i + col]
    assert counted == expected


@given(st.data())
def test_alerts_follow_the_contract_and_list_the_account_then_the_others_sorted(data):
    events = data.draw(messages(span_days=10, max_size=60))
    key = data.draw(st.sampled_from(KEYS))
    _, alerts = run(data.draw(st.permutations(events)), RULES, key)
    fired = set()
    for alert in alerts:
        assert tuple(alert) == FIELDS
        validate_alert(alert)
        account, *others = alert["buyer_ids"]
        assert others == sorted(set(others))
        assert account not in others
        assert others  # a ring has two accounts at least
        assert alert["observed"] >= alert["threshold"]
        start = epoch_of(alert["window_start"]) // DAY
        fired.add((account, episode_of(start, RULES.horizon_days), alert["severity"]))
    # per account and episode, each level once, and high only with medium below it
    assert len(fired) == len(alerts)
    assert all((a, e, "medium") in fired for a, e, severity in fired if severity == "high")
    ids = [a["alert_id"] for a in alerts]
    assert len(ids) == len(set(ids))


@given(
    st.sampled_from(["+86", "0086", "+44", "+1", "+49"]),
    st.text("0123456789", min_size=9, max_size=10),
    st.lists(st.sampled_from([" ", "-", ".", "(", ")", ""]), min_size=12, max_size=12),
)
def test_phone_separators_never_matter(code, digits, separators):
    written = code + "".join(d + s for d, s in zip(digits, separators, strict=False))
    assume("(0)" not in written)  # "+44 (0)20 ...": a trunk prefix shown, dropped on purpose
    assert normalize_phone(written) == normalize_phone(code + digits)


@given(st.text(max_size=24), st.sampled_from(["", "CN", "US", "GB", "RU", "IT"]))
def test_normalized_phones_are_fixed_points(raw, country):
    phone = normalize_phone(raw, country)
    if phone is not None:
        assert normalize_phone(phone) == phone
        assert normalize_phone(phone, country) == phone


@given(
    st.from_regex(r"[A-Za-z0-9.]{1,12}(\+[a-z0-9]{0,6})?@(gmail|163|outlook)\.com", fullmatch=True)
)
def test_normalized_emails_are_fixed_points_whatever_the_case(raw):
    email = normalize_email(raw)
    assert normalize_email(raw.upper()) == email
    if email is not None:
        assert normalize_email(email) == email


@given(st.lists(st.integers(0, 30), max_size=30))
def test_buyer_identity_keys_stay_bounded_and_distinct(owners):
    keys: list[str] = []
    for n in owners:
        details = {
            "shipping": {"phone": f"+86 139 {n:04d} 8765", "email": f"u{n}@163.com"},
            "device": {"fingerprint": f"df-{n}"},
        }
        keys = buyer_identity_keys(keys, make_event("order.created", "b-1", **details))
        assert len(keys) <= MAX_BUYER_KEYS
        assert len(set(keys)) == len(keys)
