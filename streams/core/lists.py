"""Allow and deny lists: entries per seller or shared by all sellers, with reason and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from streams.errors import InvalidEvent

ALL_SELLERS = "*"
KINDS = ("deny", "allow")


@dataclass(frozen=True)
class ListEntry:
    """One allow- or deny-list entry.

    Attributes:
        kind: ``deny`` (raise ``blocked_buyer_order`` on new orders) or ``allow``
            (suppress the buyer's alerts, recording the suppression).
        buyer_id: the buyer it is about.
        seller_id: the seller it applies to, or ``*`` for every seller.
        reason: why, in the words of whoever added it.
        source: who or what added it (a user, a rule, a platform report).
        added_at: epoch seconds when it was added.
        expires_at: epoch seconds after which it no longer applies, or None.

    """

    kind: str
    buyer_id: str
    seller_id: str
    reason: str
    source: str
    added_at: int
    expires_at: int | None = None

    @property
    def key(self) -> str:
        """The compacted-topic key: one live entry per kind, seller and buyer."""
        return entry_key(self.kind, self.seller_id, self.buyer_id)

    def active(self, at: int) -> bool:
        """Whether the entry applies at epoch second ``at``."""
        return self.expires_at is None or at < self.expires_at

    def to_dict(self) -> dict[str, Any]:
        """The JSON value stored on the lists topic."""
        return {
            "kind": self.kind, "buyer_id": self.buyer_id, "seller_id": self.seller_id,
            "reason": self.reason, "source": self.source, "added_at": self.added_at,
            "expires_at": self.expires_at,
        }

    @classmethod
    def from_dict(cls, value: Any) -> ListEntry:
        """Parse a stored entry.

        Raises:
            InvalidEvent: when the value is not a well-formed entry.

        """
        if not isinstance(value, dict):
            raise InvalidEvent("a list entry must be a JSON object")
        kind = value.get("kind")
        if kind not in KINDS:
            raise InvalidEvent(f"list kind must be deny or allow, not {str(kind)[:20]!r}")
        buyer = value.get("buyer_id")
        if not isinstance(buyer, str) or not buyer:
            raise InvalidEvent("a list entry needs a buyer_id (a non-empty string)")
        texts = {}
        for field in ("seller_id", "reason", "source"):
            text = value.get(field)
            if text is not None and not isinstance(text, str):
                raise InvalidEvent(f"a list entry's {field} must be a string")
            texts[field] = text or ""
        times = {}
        for field in ("added_at", "expires_at"):
            at = value.get(field)
            if at is not None and (type(at) is not int or at < 0):
                raise InvalidEvent(f"a list entry's {field} must be epoch seconds "
                                   f"(a whole number), not {str(at)[:30]!r}")
            times[field] = at
        return cls(kind=kind, buyer_id=buyer, seller_id=texts["seller_id"] or ALL_SELLERS,
                   reason=texts["reason"], source=texts["source"],
                   added_at=times["added_at"] or 0, expires_at=times["expires_at"])


def entry_key(kind: str, seller_id: str, buyer_id: str) -> str:
    """``kind|seller|buyer``: the key of an entry on the compacted lists topic."""
    return f"{kind}|{seller_id}|{buyer_id}"


class ListBook:
    """The current allow and deny lists, folded from the compacted topic's records."""

    def __init__(self) -> None:
        self._entries: dict[str, ListEntry] = {}
        self.version = 0  # counts changes: a copy made for the native engine is current

    def __len__(self) -> int:
        return len(self._entries)

    def apply(self, key: str, value: dict[str, Any] | None) -> None:
        """Fold one record: an entry, or ``None`` (a tombstone) to remove it."""
        if value is None:
            self._entries.pop(key, None)
        else:
            entry = ListEntry.from_dict(value)
            self._entries[entry.key] = entry
        self.version += 1

    def entries(self) -> list[ListEntry]:
        """Every entry, expired ones included, in a stable order."""
        return [self._entries[k] for k in sorted(self._entries)]

    def lookup(self, kind: str, buyer_id: str, seller_id: str, at: int) -> ListEntry | None:
        """The entry of ``kind`` that applies to this buyer at this seller at ``at``.

        A seller's own entry wins over one shared by all sellers.
        """
        for seller in (seller_id, ALL_SELLERS):
            entry = self._entries.get(entry_key(kind, seller, buyer_id))
            if entry is not None and entry.active(at):
                return entry
        return None
