"""Rule backtests: one history through two rule sets at once, and what a change would change."""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from analytics.history import PAGE_SIZE, count_events, stored_events
from analytics.report import Query
from schemas.alert import SEVERITY_RANK
from streams.core.fields import epoch_of
from streams.core.linking import LinkedAccounts
from streams.core.linking_rules import load_linking_file
from streams.core.lists import ListBook
from streams.core.replay import Replay
from streams.core.rules import RULES, load_rules

MEDIUM = SEVERITY_RANK["medium"]
PROGRESS_EVERY = 100_000
RULE_ORDER: tuple[str, ...] = (*RULES, "linked_accounts")


def detection(
    rules_file: str | os.PathLike[str] | None, lists: ListBook | None = None
) -> Replay:
    """The detection pipeline as ``orderguard replay`` runs it: every rule, linked accounts.

    Args:
        rules_file: a rules TOML file, or ``None`` for the packaged defaults.
        lists: the allow and deny lists to apply, if any.

    Raises:
        ConfigError: the rules file is unusable (one line).

    """
    identities = LinkedAccounts(load_linking_file(rules_file))
    return Replay(load_rules(rules_file), lists, identities)


def warmup_days(engine: Replay) -> int:
    """How many days before a backtest's start must be replayed for its windows to be whole.

    The longest horizon of the buyer rules (daily and long) and of the linked-accounts rule.
    """
    horizons = [engine.rules.retention_days, engine.rules.long_days]
    if isinstance(engine.identities, LinkedAccounts):
        horizons.append(engine.identities.rules.horizon_days)
    return max(horizons)


def history(
    query: Query | None,
    events_file: str | None,
    since: datetime | None,
    until: datetime | None,
    warmup: int,
    page_size: int = PAGE_SIZE,
) -> tuple[Iterator[dict[str, Any]], int | None]:
    """The events a backtest replays, and how many there are (``None``: not known ahead).

    Args:
        query: runs read-only SQL on the analytics store (used when no file is given).
        events_file: canonical events as JSON Lines (``-``: standard input), instead.
        since: the first instant whose alerts count; ``warmup`` days before it are read too.
        until: the first instant left out.
        warmup: days replayed before ``since`` so that its windows are whole.
        page_size: rows the store is asked for at once (a worker serves at most
            ``ORDERGUARD_SQL_MAX_ROWS``).

    """
    start = since - timedelta(days=warmup) if since is not None else None
    if events_file is None:
        if query is None:
            raise ValueError("a backtest needs the store's query or an events file")
        events = stored_events(query, start, until, page_size, on_error="skip")
        return events, count_events(query, start, until)
    from streams.jsonl import read_events

    lo = int(start.timestamp()) if start is not None else None
    hi = int(until.timestamp()) if until is not None else None
    events = read_events(events_file, on_error="skip")
    if lo is None and hi is None:
        return events, None
    return (e for e in events if _within(epoch_of(e["occurred_at"]), lo, hi)), None


def _within(t: int, lo: int | None, hi: int | None) -> bool:
    return (lo is None or t >= lo) and (hi is None or t < hi)


@dataclass
class Tally:
    """What one rule set raised: alerts by rule, and the buyers it flagged.

    A buyer is flagged when an alert of severity medium or higher is about it (its first
    buyer id: contracts.md §2, "medium and up means act on this buyer"), as the store's
    ``buyer_risk`` view counts them.

    Attributes:
        alerts: alerts raised, by rule id.
        buyers: distinct buyers alerted about, by rule id.
        flagged: each flagged buyer's most severe alert (the first one at that severity).

    """

    alerts: Counter[str] = field(default_factory=Counter)
    buyers: dict[str, set[str]] = field(default_factory=dict)
    flagged: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, alert: dict[str, Any]) -> None:
        """Count one alert."""
        rule = alert["rule_id"]
        self.alerts[rule] += 1
        ids = alert["buyer_ids"]
        if not ids:
            return
        buyer = ids[0]
        self.buyers.setdefault(rule, set()).add(buyer)
        rank = SEVERITY_RANK[alert["severity"]]
        if rank < MEDIUM:
            return
        known = self.flagged.get(buyer)
        if known is None or rank > SEVERITY_RANK[known["severity"]]:
            self.flagged[buyer] = alert


