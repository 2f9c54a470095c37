"""Polygons drawn on the console's map: GeoJSON checked and made a shapely geometry, and which points fall inside.
Imported only when a polygon is used (``turfs._polygons``)."""

import numpy
import shapely
from flask_smorest import abort

MAX_POLYGON_POINTS = 5_000


def shape_of(geometry: dict):
    """A GeoJSON Polygon or MultiPolygon (longitude, latitude) as a prepared shapely geometry.

    :raise 422: naming the ``polygon`` field, for anything else or an invalid ring.
    """
    def refuse(reason: str):
        abort(422, message="Not a polygon on the map.", errors={"json": {"polygon": [reason]}})

    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        refuse("A GeoJSON geometry of type Polygon or MultiPolygon.")
    try:
        points = shapely.get_coordinates(shape := shapely.geometry.shape(geometry))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, shapely.errors.ShapelyError):
        refuse("Rings of [longitude, latitude] points, each closed and of at least four points.")
    if len(points) > MAX_POLYGON_POINTS:
        refuse(f"At most {MAX_POLYGON_POINTS:,} points.")
    if not len(points) or not (abs(points[:, 0]) <= 180).all() or not (abs(points[:, 1]) <= 90).all():
        refuse("Longitudes from -180 to 180 and latitudes from -90 to 90 degrees.")
    if not shape.is_valid:
        refuse("The outline crosses itself.")
    if shape.area == 0:
        refuse("The polygon has no area.")
    shapely.prepare(shape)
    return shape


def contains_xy(shape, longitudes: list[float], latitudes: list[float]):
    """Whether each point is inside the (prepared) shape."""
    return shapely.contains_xy(shape, longitudes, latitudes)


OUTLINE_MARGIN = 0.00015  # degrees, about 15 m: a turf of one building (a point) or one street (a line) still shows


def outline_of(longitudes: list[float], latitudes: list[float]) -> dict:
    """The GeoJSON outline a map draws for a turf cut without a polygon: the convex hull of its buildings, with a
    small margin so that dots on its edge sit inside it."""
    # one array, not a Point per building: 40 turfs of 1,000 buildings took 8 s through MultiPoint(list of tuples)
    hull = shapely.convex_hull(shapely.multipoints(numpy.column_stack((longitudes, latitudes))))
    outline = shapely.set_precision(hull.buffer(OUTLINE_MARGIN, quad_segs=2), 1e-6)  # six decimals: about 10 cm
    return shapely.geometry.mapping(outline)
