"""Evaluation: simulate traffic, replay it through the detection code, score it against truth."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from schemas.alert import SEVERITY_RANK
from streams.core.linking import LinkedAccounts
from streams.core.linking_rules import load_linking_file
from streams.core.lists import ListBook
from streams.core.replay import Replay, Stage
from streams.core.rules import RuleSet
from streams.simulator import ARCHETYPES, simulate

MEDIUM = SEVERITY_RANK["medium"]
ORDER_RULE = "bad_contact"  # the order-level rule fake-contact orders must raise
MESSAGE_RULE = "off_platform_payment"  # what a buyer asking to pay off the platform raises


@dataclass(frozen=True)
class Score:
    """How one archetype fared.

    Attributes:
        archetype: the archetype's name.
        malicious: whether sellers should be alerted about its buyers.
        buyers: its accounts in the simulation.
        flagged: those named by an alert of severity medium or higher.

    """

    archetype: str
    malicious: bool
    buyers: int
    flagged: int

    @property
    def share(self) -> float:
        """Flagged over buyers: the recall of a malicious archetype, else its false alarms."""
        return self.flagged / self.buyers if self.buyers else 0.0


@dataclass(frozen=True)
class Report:
    """An evaluation's results: per-archetype recall, precision, fake-contact order recall.

    Attributes:
        seed: the simulator seed.
        buyers: buyer accounts simulated.
        days: days of orders simulated.
        events: events replayed.
        alerts: alerts raised (suppressed ones not included).
        scores: one per archetype present, malicious first, by name.
        flagged: buyers named by a medium-or-higher alert.
        false_positives: flagged buyers of an honest archetype.
        fake_orders: orders placed with made-up contact details.
        fake_orders_caught: those with an order-level ``bad_contact`` alert.
        contact_false_alarms: ``bad_contact`` alerts on orders with plausible contacts.
        off_platform_askers: buyers who asked to pay off the platform.
        off_platform_caught: those with an ``off_platform_payment`` alert.
        off_platform_false_alarms: other buyers with an ``off_platform_payment`` alert.
        rules_fired: alerts per rule id and severity, e.g. ``"order_flood:medium"``.
        linking: whether the identities stage (linked accounts) ran.

    """

    seed: int
    buyers: int
    days: int
    events: int
    alerts: int
    scores: tuple[Score, ...]
    flagged: int
    false_positives: int
    fake_orders: int
    fake_orders_caught: int
    contact_false_alarms: int
    off_platform_askers: int = 0
    off_platform_caught: int = 0
    off_platform_false_alarms: int = 0
    rules_fired: dict[str, int] = field(default_factory=dict)
    linking: bool = False

    @property
    def precision(self) -> float:
        """Flagged buyers that are malicious, over all flagged buyers (1.0 when none is)."""
        return (self.flagged - self.false_positives) / self.flagged if self.flagged else 1.0

    @property
    def fake_contact_recall(self) -> float:
        """Fake-contact orders with an order-level alert, over all of them (1.0 when none)."""
        return self.fake_orders_caught / self.fake_orders if self.fake_orders else 1.0

    @property
    def off_platform_recall(self) -> float:
        """Buyers who asked to pay off the platform with an alert, over all (1.0 when none)."""
        return (self.off_platform_caught / self.off_platform_askers
                if self.off_platform_askers else 1.0)

    def score(self, archetype: str) -> Score:
        """The score of one archetype.

        Raises:
            KeyError: when the archetype has no buyer in the simulation.

        """
        for score in self.scores:
            if score.archetype == archetype:
                return score
        raise KeyError(archetype)

    def recall(self, archetype: str) -> float:
        """Flagged share of a (malicious) archetype's buyers."""
        return self.score(archetype).share

    def format(self) -> str:
        """The report as a plain-text table."""
        lines = [
            f"orderguard evaluation: seed {self.seed}, {_count(self.buyers, 'buyer')}, "
            f"{_count(self.days, 'day')}, {_count(self.events, 'event')}, "
            f"{_count(self.alerts, 'alert')}"
            + ("" if self.linking else " (no identities stage: linked rings go unseen)"),
            "",
            f"{'archetype':<20} {'malicious':<9} {'buyers':>7} {'flagged':>8} {'recall':>7}",
        ]
        for s in self.scores:
            recall = f"{s.share:7.3f}" if s.malicious else f"{'-':>7}"
            note = "" if s.malicious or not s.flagged else f"  ({s.share:.3%} false alarms)"
            lines.append(
                f"{s.archetype:<20} {'yes' if s.malicious else 'no':<9} {s.buyers:>7,} "
                f"{s.flagged:>8,} {recall}{note}"
            )
        lines += [
            "",
            f"precision over flagged buyers (medium and up): "
            f"{_measured(self.precision, self.flagged)} "
            f"({self.flagged - self.false_positives:,} of {self.flagged:,})",
            f"fake-contact orders with an order-level alert: {self.fake_orders_caught:,} of "
            f"{self.fake_orders:,} (recall {_measured(self.fake_contact_recall, self.fake_orders)}"
            f"); {ORDER_RULE} on plausible contacts: {self.contact_false_alarms:,}",
            f"buyers asking to pay off the platform with an alert: {self.off_platform_caught:,} "
            f"of {self.off_platform_askers:,} (recall "
            f"{_measured(self.off_platform_recall, self.off_platform_askers)}); "
            f"{MESSAGE_RULE} on other buyers: {self.off_platform_false_alarms:,}",
        ]
        return "\n".join(lines)


