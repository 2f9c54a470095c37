"""Installing a basemap, for the API and the command line alike: the file is written beside the current one,
checked, then named in the database in the transaction that audits it; the old file goes only after the commit,
so a reader sees the old basemap or the new one, never half of either."""

import contextlib
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from server.audit.models import record
from server.basemaps.archive import HEADER_BYTES, BadArchive, check_start, inspect
from server.basemaps.models import Basemap
from server.campaigns.models import Campaign
from server.columns import utcnow
from server.extensions import db

CHUNK = 1024 * 1024


class TooLarge(ValueError):
    pass


def folder() -> Path:
    path = Path(current_app.instance_path) / "basemaps"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(basemap: Basemap) -> Path:
    return folder() / basemap.filename


def current(campaign: Campaign) -> Basemap | None:
    return db.session.execute(db.select(Basemap).where(Basemap.campaign_id == campaign.id)).scalar_one_or_none()


def receive(stream: BinaryIO, limit: int | None) -> Path:
    """Copy ``stream`` to a new file in the basemaps folder, a chunk at a time, refusing it from its first bytes
    when it is not a PMTiles v3 archive and past ``limit`` bytes. The caller installs or removes the file."""
    path = folder() / f"{uuid.uuid4().hex}.part"
    written = 0
    try:
        with open(path, "wb") as out:
            head = b""
            while chunk := stream.read(CHUNK):
                if len(head) < HEADER_BYTES:
                    head += chunk[:HEADER_BYTES]
                    check_start(head)
                written += len(chunk)
                if limit is not None and written > limit:
                    raise TooLarge(f"The basemap is larger than this server takes ({limit:,} bytes).")
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def install(campaign: Campaign, received: Path, actor_id: int | None) -> Basemap:
    """Make the archive at ``received`` (in the basemaps folder) the campaign's basemap, and commit.

    :raise BadArchive: when Kin cannot serve it; the file is removed.
    """
    try:
        info = inspect(received)
    except BadArchive:
        received.unlink(missing_ok=True)
        raise
    final = received.with_name(f"{campaign.id}-{uuid.uuid4().hex}.pmtiles")
    received.rename(final)
    basemap = current(campaign)
    old = path_of(basemap) if basemap else None
    if basemap is None:
        basemap = Basemap(campaign_id=campaign.id)
        db.session.add(basemap)
    values = asdict(info)
    basemap.filename, basemap.uploaded_by = final.name, actor_id
    basemap.bounds, basemap.center = list(values.pop("bounds")), list(values.pop("center"))
    for name, value in values.items():
        setattr(basemap, name, value)
    basemap.uploaded_at = utcnow()
    db.session.flush()
    record(campaign.id, actor_id, "basemap.replaced" if old else "basemap.uploaded", "basemap", basemap.id,
           size=info.size, tile_type=info.tile_type, min_zoom=info.min_zoom, max_zoom=info.max_zoom)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        final.unlink(missing_ok=True)
        raise
    if old is not None:
        with contextlib.suppress(FileNotFoundError):  # a reader that has it open keeps reading it
            old.unlink()
    return basemap


def install_file(campaign: Campaign, source: Path, actor_id: int | None) -> Basemap:
    """The command line's way in: copy a file from anywhere, then install it."""
    with open(source, "rb") as stream:
        received = receive(stream, None)
    return install(campaign, received, actor_id)

