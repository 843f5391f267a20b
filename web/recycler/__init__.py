"""The reuse actor's recycler: offers, claims, pickups, receptions and outcomes."""
