"""Private contact matching: the phone learns which of its contacts are voters; the server never sees the contacts."""
