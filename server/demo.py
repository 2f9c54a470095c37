"""``flask kin demo``: a demo campaign to try Kin with, the same on every machine (Faker, fixed seed)."""

import random
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
import phonenumbers
from flask import current_app
from sqlalchemy import func, insert, select

from server.auth.models import User
from server.auth.passwords import hash_password, verify_password
from server.auth.service import user_by_email
from server.campaigns import service
from server.campaigns.models import Campaign, Membership, Role
from server.canvass import households
from server.extensions import db
from server.matching.build import build_now
from server.voters.models import IdentifierKind, Voter, VoterIdentifier
from server.voters.search import search_key

if TYPE_CHECKING:
    from faker import Faker

CAMPAIGN = "Demo: Neighbors for Durham"
SEED = 2026
# (e-mail, password, display name, role): printed by the command and listed in the README
ACCOUNTS = (
    ("owner@example.org", "demo-owner-2026", "Olivia Owner", Role.OWNER),
    ("organizer@example.org", "demo-organizer-2026", "Oscar Organizer", Role.ORGANIZER),
    ("volunteer1@example.org", "demo-volunteer-2026", "Valeria Voluntaria", Role.VOLUNTEER),
    ("volunteer2@example.org", "demo-volunteer-2026", "Victor Volunteer", Role.VOLUNTEER),
)
AREA_CODES = ("919", "984", "336", "704", "910", "252", "828")
CITIES = ("Durham", "Raleigh", "Chapel Hill", "Cary", "Carrboro", "Hillsborough", "Morrisville")
PARTIES = ("DEM", "REP", "UNA", "UNA", "LIB", "GRE")
BATCH = 1000


def seed(voter_count: int) -> None:
    """Create the demo campaign and its people unless it exists; print how to sign in either way."""
    campaign = db.session.execute(select(Campaign).where(Campaign.name == CAMPAIGN)).scalar_one_or_none()
    if campaign is None:
        campaign = _create_campaign()
        _create_voters(campaign, voter_count)
        identifiers = db.session.execute(select(func.count()).select_from(VoterIdentifier)
                                         .where(VoterIdentifier.campaign_id == campaign.id)).scalar_one()
        with click.progressbar(length=identifiers, label="Building the matching tag table") as bar:
            build_now(campaign, bar.update)
        with click.progressbar(length=voter_count, label="Grouping voters into households") as bar:
            households.assign(campaign.id, progress=bar.update)
        db.session.commit()
        click.echo(f"Created the demo campaign (id {campaign.id}) with {voter_count} synthetic voters.")
    else:
        click.echo(f"The demo campaign exists (id {campaign.id}); nothing to do.")
    contacts = Path(current_app.instance_path) / "demo-contacts.vcf"
    contacts.parent.mkdir(parents=True, exist_ok=True)
    contacts.write_text(_address_book(campaign), encoding="utf-8", newline="")
    click.echo(f"A volunteer's address book to import on the Contacts screen: {contacts}")
    click.echo("Demo accounts (e-mail / password / role):")
    for email, password, _name, role in ACCOUNTS:
        user = user_by_email(email)
        if user is not None and not verify_password(user.password_hash, password)[0]:
            password = "(its own password)"  # the account existed before the demo
        click.echo(f"  {email:<24} {password:<22} {role.value}")


def _create_campaign() -> Campaign:
    campaign = service.create_campaign(
        name=CAMPAIGN, phone_region="US", time_zone="America/New_York", election_day=date(2026, 11, 3),
        issue_tags=["housing", "transit", "schools", "wages", "climate"],
        talking_points={
            "en": ["Say why you care, in your own words: what in Durham made you get involved?",
                   "Ask what matters most to them right now, and listen more than you talk.",
                   "Make a plan together: when, where and how they will vote."],
            "es": ["Cuenta por qué te importa, con tus palabras: ¿qué te hizo participar en Durham?",
                   "Pregunta qué es lo que más le importa ahora, y escucha más de lo que hablas.",
                   "Hagan un plan juntos: cuándo, dónde y cómo va a votar."],
        },
        message_template={
            "en": "Hi {name}! I'm volunteering for the election in Durham. Could we talk for a few minutes this week?",
            "es": "¡Hola, {name}! Soy voluntario/a para las elecciones en Durham. ¿Podemos hablar unos minutos esta "
                  "semana?",
        })
    for email, password, name, role in ACCOUNTS:
        user = user_by_email(email) or User(email=email, display_name=name, password_hash=hash_password(password))
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(campaign_id=campaign.id, user_id=user.id, role=role))
    return campaign


