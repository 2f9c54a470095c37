"""The campaign (tenant): settings, members and their roles, invites."""
