"""Evidence: the ids of a buyer's latest notable events, the ``e`` part of the window state.

``e`` maps each seller to ``[t, outcome column, event_id]`` entries sorted by time, the id
as ``streams.core.eventids`` packs it. Only notable outcomes (cancels, unpaid closes,
disputes, chargebacks, refunds) are kept, the latest ``EVIDENCE_CAP`` per seller and
outcome, so an alert can name the events it counted.
"""

from __future__ import annotations

from bisect import insort
from typing import Any

from streams.core.eventids import pack, unpack

State = dict[str, Any]

EVIDENCE_CAP = 8  # latest notable event ids kept per seller and outcome


def keep_evidence(state: State, seller: str, t: int, col: int, event_id: str) -> None:
    """Record a notable event in place, keeping the latest ``EVIDENCE_CAP`` per outcome."""
    evidence = state.get("e")
    if evidence is None:
        evidence = state["e"] = {}
    entries = evidence.get(seller)
    event_id = pack(event_id)
    if entries is None:
        evidence[seller] = [[t, col, event_id]]
        return
    entry = [t, col, event_id]
    if entries[-1] <= entry:
        entries.append(entry)  # the usual case: the seller's newest notable event
    else:
        insort(entries, entry)
    if len(entries) > EVIDENCE_CAP:
        same = [i for i, kept in enumerate(entries) if kept[1] == col]
        if len(same) > EVIDENCE_CAP:
            del entries[same[0]]


def evidence(
    state: State, outcome: int, since: int, until: int, seller: str | None = None
) -> list[str]:
    """Event ids of the kept notable events of one outcome with ``since <= t < until`` (epoch s).

    Sorted by event time. At most ``EVIDENCE_CAP`` per seller are kept, the latest ones.
    """
    kept: dict[str, list[list[Any]]] = state.get("e", {})
    groups = kept.values() if seller is None else (kept.get(seller, ()),)
    found = [
        (entry[0], unpack(entry[2]))
        for entries in groups
        for entry in entries
        if entry[1] == outcome and since <= entry[0] < until
    ]
    found.sort()
    return [event_id for _, event_id in found]
