"""Topic names: the public ones of contracts.md, and each app's internal re-keyed streams."""

EVENTS = "orderguard.events"
ALERTS = "orderguard.alerts"
DEADLETTER = "orderguard.deadletter"
ACTIONS = "orderguard.actions"
# compacted, one partition: allow and deny list entries (key kind|seller|buyer, null = removed)
LISTS = "orderguard.lists"
# alerts an allow-list entry suppressed: recorded in DuckDB, never sent to orderguard.alerts
SUPPRESSED = "orderguard.suppressed"

DEADLETTER_HEADER = "orderguard.errors"

# Largest message on the ingest path: a 1 MiB webhook body can become more than 1 MiB of
# canonical events, and the dead-letter topic keeps bodies whole with their headers.
MAX_MESSAGE_BYTES = 8 * 1024 * 1024


def deliveries(app_id: str) -> str:
    """One partition: accepted webhook deliveries, deduplicated before orderguard.events.

    Internal topics belong to one app id, so two apps on one cluster never consume each
    other's intermediate streams.
    """
    return f"{app_id}-deliveries"


def buyer_events(app_id: str) -> str:
    """Events re-keyed by buyer, from the orders stage to the buyers stage."""
    return f"{app_id}-buyer-events"


def identity_events(app_id: str) -> str:
    """A buyer's events once per identity it has shown, keyed by that identity."""
    return f"{app_id}-identity-events"


def internal(app_id: str) -> tuple[str, ...]:
    """Every internal topic of ``app_id``."""
    return (deliveries(app_id), buyer_events(app_id), identity_events(app_id))
