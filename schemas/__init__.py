"""Public contracts: the canonical event and the alert (contracts.md §1 and §2)."""
