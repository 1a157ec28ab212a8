"""The ``orderguard`` commands, grouped by what they act on; ``streams.cli`` assembles them."""