def _create_voters(campaign: Campaign, count: int) -> None:
    from faker import Faker  # here, not at the top: every web worker imports this module, and Faker is 30 MB

    fake = Faker("en_US")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    with click.progressbar(range(0, count, BATCH), label="Creating synthetic voters") as batches:
        for start in batches:
            people = [_person(fake, rng, n) for n in range(start, min(start + BATCH, count))]
            db.session.execute(insert(Voter), [{**p["voter"], "campaign_id": campaign.id} for p in people])
            ids = dict(db.session.execute(
                select(Voter.external_id, Voter.id).where(
                    Voter.campaign_id == campaign.id,
                    Voter.external_id.in_([p["voter"]["external_id"] for p in people]))
            ).all())
            identifiers = [
                {"campaign_id": campaign.id, "voter_id": ids[p["voter"]["external_id"]], "kind": kind, "value": value}
                for p in people for kind, value in p["identifiers"]
            ]
            if identifiers:
                db.session.execute(insert(VoterIdentifier), identifiers)


def _person(fake: "Faker", rng: random.Random, n: int) -> dict:
    first, last = fake.first_name(), fake.last_name()
    identifiers = []
    if rng.random() < 0.8:
        identifiers.append((IdentifierKind.PHONE, _phone(rng)))
    if rng.random() < 0.3:
        identifiers.append((IdentifierKind.PHONE, _phone(rng)))
    if rng.random() < 0.5:
        domain = rng.choice(("example.com", "example.net", "example.org"))
        identifiers.append((IdentifierKind.EMAIL, f"{first}.{last}{n}@{domain}".lower()))
    return {
        "voter": {
            "external_id": f"DEMO{n:07d}",
            "first_name": first, "last_name": last, "search_name": search_key(first, last),
            "house_number": str(rng.randint(1, 9999)), "street": fake.street_name(),
            "city": rng.choice(CITIES), "state": "NC", "zip": f"27{rng.randint(500, 799)}",
            "county": "Durham", "precinct": f"{rng.randint(1, 55):02d}",
            "congressional_district": "4", "birth_year": rng.randint(1940, 2006),
            "party": rng.choice(PARTIES), "registration_status": "ACTIVE", "active": True,
            "priority": n % 5 == 0,  # a fifth of the file is the campaign's target universe
        },
        "identifiers": identifiers,
    }


def _address_book(campaign: Campaign) -> str:
    """A phone's vCard export: 8 demo voters (as people save numbers, with the voter's own name or a nickname)
    and 12 people who are in no voter file, so matching has something to find and something to leave alone."""
    rng = random.Random(SEED)
    voters = db.session.execute(select(Voter).where(Voter.campaign_id == campaign.id, Voter.identifiers.any())
                                .order_by(Voter.id).limit(8)).scalars().all()
    cards = []
    for voter in voters:
        phones = [f"({p[2:5]}) {p[5:8]}-{p[8:]}" for p in voter.phones]
        cards.append((f"{voter.first_name} {voter.last_name}", phones, [e.upper() if rng.random() < 0.3 else e
                                                                          for e in voter.emails]))
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(SEED + 1)
    for _ in range(12):
        cards.append((fake.name(), [f"919-555-{rng.randint(100, 199):04d}"], [fake.free_email()]))
    lines = []
    for name, phones, emails in cards:
        lines += ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", *(f"TEL;TYPE=CELL:{p}" for p in phones),
                  *(f"EMAIL;TYPE=HOME:{e}" for e in emails), "END:VCARD"]
    return "\r\n".join(lines) + "\r\n"


def _phone(rng: random.Random) -> str:
    """A valid North Carolina number in E.164."""
    while True:
        number = phonenumbers.parse(f"+1{rng.choice(AREA_CODES)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}")
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
