"""The organizers' review of logged conversations, served from a read model written at push time."""
