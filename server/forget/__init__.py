"""Forgetting a person: every trace of a voter deleted in one transaction, and a suppression list of keyed hashes
that keeps them from coming back (docs/privacy.md#forgetting-a-person)."""