def _measured(share: float, out_of: int) -> str:
    """A share to three places, or ``-`` when there was nothing to measure it on."""
    return f"{share:.3f}" if out_of else "-"


def _count(n: int, noun: str) -> str:
    """``1 buyer``, ``2,000 buyers``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def evaluate(
    seed: int,
    buyers: int,
    days: int,
    rules: RuleSet,
    lists: ListBook | None = None,
    *,
    identities: Stage | None | bool = True,
) -> Report:
    """Simulate, replay with :class:`~streams.core.replay.Replay`, and score the alerts.

    A buyer is flagged when an alert of severity medium or higher names it (``buyer_ids``,
    so a ``linked_accounts`` alert flags every account it lists). Recall per archetype is
    the flagged share of its accounts; precision is over all flagged accounts.

    Args:
        seed: the simulator seed.
        buyers: buyer accounts to simulate.
        days: days of orders to simulate.
        rules: the rules to replay with.
        lists: allow and deny lists; suppressed alerts flag nobody.
        identities: the identities stage to run, ``True`` (default) for the linked-accounts
            stage with its packaged rule when ``streams.core.linking`` provides one, or
            ``None``/``False`` for none.

    Returns:
        The report (``Report.format()`` prints it).

    """
    stage = default_identities() if identities is True else identities or None
    sim = simulate(seed, buyers=buyers, days=days)
    engine = Replay(rules, lists, stage)
    alerts: list[dict[str, Any]] = []
    feed = engine.feed
    for event in sim.events:
        raised = feed(event)
        if raised:
            alerts += raised
    flagged: set[str] = set()
    caught_orders: set[str] = set()
    asked: set[str] = set()
    for alert in alerts:
        if SEVERITY_RANK[alert["severity"]] >= MEDIUM:
            flagged.update(alert["buyer_ids"])
        if alert["rule_id"] == ORDER_RULE and alert["order_id"]:
            caught_orders.add(alert["order_id"])
        elif alert["rule_id"] == MESSAGE_RULE:
            asked.update(alert["buyer_ids"])
    kinds = Counter(sim.truth.values())
    hits = Counter(sim.truth[b] for b in flagged if b in sim.truth)
    scores = tuple(
        sorted(
            (Score(kind, ARCHETYPES[kind].malicious, n, hits[kind]) for kind, n in kinds.items()),
            key=lambda s: (not s.malicious, s.archetype),
        )
    )
    fired = Counter(f"{a['rule_id']}:{a['severity']}" for a in alerts)
    return Report(
        seed=seed,
        buyers=buyers,
        days=days,
        events=len(sim.events),
        alerts=len(alerts),
        scores=scores,
        flagged=sum(hits.values()),
        false_positives=sum(s.flagged for s in scores if not s.malicious),
        fake_orders=len(sim.fake_contact_orders),
        fake_orders_caught=len(caught_orders & sim.fake_contact_orders),
        contact_false_alarms=len(caught_orders - sim.fake_contact_orders),
        off_platform_askers=len(sim.off_platform_buyers),
        off_platform_caught=len(asked & sim.off_platform_buyers),
        off_platform_false_alarms=len(asked - sim.off_platform_buyers),
        rules_fired=dict(sorted(fired.items())),
        linking=stage is not None,
    )


def default_identities() -> Stage:
    """The linked-accounts stage with the packaged ``linked_accounts`` rule."""
    return LinkedAccounts(load_linking_file(None))
