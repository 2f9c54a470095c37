"""Exports of what volunteers logged: a flat CSV and NGP VAN's canvass-results bulk upload, each streamed,
recorded and audited."""
