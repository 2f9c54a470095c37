"""``flask kin ...``: the commands an operator runs. Bad input exits non-zero with a message that names it."""

import csv
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from marshmallow import ValidationError
from sqlalchemy import func, select

from server import backup, demo, jobs
from server.auth.models import ResetOrigin, User
from server.auth.passwords import hash_password
from server.auth.reset import make_link
from server.auth.schemas import PASSWORD
from server.auth.service import user_by_email
from server.basemaps import service as basemaps
from server.basemaps.archive import BadArchive
from server.campaigns import service
from server.campaigns.models import Campaign, Role
from server.campaigns.schemas import CampaignSchema
from server.canvass import geocodes, households
from server.canvass.models import Building, Household
from server.extensions import db
from server.fields import LANGUAGES
from server.forget.models import REASONS
from server.forget.service import forget
from server.identifiers import InvalidIdentifier, normalize_email
from server.matching import build
from server.matching.keys import active_key
from server.privacy import retention as privacy_retention
from server.voters.importer import ImportBusy, create_import, run_import
from server.voters.models import ImportStatus, Voter
from server.voters.problems import HEADER as PROBLEMS_HEADER
from server.voters.problems import problem_rows
from server.voters.reader import describe_presets
from server.voters.schemas import VoterFileOptionsSchema, column_map
from sync.protocol import constants

kin = AppGroup("kin", help="Manage Kin campaigns, people and demo data.")


kin.add_command(backup.backup_command)
kin.add_command(backup.restore_command)


def init_app(app: Flask) -> None:
    app.cli.add_command(kin)


def _email(value: str, param_hint: str) -> str:
    try:
        return normalize_email(value)
    except InvalidIdentifier as exc:
        raise click.BadParameter(str(exc), param_hint=param_hint) from exc


@kin.command("create-user")
@click.argument("email")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for when not given.")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True)
def create_user(email, display_name, password, language):
    """Create an account that can then own a campaign or join through an invite."""
    email = _email(email, "EMAIL")
    try:
        for check in PASSWORD:
            check(password)
    except ValidationError as exc:
        raise click.BadParameter(" ".join(exc.messages), param_hint="--password") from exc
    if user_by_email(email) is not None:
        raise click.ClickException(f"An account for {email} already exists.")
    user = User(email=email, display_name=display_name, password_hash=hash_password(password), language=language)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created user {user.id} <{email}>.")


