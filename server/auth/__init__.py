"""Accounts and sessions: log in, join through an invite, refresh, log out, who am I."""
