from marshmallow import Schema, ValidationError, fields


class BasemapSchema(Schema):
    tile_type = fields.String(metadata={"description": "mvt, png, jpeg, webp or avif"})
    kind = fields.String(metadata={"description": "vector or raster"})
    tile_compression = fields.String()
    min_zoom = fields.Integer()
    max_zoom = fields.Integer()
    bounds = fields.List(fields.Float(), metadata={"description": "[west, south, east, north] in degrees"})
    center = fields.List(fields.Float(), metadata={"description": "[longitude, latitude, zoom]"})
    size = fields.Integer(metadata={"description": "bytes"})
    uploaded_at = fields.DateTime()


class BBox(fields.Field):
    """``west,south,east,north`` in degrees (WGS 84), west < east and south < north."""

    def _deserialize(self, value, attr, data, **kwargs):
        parts = str(value).split(",")
        if len(parts) != 4:
            raise ValidationError("Give four numbers: west,south,east,north.")
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            raise ValidationError("Give four numbers: west,south,east,north.") from None
        if not (-180 <= west < east <= 180):
            raise ValidationError("West and east are longitudes from -180 to 180, west smaller than east.")
        if not (-85.0511 <= south < north <= 85.0511):  # web maps end at these latitudes
            raise ValidationError("South and north are latitudes from -85.05 to 85.05, south smaller than north.")
        return west, south, east, north


class ExtractArgsSchema(Schema):
    bbox = BBox(required=True, metadata={"type": "string", "example": "-78.905,35.990,-78.895,35.998",
                                         "description": "west,south,east,north in degrees"})