@kin.command("create-campaign")
@click.argument("name")
@click.option("--owner", "owner_email", required=True, help="E-mail of an existing account to own it.")
@click.option("--region", default="US", show_default=True, help="Region for phone numbers without a +.")
@click.option("--time-zone", default="America/New_York", show_default=True)
@click.option("--election-day", type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD")
def create_campaign(name, owner_email, region, time_zone, election_day):
    """Create a campaign owned by an existing account."""
    owner = user_by_email(_email(owner_email, "--owner"))
    if owner is None:
        raise click.ClickException(f"No account for {owner_email}; create it with `flask kin create-user`.")
    try:
        settings = CampaignSchema().load({
            "name": name, "phone_region": region, "time_zone": time_zone,
            "election_day": election_day.date().isoformat() if election_day else None,
        })
    except ValidationError as exc:
        raise click.ClickException(_describe(exc, CAMPAIGN_OPTIONS)) from exc
    campaign = service.create_campaign(owner_id=owner.id, **settings)
    db.session.commit()
    click.echo(f"Created campaign {campaign.id} ({campaign.name}), owned by {owner.email}.")


@kin.command("invite")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="volunteer", show_default=True)
@click.option("--max-uses", type=click.IntRange(1, 10_000), default=1, show_default=True)
@click.option("--days", type=click.IntRange(1, 90), help="Days until it expires (default: INVITE_DAYS).")
def invite(campaign_id, role, max_uses, days):
    """Create an invite and print its join link."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"No campaign with id {campaign_id}.")
    created = service.create_invite(campaign, Role(role), None, max_uses=max_uses, days=days)
    db.session.commit()
    click.echo(service.join_url(created))


@kin.command("reset-link")
@click.argument("email")
def reset_link(email):
    """Make a one-time link for the account to choose a new password (any account, owners too) and print it.

    It replaces the account's older unused link and works for KIN_RESET_LINK_HOURS; pass it on yourself.
    """
    user = user_by_email(_email(email, "EMAIL"))
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    link = make_link(user, ResetOrigin.OPERATOR)
    db.session.commit()
    click.echo(link["url"])


voters = AppGroup("voters", help="Import and inspect a campaign's voter file.")
kin.add_command(voters)


@voters.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--format", "preset", default="auto", show_default=True,
              help="Preset: " + ", ".join(name for name, _ in describe_presets()) + ", or auto.")
@click.option("--map", "pairs", multiple=True, metavar="COLUMN=FIELD",
              help="Read a column as a field (repeatable); COLUMN is a header name or a number from 1, "
                   "FIELD 'ignore' reads nothing from it.")
@click.option("--no-header", is_flag=True,
              help="The first row is a voter, not column names: name columns by number (--map 3=external_id).")
@click.option("--allow-shrink", is_flag=True,
              help="Go on even if the file marks more than half of the active voters inactive.")
@click.option("--problems", "problems_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Where to write the problems as CSV when there are any  [default: "
                   "voter-import-<id>-problems.csv in the current folder]")
def import_voters(file, campaign_id, preset, pairs, no_header, allow_shrink, problems_path):
    """Import a voter file: new voters are added, changed ones updated, missing ones marked inactive."""
    if db.session.get(Campaign, campaign_id) is None:
        raise click.ClickException(f"No campaign with id {campaign_id}.")
    try:
        options = VoterFileOptionsSchema().load({"format": preset, "map": list(pairs)})
    except ValidationError as exc:  # name the option: --format 'xyz': Must be one of ...; --map: {index: [...]}
        problems = [f"--format {preset!r}: {' '.join(exc.messages['format'])}"] if "format" in exc.messages else []
        problems += [f"--map: {exc.messages['map']}"] if "map" in exc.messages else []
        raise click.ClickException("; ".join(problems)) from exc
    # the importer deletes its upload when done: give it a copy, never the operator's file
    upload = Path(current_app.instance_path) / "uploads" / f"{uuid.uuid4().hex}.upload"
    upload.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(file, upload)
    try:
        job = create_import(campaign_id, upload, file.name, options["format"], column_map(options["map"]),
                            allow_shrink=allow_shrink, no_header=no_header)
    except ImportBusy as exc:
        raise click.ClickException(str(exc)) from exc
    started = time.monotonic()
    with click.progressbar(length=job.bytes_total or 1, label=f"Importing {file.name}", show_eta=True,
                           item_show_func=lambda j: j and f"{j.rows_read:,} rows, "
                           f"{j.rows_read / max(time.monotonic() - started, 1e-9):,.0f} rows/s") as bar:
        def progress(current):
            bar.update(current.bytes_read - bar.pos, current)

        job = run_import(job.id, progress)
    click.echo(f"Format: {job.format}. Rows read: {job.rows_read:,}; rejected: {job.rows_rejected:,}; "
               f"with a dropped phone or e-mail: {job.rows_with_warnings:,}.")
    if job.unused_columns:
        click.echo(f"Columns not imported ({len(job.unused_columns)}): {', '.join(job.unused_columns)}.")
    if job.priority_column:
        click.echo(f"Priority voters: the column {job.priority_column!r} (the campaign's settings).")
    _write_problems(job, problems_path or Path.cwd() / f"voter-import-{job.id}-problems.csv")
    if job.status is not ImportStatus.SUCCEEDED:
        raise click.ClickException(f"Import {job.id} {job.status.value}: {job.message}")
    click.echo(f"Voters added: {job.voters_added:,}; updated: {job.voters_updated:,}; "
               f"marked inactive: {job.voters_deactivated:,}.")
    if job.voters_skipped:
        click.echo(f"Rows of people the campaign forgot, left out: {job.voters_skipped:,}.")


def _write_problems(job, path: Path) -> None:
    """The import's problems as a local CSV, its path printed; no file when there are none."""
    rows = problem_rows(job.id)
    first = next(rows, None)
    if first is None:
        return
    count = 1
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(PROBLEMS_HEADER)
        writer.writerow(first)
        for row in rows:
            writer.writerow(row)
            count += 1
    click.echo(f"Problems ({count:,}): {path}")


def _voters_of(campaign: Campaign) -> int:
    return db.session.execute(select(func.count()).select_from(Voter).where(Voter.campaign_id == campaign.id)
                              ).scalar_one()