@dataclass
class Backtest:
    """Feeds one history to a baseline and a candidate rule set, and tallies their alerts.

    Alerts raised by events before ``count_from`` (the warm-up) are not counted.

    Attributes:
        baseline: the detection pipeline with today's rules.
        candidate: the detection pipeline with the rules under test.
        count_from: the first event time whose alerts count, epoch seconds (0: all).
        events: events fed.
        warmup: events fed before ``count_from`` (their alerts are not counted).

    """

    baseline: Replay
    candidate: Replay
    count_from: int = 0
    events: int = 0
    warmup: int = 0
    base: Tally = field(default_factory=Tally)
    cand: Tally = field(default_factory=Tally)

    def feed(self, event: dict[str, Any]) -> None:
        """Run one validated canonical event through both rule sets."""
        self.events += 1
        raised = self.baseline.feed(event), self.candidate.feed(event)
        if self.count_from and epoch_of(event["occurred_at"]) < self.count_from:
            self.warmup += 1
            return
        for alert in raised[0]:
            self.base.add(alert)
        for alert in raised[1]:
            self.cand.add(alert)

    def feed_all(
        self,
        events: Iterable[dict[str, Any]],
        total: int | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Feed every event of an iterable.

        Args:
            events: validated canonical events, in the order to replay them.
            total: how many there are, if known (for progress lines).
            progress: called with a line every ``PROGRESS_EVERY`` events.

        """
        gc.disable()  # as replay: the states hold no reference cycles; collecting costs time
        try:
            for event in events:
                self.feed(event)
                if progress is not None and self.events % PROGRESS_EVERY == 0:
                    of = f" of {total:,}" if total else ""
                    progress(f"backtest: {self.events:,}{of} events")
        finally:
            gc.enable()

    def comparison(self, examples: int = 10) -> dict[str, Any]:
        """The result as plain data (what ``--format json`` prints).

        Args:
            examples: how many newly and no longer flagged buyers to list, each.

        """
        base, cand = self.base, self.cand
        rules = [r for r in RULE_ORDER if base.alerts[r] or cand.alerts[r]]
        rules += sorted((set(base.alerts) | set(cand.alerts)) - set(rules))
        newly = sorted(set(cand.flagged) - set(base.flagged))
        dropped = sorted(set(base.flagged) - set(cand.flagged))
        return {
            "events": self.events,
            "warmup_events": self.warmup,
            "rules": [
                {
                    "rule_id": rule,
                    "baseline_alerts": base.alerts[rule],
                    "candidate_alerts": cand.alerts[rule],
                    "baseline_buyers": len(base.buyers.get(rule, ())),
                    "candidate_buyers": len(cand.buyers.get(rule, ())),
                }
                for rule in rules
            ],
            "baseline_alerts": sum(base.alerts.values()),
            "candidate_alerts": sum(cand.alerts.values()),
            "baseline_flagged": len(base.flagged),
            "candidate_flagged": len(cand.flagged),
            "newly_flagged": len(newly),
            "no_longer_flagged": len(dropped),
            "baseline_suppressed": _suppressed(self.baseline, self.count_from),
            "candidate_suppressed": _suppressed(self.candidate, self.count_from),
            "newly_flagged_examples": [_example(cand.flagged[b]) for b in newly[:examples]],
            "no_longer_flagged_examples": [_example(base.flagged[b]) for b in dropped[:examples]],
        }


def _suppressed(engine: Replay, since: int) -> int:
    """Alerts an allow entry suppressed, raised by events from ``since`` (epoch s) on."""
    return sum(1 for a in engine.suppressed if epoch_of(a["occurred_at"]) >= since)


def _example(alert: dict[str, Any]) -> dict[str, Any]:
    return {
        "buyer_id": alert["buyer_ids"][0],
        "rule_id": alert["rule_id"],
        "severity": alert["severity"],
        "seller_id": alert["seller_id"],
        "occurred_at": alert["occurred_at"],
        "explanation": alert["explanation"],
    }


def render(result: dict[str, Any], baseline_name: str, candidate_name: str) -> str:
    """The comparison as text: a table by rule, then the buyers whose verdict changes."""
    head = ("rule", "alerts before", "alerts after", "change", "buyers before", "buyers after")
    rows = [
        (r["rule_id"], r["baseline_alerts"], r["candidate_alerts"],
         r["candidate_alerts"] - r["baseline_alerts"], r["baseline_buyers"],
         r["candidate_buyers"])
        for r in result["rules"]
    ]
    rows.append(("all rules", result["baseline_alerts"], result["candidate_alerts"],
                 result["candidate_alerts"] - result["baseline_alerts"], "", ""))
    cells = [head] + [tuple(_cell(v, i == 3) for i, v in enumerate(row)) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    warm = result["warmup_events"]
    lines = [
        f"backtest over {result['events']:,} events"
        + (f" ({warm:,} of them warm-up, alerts not counted)" if warm else "")
        + f": before = {baseline_name}, after = {candidate_name}",
        "",
    ]
    for row in cells:  # the rule left-aligned, the figures right-aligned
        padded = [c.rjust(w) for c, w in zip(row, widths, strict=True)]
        padded[0] = row[0].ljust(widths[0])
        lines.append("  ".join(padded).rstrip())
    lines += [
        "",
        f"buyers flagged (an alert of medium or higher): {result['baseline_flagged']:,} before, "
        f"{result['candidate_flagged']:,} after; {result['newly_flagged']:,} newly flagged, "
        f"{result['no_longer_flagged']:,} no longer flagged",
    ]
    if result["baseline_suppressed"] or result["candidate_suppressed"]:
        lines.append(
            f"allow-list entries suppressed {result['baseline_suppressed']:,} alerts before, "
            f"{result['candidate_suppressed']:,} after (not in the counts above)"
        )
    for key, title, total in (
        ("newly_flagged_examples", "newly flagged", result["newly_flagged"]),
        ("no_longer_flagged_examples", "no longer flagged", result["no_longer_flagged"]),
    ):
        shown = result[key]
        if not shown:
            continue
        lines += ["", f"{title} ({len(shown)} of {total:,}):"]
        for ex in shown:
            lines.append(f"  {ex['buyer_id']}  {ex['rule_id']} {ex['severity']} at "
                         f"{ex['seller_id']}: {ex['explanation']}")
    return "\n".join(lines)


def _cell(value: Any, signed: bool) -> str:
    if isinstance(value, int):
        return f"{value:+,}" if signed and value else f"{value:,}"
    return str(value)
