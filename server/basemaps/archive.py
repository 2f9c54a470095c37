"""Reading a PMTiles v3 archive (through the ``pmtiles`` package) and cutting the part that covers a box.

No Flask here: the upload, the command line and the extract all call these on a file on disk. Only what the
archive's header and directories say is read; a tile's bytes are copied as they are, never decoded.
"""

import functools
import gzip
import json
import mmap
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import mercantile
from pmtiles.tile import (
    Compression,
    MagicNumberNotFound,
    SpecVersionUnsupported,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)
from pmtiles.writer import Writer

HEADER_BYTES = 127
# what MapLibre draws: vector tiles through a style, the raster formats as images
KINDS = {TileType.MVT: "vector", TileType.PNG: "raster", TileType.JPEG: "raster", TileType.WEBP: "raster",
         TileType.AVIF: "raster"}
MAX_ZOOM = 24  # deeper than any basemap build; a header saying more is damaged


class BadArchive(ValueError):
    """The file is not a basemap Kin can serve; the message says why, in words an organizer can act on."""


@dataclass(frozen=True)
class ArchiveInfo:
    tile_type: str  # "mvt", "png", ...
    kind: str  # "vector" or "raster"
    tile_compression: str  # "gzip", "none", ...
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]  # west, south, east, north
    center: tuple[float, float, int]  # lon, lat, zoom
    size: int


def check_start(head: bytes) -> None:
    """Refuse a file from its first bytes, before the rest of an upload is read."""
    if len(head) >= 7 and head[:7] != b"PMTiles":
        raise BadArchive("This is not a PMTiles archive (it does not start with 'PMTiles').")
    if len(head) >= 8 and head[7] != 3:
        raise BadArchive(f"This is a PMTiles version {head[7]} archive; Kin reads version 3 "
                         "(`pmtiles convert` makes one).")


def _header(head: bytes) -> dict:
    if len(head) < HEADER_BYTES:
        raise BadArchive(f"The file is {len(head)} bytes, shorter than a PMTiles header ({HEADER_BYTES} bytes).")
    check_start(head)
    try:
        return deserialize_header(head)
    except (MagicNumberNotFound, SpecVersionUnsupported):  # check_start said it in words already
        raise BadArchive("This is not a PMTiles version 3 archive.") from None
    except ValueError:  # an enum value the format does not define
        raise BadArchive("The PMTiles header names a tile type or compression the format does not define.") from None


class Archive:
    """An archive on disk, mapped into memory; directories are read once each."""

    def __init__(self, file: BinaryIO):
        self.size = file.seek(0, 2)
        if self.size < HEADER_BYTES:
            raise BadArchive(f"The file is {self.size} bytes, shorter than a PMTiles header ({HEADER_BYTES} bytes).")
        self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        self.header = _header(self._map[:HEADER_BYTES])
        self._directory = functools.lru_cache(maxsize=64)(self._read_directory)

    def close(self) -> None:
        self._map.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()

    def _read_directory(self, offset: int, length: int):
        try:
            return deserialize_directory(self._map[offset:offset + length])
        except (OSError, EOFError, zlib.error, IndexError):
            raise BadArchive("A directory of the archive cannot be read: the file is damaged.") from None

    def get(self, z: int, x: int, y: int) -> bytes | None:
        """The tile's bytes as stored (compressed as the header says), or None where the archive has none."""
        h = self.header
        tile_id = zxy_to_tileid(z, x, y)
        offset, length = h["root_offset"], h["root_length"]
        for _depth in range(4):  # the format allows at most three levels of leaves
            entry = find_tile(self._directory(offset, length), tile_id)
            if entry is None:
                return None
            if entry.run_length > 0:
                start = h["tile_data_offset"] + entry.offset
                return self._map[start:start + entry.length]
            offset, length = h["leaf_directory_offset"] + entry.offset, entry.length
        return None

    def metadata(self) -> bytes:
        """The archive's JSON metadata, uncompressed (it names the vector layers and the attribution)."""
        h = self.header
        raw = self._map[h["metadata_offset"]:h["metadata_offset"] + h["metadata_length"]]
        return gzip.decompress(raw) if h["internal_compression"] == Compression.GZIP else raw

    def info(self) -> ArchiveInfo:
        """Check what the header promises against the file, and describe it.

        :raise BadArchive: naming the first problem found.
        """
        h = self.header
        if h["tile_type"] not in KINDS:
            raise BadArchive(f"The archive holds {h['tile_type'].name} tiles; Kin serves vector (MVT) tiles or "
                             "raster ones (PNG, JPEG, WebP, AVIF).")
        if h["internal_compression"] != Compression.GZIP:
            raise BadArchive(f"The archive's directories are compressed as {h['internal_compression'].name}; Kin "
                             "reads gzip ones, as `pmtiles extract` and `pmtiles convert` write.")
        sections = {"root directory": ("root_offset", "root_length"),
                    "metadata": ("metadata_offset", "metadata_length"),
                    "leaf directories": ("leaf_directory_offset", "leaf_directory_length"),
                    "tile data": ("tile_data_offset", "tile_data_length")}
        for name, (offset, length) in sections.items():
            if h[offset] + h[length] > self.size:
                raise BadArchive(f"The archive is cut short: its {name} ends at byte {h[offset] + h[length]:,} but "
                                 f"the file has {self.size:,} bytes (was the upload interrupted?).")
        if h["addressed_tiles_count"] == 0 or h["root_length"] == 0:
            raise BadArchive("The archive holds no tiles.")
        if not 0 <= h["min_zoom"] <= h["max_zoom"] <= MAX_ZOOM:
            raise BadArchive(f"The archive's zoom levels ({h['min_zoom']} to {h['max_zoom']}) make no sense.")
        west, south = h["min_lon_e7"] / 1e7, h["min_lat_e7"] / 1e7
        east, north = h["max_lon_e7"] / 1e7, h["max_lat_e7"] / 1e7
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise BadArchive(f"The archive's bounds ({west}, {south}, {east}, {north}) are not a box on the Earth.")
        self._directory(h["root_offset"], h["root_length"])  # decodes, or says the file is damaged
        return ArchiveInfo(tile_type=h["tile_type"].name.lower(), kind=KINDS[h["tile_type"]],
                           tile_compression=h["tile_compression"].name.lower(), min_zoom=h["min_zoom"],
                           max_zoom=h["max_zoom"], bounds=(west, south, east, north),
                           center=(h["center_lon_e7"] / 1e7, h["center_lat_e7"] / 1e7, h["center_zoom"]),
                           size=self.size)