@voters.command("forget")
@click.argument("voter_id", type=click.UUID)
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--reason", type=click.Choice(REASONS), default="asked", show_default=True)
def forget_voter(voter_id, campaign_id, reason):
    """Delete every trace of a voter (by the id the API shows) and keep them from coming back; audited."""
    campaign = _campaign(campaign_id)
    voter = db.session.execute(select(Voter).where(Voter.campaign_id == campaign.id, Voter.public_id == voter_id)
                               ).scalar_one_or_none()
    if voter is None:
        raise click.BadParameter(f"No voter {voter_id} in campaign {campaign_id}.", param_hint="VOTER_ID")
    done = forget(campaign, voter, reason, None)
    db.session.commit()
    click.echo(f"Forgotten: {done['records']:,} synced records purged, {done['problems']:,} import problems "
               "deleted; their phones drop their copies at the next sync.")


@voters.command("households")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
def group_households(campaign_id):
    """Group the campaign's voters into households by address (imports do it for the voters they change; run
    this once for voters imported before households existed). Safe to run again: the same address keeps its
    household."""
    campaign = _campaign(campaign_id)
    with click.progressbar(length=_voters_of(campaign), label="Grouping voters into households",
                           show_eta=True) as bar:
        changed = households.assign(campaign.id, progress=bar.update)
    db.session.commit()
    buildings, homes, unplaced = db.session.execute(select(
        select(func.count()).select_from(Building).where(Building.campaign_id == campaign.id).scalar_subquery(),
        select(func.count()).select_from(Household).where(Household.campaign_id == campaign.id).scalar_subquery(),
        select(func.count()).select_from(Voter).where(Voter.campaign_id == campaign.id,
                                                      Voter.household_id.is_(None)).scalar_subquery(),
    )).one()
    click.echo(f"{changed:,} voters given a household. The campaign has {homes:,} households in {buildings:,} "
               f"buildings; {unplaced:,} voters have no street address.")


@voters.command("geocodes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
def import_geocodes(file, campaign_id):
    """Set coordinates from a CSV of voter id, latitude and longitude, or from the Census Bureau batch
    geocoder's results (docs/canvassing.md). Every row is checked first: with any bad row, nothing changes."""
    campaign = _campaign(campaign_id)
    with file.open(encoding="utf-8-sig", newline="") as lines:
        with click.progressbar(length=file.stat().st_size, label=f"Reading {file.name}", show_eta=True) as bar:
            read = geocodes.read(lines, lambda line: bar.update(len(line.encode())))
    if not read.problems:
        geocodes.unknown_ids(campaign.id, read)
    if read.problems:
        shown = "\n".join(str(problem) for problem in sorted(read.problems, key=lambda p: p.line)[:50])
        more = len(read.problems) + read.more_problems - 50
        raise click.ClickException(f"{file.name}: nothing was changed; fix these rows and run it again:\n{shown}"
                                   + (f"\n... and {more:,} more." if more > 0 else ""))
    placed = geocodes.apply(campaign.id, read)
    db.session.commit()
    click.echo(f"Coordinates for {len(read.points):,} voters in {placed:,} buildings"
               + (f"; {read.unmatched:,} rows the geocoder did not match." if read.shape == "census" else "."))


matching = AppGroup("matching", help="Private contact matching: the campaign key and its tag table.")
kin.add_command(matching)


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.BadParameter(f"No campaign with id {campaign_id}.", param_hint="--campaign")
    return campaign


@matching.command("rotate")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
def rotate_key(campaign_id):
    """Build the tag table of the campaign's next key while phones use the current one, then switch to it."""
    campaign = _campaign(campaign_id)
    old = active_key(campaign).version
    new = build.rotate(campaign)
    _work_through(campaign, f"Building key {new.version}'s tags")
    click.echo(f"Campaign {campaign_id} now matches with key {new.version} (was {old}); "
               "phones re-evaluate their contacts on their next run.")


@matching.command("build")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--status", "status_only", is_flag=True, help="Say how far each build is; build nothing.")
def build_tag_table(campaign_id, status_only):
    """Resume the campaign's tag builds here, on every core, and tag any identifier still without a tag (after an
    interrupted import or rotation). RQ workers may work on the same builds at the same time."""
    campaign = _campaign(campaign_id)
    if status_only:
        builds = build.progress(campaign_id)
        for each in builds:
            click.echo(f"Key {each.key_version} ({each.state.value}): {each.done:,} of {each.total:,} identifier ids "
                       f"built ({100 * each.done // each.total}%).")
        if not builds:
            click.echo("No build in progress: matching uses a complete tag table.")
        return
    click.echo(f"Added {_work_through(campaign, 'Tagging identifiers', everything=True):,} tags.")


def _work_through(campaign: Campaign, label: str, everything: bool = False) -> int:
    """Build the campaign's open ranges here, on every core (with ``everything``, after planning the whole file)."""
    if everything:
        build.plan_all(campaign)
    total = sum(each.total - each.done for each in build.progress(campaign.id))
    with click.progressbar(length=total or 1, label=label, show_eta=True) as bar:
        return build.work(campaign.id, processes=os.cpu_count() or 1, progress=bar.update)


retention = AppGroup("retention", help="Redact notes and other free text past each campaign's retention window.")
kin.add_command(retention)


@retention.command("run")
@click.option("--campaign", "campaign_id", type=int, help="Campaign id (default: every campaign).")
@click.option("--dry-run", is_flag=True, help="Count what would be redacted; change nothing.")
def run_retention(campaign_id, dry_run):
    """Redact the notes, replies, names and addresses as typed of every campaign whose window has passed, keeping
    the structured results; phones replace their copies at their next sync. Safe to run daily: a second run
    changes nothing."""
    campaigns = [_campaign(campaign_id)] if campaign_id is not None else db.session.execute(
        select(Campaign).order_by(Campaign.id)).scalars().all()
    for campaign in campaigns:
        due = campaign.notes_redacted_on
        if due is None or privacy_retention.today_in(campaign) < due:
            click.echo(f"Campaign {campaign.id}: " + (f"not due until {due.isoformat()}." if due else
                                                      "keeps notes (no election day or no retention window)."))
            continue
        todo = len(privacy_retention.pending(campaign.id))
        with click.progressbar(length=todo, label=f"Campaign {campaign.id}: redacting", show_eta=True,
                               hidden=dry_run or not todo) as bar:
            counts = privacy_retention.run(campaign, dry_run, bar.update)
        said = ", ".join(_count(counts[name], name.replace("_", " ")) for name in privacy_retention.COUNTED)
        click.echo(f"Campaign {campaign.id}: {'would redact' if dry_run else 'redacted'} {said}; "
                   f"{_count(counts['history'], 'earlier value')} {'would be ' if dry_run else ''}"
                   "removed from history.")


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}{'' if n == 1 else 's'}"


