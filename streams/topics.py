"""Topic names (contracts.md) and the internal re-keyed streams between stages."""

EVENTS = "orderguard.events"
ALERTS = "orderguard.alerts"
DEADLETTER = "orderguard.deadletter"
ACTIONS = "orderguard.actions"
# internal, one partition: accepted webhook deliveries, deduplicated before orderguard.events
DELIVERIES = "orderguard.deliveries"
# internal: events re-keyed by buyer, produced by the orders stage for the buyers stage
BUYER_EVENTS = "orderguard.buyer-events"

DEADLETTER_HEADER = "orderguard.errors"
