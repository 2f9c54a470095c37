"""Kin's offline sync protocol, as a pure library.

This package holds the protocol's types, validation and decision rules. It cannot do any IO, nor be
part of a likely IO path: no Flask, no SQLAlchemy, no clock reads, no network. Time and identity are
passed in; decisions come out. ``server/`` does the IO and persists the outcome.
"""
