"""The voter file a campaign imports."""
