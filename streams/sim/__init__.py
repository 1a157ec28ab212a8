"""The seeded marketplace simulator: world, contacts, archetypes and rendering."""
