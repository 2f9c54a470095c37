"""A campaign's basemap: a PMTiles archive an organizer uploads, served whole (with Range requests) for the
console's map and cut to a box for a phone to keep offline. See docs/maps.md."""
