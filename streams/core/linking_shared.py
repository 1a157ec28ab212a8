"""The identities stage in one process, folding only the identities two accounts share.

Almost every identity key (a phone, address, email, payment account or device) is only
ever shown by one account. Its state is then the fold of that account's events since the
key joined the account's keys, and it can raise no alert: a ``linked_accounts`` alert
names at least ``min_accounts`` (2 or more, ``LinkingRules.check``) accounts of the
identity, so a state with one account never fires, and its evaluation changes nothing.

:class:`Identities` therefore keeps such a "solo" key as its owner and a position in a log
of the owner's counted events (one entry per event, whatever the number of keys), and
folds it only when it must: when a second account's event reaches it, when it leaves its
owner's keys, when the owner's log grows long, or when the states are read. The states
so built, and every alert in its order, are exactly those of folding each key's state with
:func:`streams.core.linking.step_identity` as each event arrives.

Entries older than the retention before the log's watermark are dropped from the log: a
fold would evict them (and all they changed) anyway, as ``linking_state.evict`` keeps only
what the watermark's day decides, and dedupe keys and evidence keep the newest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from streams.core.fields import DAY
from streams.core.linking_keys import (
    IDENTIFYING_TYPES,
    LINK_EVENT_TYPES,
    buyer_identity_keys,
    link_message,
)
from streams.core.linking_rules import LinkingRules
from streams.core.linking_state import (
    CANCELLED,
    COLUMNS,
    State,
    evict,
    fold,
    fold_at,
    merge_record,
    new_state,
    record_for_new_keys,
)

Alert = dict[str, Any]
# (state, key, event, column, day, rules, every window) -> alerts: linking._evaluate
Evaluate = Callable[[State, str, dict[str, Any], int, int, LinkingRules, bool], list[Alert]]
Entry = tuple[int, int, str]  # (column, epoch seconds, event id) of one counted event
_Solo = tuple[str, int, dict[str, Any] | None, bool]

LOG_TRIM = 32  # entries before a log is first trimmed to the retention
LOG_MAX = 512  # entries a log may keep after trimming; beyond, its keys are folded

_fromiso = datetime.fromisoformat
_NO_KEYS: list[str] = []  # a new buyer's keys (never modified)


def _same_keys(old: list[str], keys: list[str]) -> bool:
    """Whether two key lists (without repeats) hold the same keys."""
    if len(old) != len(keys):
        return False
    for key in keys:
        if key not in old:
            return False
    return True


def step(
    state: State | None, key: str, event: dict[str, Any], rules: LinkingRules, evaluate: Evaluate
) -> tuple[State, list[Alert]]:
    """``streams.core.linking.step_identity``, with its window evaluation passed in."""
    if state is None:
        state = new_state()
    col, day, joined = fold(state, event, rules)
    record = event.get("record")  # a dict from the buyers stage; anything else is ignored
    merged = type(record) is dict and merge_record(state, event["buyer_id"], record, rules)
    if merged and rules.enabled:
        # the account's earlier events, on any kept day: every window is a candidate
        return state, evaluate(state, key, event, col, day, rules, True)
    # Only a bad outcome or a new account can raise an alert (a new order or a payment
    # only lowers the bad share), so everything else stops here.
    if not col or not rules.enabled or not (joined or col >= CANCELLED):
        return state, []
    return state, evaluate(state, key, event, col, day, rules, False)


class _Log:
    """One account's counted events, oldest first, for its solo keys."""

    __slots__ = ("base", "entries", "latest", "trim_at")

    def __init__(self) -> None:
        self.base = 0  # the position of entries[0] since the log began
        self.entries: list[Entry] = []
        self.latest = 0  # the highest start of a solo key (a bound: may be stale, higher)
        self.trim_at = LOG_TRIM


