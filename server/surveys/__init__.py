"""The campaign's own survey questions for the door (yes/no, or a choice), defined in the console by organizers,
taken to the phone with a turf's walk list, answered on door visits and exported to VAN."""
