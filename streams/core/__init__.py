"""The pure detection core: event-time windows, rules and stage step functions (no I/O)."""