@kin.command("basemap")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
def basemap(file, campaign_id):
    """Make a PMTiles archive the campaign's basemap (docs/maps.md), replacing the one before; audited."""
    campaign = _campaign(campaign_id)
    try:
        installed = basemaps.install_file(campaign, file, None)
    except BadArchive as exc:
        raise click.ClickException(f"{file.name}: {exc}") from exc
    west, south, east, north = installed.bounds
    click.echo(f"Campaign {campaign_id}'s basemap: {installed.kind} tiles ({installed.tile_type}), zooms "
               f"{installed.min_zoom} to {installed.max_zoom}, {installed.size:,} bytes, covering "
               f"{west:g},{south:g},{east:g},{north:g}.")


@kin.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst):
    """Run background jobs (voter-file imports) from the Redis queue at KIN_REDIS_URL."""
    if not current_app.config["REDIS_URL"]:
        raise click.ClickException("Set KIN_REDIS_URL: without it, jobs run in the web process.")
    jobs.work(current_app._get_current_object(), burst=burst)


@kin.command("demo")
@click.option("--voters", type=click.IntRange(0, 1_000_000), default=5000, show_default=True)
def demo_command(voters):
    """Seed a demo campaign with people and synthetic voters, unless one exists."""
    demo.seed(voters)


# schema field → the option an operator typed, so errors name what they can fix
CAMPAIGN_OPTIONS = {"name": "NAME", "phone_region": "--region", "time_zone": "--time-zone",
                    "election_day": "--election-day"}


def _describe(error: ValidationError, options: dict[str, str]) -> str:
    return "; ".join(f"{options.get(field, field)}: {' '.join(msgs)}" for field, msgs in error.messages.items())


CONSTANTS_JS = Path(__file__).resolve().parents[1] / "pwa" / "lib" / "constants.gen.js"


def render_constants() -> str:
    """sync.protocol.constants() as an ES module: one named export per constant, JSON for each value."""
    lines = ["// Generated from sync/protocol.py by `flask kin export-constants`. Do not edit: run it again.",
             "// tests/cli/test_export_constants.py fails when this file is stale."]
    for name, value in constants().items():
        lines.append(f"export const {name} = {json.dumps(value, indent=2, ensure_ascii=False)};")
    return "\n".join(lines) + "\n"


@kin.command("export-constants")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=CONSTANTS_JS,
              show_default="pwa/lib/constants.gen.js", help="Where to write the module.")
def export_constants(output):
    """Write the sync protocol's constants and entity declarations for the PWA (commit the result)."""
    output.write_text(render_constants(), encoding="utf-8")
    click.echo(f"Wrote {output}.")