def inspect(path) -> ArchiveInfo:
    """Describe the archive at ``path``. :raise BadArchive: when Kin cannot serve it."""
    with open(path, "rb") as file, Archive(file) as archive:
        return archive.info()


class TooManyTiles(ValueError):
    def __init__(self, count: int, limit: int):
        super().__init__(f"The box covers {count:,} tiles of the basemap; an extract holds at most {limit:,}. "
                         "Choose a smaller box.")


class OutsideBasemap(ValueError):
    """The box and the basemap's area do not meet."""


def _ranges(bbox, min_zoom: int, max_zoom: int) -> Iterator[tuple[int, range, range]]:
    """Per zoom, the columns and rows of the tiles that cover the box."""
    west, south, east, north = bbox
    for z in range(min_zoom, max_zoom + 1):
        top_left, bottom_right = mercantile.tile(west, north, z), mercantile.tile(east, south, z)
        # a box edge on a tile edge would take the next tile too: shrink by a hair, as mercantile.tiles does
        bottom_right = mercantile.tile(east - 1e-9, south + 1e-9, z) if east > west else bottom_right
        yield z, range(top_left.x, bottom_right.x + 1), range(top_left.y, bottom_right.y + 1)


def count_tiles(bbox, min_zoom: int, max_zoom: int) -> int:
    return sum(len(xs) * len(ys) for _z, xs, ys in _ranges(bbox, min_zoom, max_zoom))


def write_extract(archive: Archive, bbox, max_tiles: int, out: BinaryIO) -> int:
    """Write to ``out`` a PMTiles archive of the tiles of ``archive`` that cover ``bbox``, at each of its zooms.

    Returns the number of tiles written.
    :raise OutsideBasemap: when the box does not meet the basemap's bounds.
    :raise TooManyTiles: when the box covers more than ``max_tiles`` tiles (counted before any is read).
    """
    info = archive.info()
    west, south, east, north = bbox
    area = (max(west, info.bounds[0]), max(south, info.bounds[1]),
            min(east, info.bounds[2]), min(north, info.bounds[3]))
    if area[0] >= area[2] or area[1] >= area[3]:
        raise OutsideBasemap("The box is outside the basemap's area "
                             f"({', '.join(f'{v:g}' for v in info.bounds)}).")
    count = count_tiles(area, info.min_zoom, info.max_zoom)
    if count > max_tiles:
        raise TooManyTiles(count, max_tiles)
    found = []
    for z, xs, ys in _ranges(area, info.min_zoom, info.max_zoom):
        for x in xs:
            for y in ys:
                data = archive.get(z, x, y)
                if data is not None:
                    found.append((zxy_to_tileid(z, x, y), data))
    if not found:
        raise OutsideBasemap("The basemap has no tiles in this box.")
    found.sort()  # in tile-id order the archive is clustered, as readers expect
    writer = Writer(out)
    for tile_id, data in found:
        writer.write_tile(tile_id, data)
    h = archive.header
    center_zoom = min(max(h["center_zoom"], info.min_zoom), info.max_zoom)
    writer.finalize({"tile_type": h["tile_type"], "tile_compression": h["tile_compression"],
                     "min_lon_e7": round(area[0] * 1e7), "min_lat_e7": round(area[1] * 1e7),
                     "max_lon_e7": round(area[2] * 1e7), "max_lat_e7": round(area[3] * 1e7),
                     "center_zoom": center_zoom, "center_lon_e7": round((area[0] + area[2]) / 2 * 1e7),
                     "center_lat_e7": round((area[1] + area[3]) / 2 * 1e7)}, _json(archive.metadata()))
    return len(found)


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
