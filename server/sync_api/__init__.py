"""The sync endpoints: the IO around the pure ``sync`` package (push, pull, organizer review)."""
