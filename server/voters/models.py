"""The campaign's voter file: one row per voter, and their normalised phones and e-mails."""

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime, enum_type, utcnow
from server.extensions import db


class Voter(CampaignScoped, db.Model):
    __table_args__ = (
        UniqueConstraint("campaign_id", "external_id"),
        # typo-tolerant name search: trigram GIN on PostgreSQL (pg_trgm), a plain index on SQLite
        Index("ix_voter_search_name", "search_name", postgresql_using="gin",
              postgresql_ops={"search_name": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))  # indexed by the unique key
    external_id: Mapped[str] = mapped_column(String(64))  # the id in the state file or VAN (VANID)
    # the only id the API shows: random, so cards and links reveal neither file order nor file size
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)

    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    name_suffix: Mapped[str] = mapped_column(String(20), default="")

    house_number: Mapped[str] = mapped_column(String(20), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    zip: Mapped[str] = mapped_column(String(10), default="")
    county: Mapped[str] = mapped_column(String(100), default="")
    # the household at this address (server/canvass/households.py); None until assigned, or without a street
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id", ondelete="SET NULL"), index=True)

    precinct: Mapped[str] = mapped_column(String(50), default="")
    # where the voter lives, when the file says (WGS 84 degrees): canvassing draws and orders doors by them
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    congressional_district: Mapped[str] = mapped_column(String(20), default="")
    state_senate_district: Mapped[str] = mapped_column(String(20), default="")
    state_house_district: Mapped[str] = mapped_column(String(20), default="")

    birth_year: Mapped[int | None]
    party: Mapped[str] = mapped_column(String(50), default="")
    registration_status: Mapped[str] = mapped_column(String(50), default="")
    priority: Mapped[bool] = mapped_column(default=False)  # the campaign wants this voter reached first
    active: Mapped[bool] = mapped_column(default=True)  # false once a re-import no longer lists the voter
    search_name: Mapped[str] = mapped_column(String(200), default="")  # search.search_key(first, last)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    identifiers: Mapped[list["VoterIdentifier"]] = relationship(
        back_populates="voter", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def phones(self) -> list[str]:
        return sorted(i.value for i in self.identifiers if i.kind is IdentifierKind.PHONE)

    @property
    def emails(self) -> list[str]:
        return sorted(i.value for i in self.identifiers if i.kind is IdentifierKind.EMAIL)


# the columns a voter file fills, in one place for the reader, the staging table and the upsert
VOTER_FIELDS = (
    "first_name", "middle_name", "last_name", "name_suffix",
    "house_number", "street", "unit", "city", "state", "zip", "county",
    "precinct", "congressional_district", "state_senate_district", "state_house_district",
    "birth_year", "party", "registration_status", "priority", "latitude", "longitude",
)


class IdentifierKind(enum.Enum):
    PHONE = "phone"
    EMAIL = "email"


class VoterIdentifier(db.Model):
    """A phone (E.164) or e-mail (lowercased) that the voter file lists for a voter."""

    __table_args__ = (
        UniqueConstraint("voter_id", "kind", "value"),
        Index("ix_voter_identifier_lookup", "campaign_id", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"))
    kind: Mapped[IdentifierKind] = mapped_column(enum_type(IdentifierKind, "identifier_kind"))
    value: Mapped[str] = mapped_column(String(320))

    voter: Mapped[Voter] = relationship(back_populates="identifiers")


class ImportStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.CANCELLED)


class VoterImport(CampaignScoped, db.Model):
    """One run of importing a voter file: its settings, progress and outcome."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[ImportStatus] = mapped_column(enum_type(ImportStatus, "import_status"), default=ImportStatus.QUEUED)
    filename: Mapped[str] = mapped_column(String(255))
    upload_path: Mapped[str] = mapped_column(String(1000))  # deleted when the import ends
    requested_format: Mapped[str] = mapped_column(String(32), default="auto")
    format: Mapped[str | None] = mapped_column(String(32))  # the preset used (detected for "auto")
    column_map: Mapped[dict] = mapped_column(JSON, default=dict)  # --map overrides: source column -> field
    bytes_total: Mapped[int | None]
    bytes_read: Mapped[int] = mapped_column(default=0)
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    rows_with_warnings: Mapped[int] = mapped_column(default=0)
    voters_added: Mapped[int] = mapped_column(default=0)
    voters_updated: Mapped[int] = mapped_column(default=0)
    voters_deactivated: Mapped[int] = mapped_column(default=0)
    # rows of people the campaign forgot (server/forget/), left out and never named
    voters_skipped: Mapped[int] = mapped_column(default=0, server_default="0")
    # the file once applied, for the dashboard (so it never counts a million voters): active voters, priority ones
    voters_in_file: Mapped[int | None]
    priority_in_file: Mapped[int | None]
    # identifiers with this id or above were added by this import: the matching tag table builds from them
    first_new_identifier_id: Mapped[int | None]
    message: Mapped[str] = mapped_column(Text, default="")  # why it failed or was cancelled
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    # the organizer confirmed that the file may mark more than half of the active voters inactive
    allow_shrink: Mapped[bool] = mapped_column(default=False, server_default=false())
    # the file's first row is a voter, not column names: columns are "Column 1", "Column 2"... and mapped by number
    no_header: Mapped[bool] = mapped_column(default=False, server_default=false())
    unused_columns: Mapped[list | None] = mapped_column(JSON)  # the file's columns the layout leaves out
    # the campaign's priority column when the import was made; once the file is opened, None unless priority was
    # read from it (the upload picked its own, or the file lacks it: a problem on line 1 says so)
    priority_column: Mapped[str | None] = mapped_column(String(100))
    # set when the shrink check stopped the import: how many of how many active voters the file would deactivate
    would_deactivate: Mapped[int | None]
    active_before: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the whole file read: checking and applying
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship(lazy="joined")


class VoterImportProblem(db.Model):
    """A rejected row, or a value dropped from a kept row, with where it is in the file."""

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("voter_import.id", ondelete="CASCADE"), index=True)
    line: Mapped[int]
    column: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(500))  # in English, for problems.csv and the CLI
    rejected: Mapped[bool]  # False: the row was imported without the bad value
    # the reason as a code and its values (server/voters/reasons.py), for the console's languages; no code: a
    # problem stored before codes were, shown in English
    code: Mapped[str | None] = mapped_column(String(40))
    params: Mapped[dict | None] = mapped_column(JSON)


def _staging_table(name: str, columns) -> Table:
    """Rows of a file being imported; the voter table changes only once the whole file has been read."""
    return Table(
        name, db.metadata,
        Column("id", Integer, primary_key=True),
        Column("import_id", ForeignKey("voter_import.id", ondelete="CASCADE"), nullable=False),
        Column("line", Integer, nullable=False),
        *columns,
        Index(f"ix_{name}_import_external", "import_id", "external_id"),
    )


# same names and types as the voter's columns, so the final upsert is a plain INSERT ... SELECT
# where the voter lives, normalised by the reader (server/canvass/addresses.py), so the apply step can make the
# file's missing buildings and households in one statement each and set every voter's household in the upsert
STAGED_HOUSEHOLD_FIELDS = ("building_key", "building_street", "building_number", "building_zip", "building_city",
                           "unit_key", "unit_label", "household_public_id")
staged_voter = _staging_table("staged_voter", [
    *(Column(column.name, column.type, nullable=column.nullable) for column in Voter.__table__.columns
      if column.name in ("external_id", "public_id", "search_name", *VOTER_FIELDS)),
    Column("building_key", String(400)),  # None: no street, no household
    Column("building_street", String(200)), Column("building_number", String(40)),
    Column("building_zip", String(5)), Column("building_city", String(100)),
    Column("unit_key", String(60)), Column("unit_label", String(60)),
    Column("household_public_id", String(32)),  # hex; the public id if this row's household is new
])
staged_identifier = _staging_table("staged_identifier", [
    Column("external_id", Voter.__table__.c.external_id.type, nullable=False),
    Column("kind", VoterIdentifier.__table__.c.kind.type, nullable=False),
    Column("value", VoterIdentifier.__table__.c.value.type, nullable=False),
])