class Identities:
    """Identity states by key, the solo ones kept as a position in their owner's log.

    Attributes:
        rules: the ``linked_accounts`` rule.
        buyer_keys: identity keys by ``buyer_id`` (kept in the buyers stage's table).
        states: the folded identity states by key; read :meth:`all_states` for every key.

    """

    def __init__(self, rules: LinkingRules, evaluate: Evaluate) -> None:
        self.rules = rules
        self.evaluate = evaluate
        self.buyer_keys: dict[str, list[str]] = {}
        self.states: dict[str, State] = {}
        # key -> (owner, start in owner's log, the owner's record that came with the key or
        # None, whether that record comes after the entry at start (else: before the first))
        self._solo: dict[str, _Solo] = {}
        self._logs: dict[str, _Log] = {}
        # buyer -> (their keys list, whether any is solo, their folded keys in order)
        self._plans: dict[str, tuple[list[str], bool, Sequence[str]]] = {}

    def feed(self, event: dict[str, Any], windows: State | None = None) -> list[Alert]:
        """Route one event of a buyer (``buyer_id`` resolved) to its identities; the alerts.

        ``windows`` is the buyer's window state with the event counted: the keys the
        event adds to the buyer get the buyer's record from it, as the buyers stage sends
        (``streams.agents.identities.route_to_identities``).
        """
        buyer = event.get("buyer_id")
        etype = event["type"]
        if not buyer or etype not in LINK_EVENT_TYPES:
            return []
        plan = self._plans.get(buyer)
        record = None
        if etype in IDENTIFYING_TYPES:
            buyer_keys = self.buyer_keys
            old = buyer_keys.get(buyer, _NO_KEYS)
            keys = buyer_identity_keys(old, event)
            if keys is not old:
                buyer_keys[buyer] = keys
                if windows is not None:
                    record = record_for_new_keys(old, keys, windows)
                if plan is not None and plan[0] is old and not plan[2] and _same_keys(old, keys):
                    plan = self._plans[buyer] = (keys, True, ())  # all still solo, reordered
                else:
                    self._rekey(buyer, old, keys)
                    plan = None
                if record is not None:
                    return self._feed_with_record(event, buyer, old, keys, record)
        else:
            keys = self.buyer_keys.get(buyer, _NO_KEYS)
        col = COLUMNS[etype]
        if col == CANCELLED and event.get("actor", "buyer") != "buyer":
            return []  # counts nowhere: no state changes (new keys were set up by _rekey)
        if not keys:
            return []
        if plan is None or plan[0] is not keys:
            plan = self._plan(buyer, keys)
        return self._fold(event, buyer, col, plan)

    def _fold(
        self, event: dict[str, Any], buyer: str, col: int, plan: tuple[Any, bool, Sequence[str]]
    ) -> list[Alert]:
        """Count the event for the buyer's keys: logged for the solo ones, folded for the rest."""
        t = int(_fromiso(event["occurred_at"]).timestamp())  # fields.epoch_of, inlined
        event_id: str = event["event_id"]
        if plan[1]:
            log = self._logs[buyer]
            entries = log.entries
            entries.append((col, t, event_id))
            if len(entries) >= log.trim_at:
                self._trim(buyer, log)
        folded = plan[2]
        if not folded:
            return []
        rules = self.rules
        states = self.states
        alerts: list[Alert] = []
        for key in folded:  # as step_identity does, for each key of the buyer in order
            state = states[key]
            got, day, joined = fold_at(state, col, t, event_id, buyer, rules)
            if got and rules.enabled and (joined or got >= CANCELLED):
                alerts += self.evaluate(state, key, event, got, day, rules, False)
        return alerts

    def _feed_with_record(
        self,
        event: dict[str, Any],
        buyer: str,
        old: list[str],
        keys: list[str],
        record: dict[str, Any],
    ) -> list[Alert]:
        """:meth:`feed` for an event that shows keys new to the buyer, with its record.

        The buyer's other keys count the event as usual. A new key that another account
        already shows gets exactly what ``step_identity`` does with the message and the
        record; a new key of the buyer's alone stays solo, the record kept with it and
        merged when it is folded (:meth:`_fold_solo`).
        """
        new = [key for key in keys if key not in old]
        solo = self._solo
        states = self.states
        for key in new:  # set up by _rekey as a solo key of the buyer, from this event on
            owner = solo.get(key)
            if owner is not None and owner[0] == buyer:
                solo[key] = (buyer, owner[1], record, True)  # folded in when it must be
        others = [key for key in keys if key not in new or key not in states]
        folded = [key for key in others if key in states]
        alerts = self._fold(event, buyer, COLUMNS[event["type"]],
                            (others, len(folded) < len(others), folded))
        for key in new:  # shared with others already: as step_identity does, record and all
            if key in states:
                message = link_message(record, event, key)
                state, raised = step(states[key], key, message, self.rules, self.evaluate)
                states[key] = state
                alerts += raised
        self._plans.pop(buyer, None)
        return alerts

    def all_states(self) -> dict[str, State]:
        """Every identity's state by key (folds the solo keys: later events fold them too)."""
        for key in list(self._solo):
            self._fold_solo(key)
        return self.states

    def _rekey(self, buyer: str, old: list[str], keys: list[str]) -> None:
        """Set up the keys the buyer gained, fold those it lost (they see no more events)."""
        solo = self._solo
        states = self.states
        for key in old:
            if key not in keys and key in solo:
                self._fold_solo(key)
        for key in keys:
            if key in states:
                continue
            owner = solo.get(key)
            if owner is None:  # a new identity: solo from the buyer's next entry on
                log = self._logs.get(buyer)
                if log is None:
                    log = self._logs[buyer] = _Log()
                start = log.base + len(log.entries)
                solo[key] = (buyer, start, None, True)
                log.latest = max(log.latest, start)
            elif owner[0] != buyer:  # a second account shows it: fold it from now on
                self._fold_solo(key)
        self._plans.pop(buyer, None)

    def _plan(self, buyer: str, keys: list[str]) -> tuple[list[str], bool, Sequence[str]]:
        states = self.states
        folded = [key for key in keys if key in states]
        plan = (keys, len(folded) < len(keys), folded)
        self._plans[buyer] = plan
        return plan

    def _fold_solo(self, key: str) -> None:
        """Fold a solo key's entries into a state of its own; the key is folded from now on.

        As ``step_identity`` built it: the entry the key came with, then the owner's record
        (if one came), then the later entries. When that first entry was trimmed away (older
        than the retention), the record goes first and the state is evicted to the
        watermark at the end, which leaves what the stream's state holds.
        """
        owner, start, record, record_after = self._solo.pop(key)
        log = self._logs[owner]
        state = new_state()
        rules = self.rules
        entries = log.entries[max(start - log.base, 0) :]
        if record is not None and not record_after:
            merge_record(state, owner, record, rules)
        for n, (col, t, event_id) in enumerate(entries):
            fold_at(state, col, t, event_id, owner, rules)
            if n == 0 and record is not None and record_after:
                merge_record(state, owner, record, rules)
        if record is not None and not record_after and state["w"]:
            evict(state, rules)
        self.states[key] = state
        self._plans.pop(owner, None)
        keys = self.buyer_keys.get(owner, ())
        if not any(self._solo.get(k, ("",))[0] == owner for k in keys):
            del self._logs[owner]  # no solo key of the owner left

    def _trim(self, buyer: str, log: _Log) -> None:
        """Drop the entries older than the retention before the log's watermark.

        The watermark is that of the latest solo key, the lowest of them all, so every
        entry dropped is one each solo key's state would have evicted.
        """
        entries = log.entries
        since = max(log.latest - log.base, 0)
        times = [t for _, t, _ in entries[since:] if 0 <= t < 1 << 32]
        if times:
            first = max(times) // DAY - self.rules.retention_days + 1
            if any(not (0 <= t < 1 << 32 and t // DAY >= first) for _, t, _ in entries):
                self._drop(buyer, log, first)
        if len(log.entries) > LOG_MAX:  # a very busy account: fold its keys as they come
            for key in [k for k in self.buyer_keys.get(buyer, ()) if k in self._solo]:
                self._fold_solo(key)
            return
        log.trim_at = max(LOG_TRIM, 2 * len(log.entries))

    def _drop(self, buyer: str, log: _Log, first: int) -> None:
        """Remove the entries of days before ``first`` (and out of range: folds ignore those)."""
        entries = log.entries
        # new position of each old position: how many kept entries precede it
        moved = [0] * (len(entries) + 1)
        kept: list[Entry] = []
        for i, entry in enumerate(entries):
            moved[i] = len(kept)
            t = entry[1]
            if 0 <= t < 1 << 32 and t // DAY >= first:
                kept.append(entry)
        moved[len(entries)] = len(kept)
        solo = self._solo
        for key in self.buyer_keys.get(buyer, ()):
            owner = solo.get(key)
            if owner is not None and owner[0] == buyer:
                at = max(owner[1] - log.base, 0)
                # the entry the key came with dropped: its record now goes first
                after = owner[3] and (at >= len(entries) or moved[at + 1] > moved[at])
                solo[key] = (buyer, moved[at], owner[2], after)
        log.latest = moved[max(log.latest - log.base, 0)]
        log.base = 0
        log.entries = kept
