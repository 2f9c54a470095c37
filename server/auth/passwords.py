"""Argon2id password hashing; the cost profile is a setting so tests can use the cheapest one."""

import argon2
from argon2 import profiles
from flask import current_app


def _hasher() -> argon2.PasswordHasher:
    return argon2.PasswordHasher.from_parameters(getattr(profiles, current_app.config["PASSWORD_HASH_PROFILE"]))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """Whether it matches, and a new hash when the stored one used weaker parameters."""
    hasher = _hasher()
    try:
        hasher.verify(stored_hash, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False, None
    return True, hasher.hash(password) if hasher.check_needs_rehash(stored_hash) else None
