"""A small basemap the tests make: Rivertown, a made-up town of eight streets, a block of houses at each crossing
and a river, as vector tiles in the Protomaps basemap's layers (earth, water, roads, buildings), written as a
PMTiles v3 archive by the ``pmtiles`` package. Its doors are where the tests put voters on the map."""

import gzip
from pathlib import Path

import mapbox_vector_tile
import mercantile
import numpy
import shapely
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer
from shapely.geometry import LineString, Polygon, box

WEST, SOUTH, EAST, NORTH = -78.9060, 35.9900, -78.8940, 35.9980  # about 1.1 km by 0.9 km
AVENUES = [("1st Avenue", -78.9030), ("2nd Avenue", -78.9010), ("3rd Avenue", -78.8990), ("4th Avenue", -78.8970)]
STREETS = [("River Street", 35.9920), ("Mill Street", 35.9935), ("Church Street", 35.9950),
           ("School Street", 35.9965)]
# a door on Mill Street at each avenue, a few metres north of the street: (id, lat, lon, label)
DOORS = [(f"door-{i}", 35.99365, lon + 0.0003, f"{100 + 2 * i} Mill Street") for i, (_, lon) in enumerate(AVENUES)]


def _features() -> dict[str, list[tuple[object, dict]]]:
    """The town in longitude and latitude, per layer."""
    roads = [(LineString([(lon, SOUTH + 0.001), (lon, NORTH - 0.001)]), {"kind": "minor_road", "name": name})
             for name, lon in AVENUES]
    roads += [(LineString([(WEST + 0.001, lat), (EAST - 0.001, lat)]), {"kind": "minor_road", "name": name})
              for name, lat in STREETS]
    buildings = [(box(lon + dx, lat + dy, lon + dx + 0.00015, lat + dy + 0.00012), {"kind": "building"})
                 for _, lon in AVENUES for _, lat in STREETS for dx in (0.0002, -0.00035) for dy in (0.00012, -0.00025)]
    return {
        "earth": [(box(-180, -85, 180, 85), {"kind": "earth"})],
        "water": [(Polygon([(WEST, SOUTH), (EAST, SOUTH), (EAST, SOUTH + 0.0008), (WEST, SOUTH + 0.0006)]),
                   {"kind": "water", "name": "Mill River"})],
        "roads": roads,
        "buildings": buildings,
    }


EXTENT = 4096


def _in_tile(tile: mercantile.Tile):
    """Longitude and latitude to the tile's own coordinates (0 to 4096, y down), as MVT stores them; done here
    because the encoder's own quantizing calls a shapely function that shapely 2.2 deprecates."""
    west, south, east, north = mercantile.xy_bounds(tile)

    def convert(lonlat: numpy.ndarray) -> numpy.ndarray:
        lon, lat = numpy.radians(lonlat[:, 0]), numpy.radians(numpy.clip(lonlat[:, 1], -85.0511, 85.0511))
        x, y = 6378137.0 * lon, 6378137.0 * numpy.log(numpy.tan(numpy.pi / 4 + lat / 2))
        return numpy.column_stack([(x - west) / (east - west) * EXTENT, (north - y) / (north - south) * EXTENT])

    return convert


def _tile(features, tile: mercantile.Tile) -> bytes:
    area = box(*mercantile.bounds(tile)).buffer(0.0005)  # a margin, so lines run on past the tile's edge
    convert = _in_tile(tile)
    layers = []
    for name, items in features.items():
        kept = [{"geometry": shapely.transform(geometry.intersection(area), convert).wkt, "properties": properties}
                for geometry, properties in items if geometry.intersects(area)]
        if kept:
            layers.append({"name": name, "features": kept})
    return mapbox_vector_tile.encode(layers, default_options={"y_coord_down": True, "extents": EXTENT})


def write_town(path: Path, min_zoom: int = 12, max_zoom: int = 15) -> Path:
    """Write Rivertown's basemap to ``path`` (every tile over its area at each zoom, gzip-compressed as Protomaps
    builds are) and return the path."""
    features = _features()
    tiles = sorted(((zxy_to_tileid(t.z, t.x, t.y), t)
                    for t in mercantile.tiles(WEST, SOUTH, EAST, NORTH, range(min_zoom, max_zoom + 1))),
                   key=lambda item: item[0])
    with open(path, "wb") as file:
        writer = Writer(file)
        for tile_id, tile in tiles:
            writer.write_tile(tile_id, gzip.compress(_tile(features, tile), mtime=0))
        writer.finalize({"tile_type": TileType.MVT, "tile_compression": Compression.GZIP,
                         "min_lon_e7": round(WEST * 1e7), "min_lat_e7": round(SOUTH * 1e7),
                         "max_lon_e7": round(EAST * 1e7), "max_lat_e7": round(NORTH * 1e7),
                         "center_zoom": max_zoom, "center_lon_e7": round((WEST + EAST) / 2 * 1e7),
                         "center_lat_e7": round((SOUTH + NORTH) / 2 * 1e7)},
                        {"name": "Rivertown (test)", "attribution": "Made up for Kin's tests",
                         "vector_layers": [{"id": name, "fields": {}} for name in features]})
    return path


__all__ = ["DOORS", "write_town"]
