"""A contacts file the volunteer picks, read in the browser: what is not a contacts file is refused in plain words in
the volunteer's language (pwa/lib/contacts/errors.js), and names written in windows-1250 come out exact."""

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.pwa.conftest import idb_all, sign_in

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def volunteer(live_server):
    campaign = live_server.campaign(f"Rivertown {time.monotonic_ns()}")
    email = f"vol-{time.monotonic_ns()}@example.org"
    live_server.member(campaign, email, name="Vera Volunteer")
    return email


def import_file(page, name, content: bytes, mime):
    page.goto("/contacts")
    page.locator("#contacts-file").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": content}])


def test_a_picture_is_refused_in_plain_words_in_the_volunteers_language(page, volunteer):
    sign_in(page, volunteer)
    import_file(page, "contacts.csv", (ROOT / "pwa" / "icons" / "icon-192.png").read_bytes(), "image/png")
    status = page.locator("#import-status")
    expect(status).to_contain_text("it is a picture, not a list of contacts")
    expect(status).to_contain_text("Export your contacts from Google Contacts as a CSV file")
    expect(status).not_to_contain_text("PNG")
    page.locator("#language").select_option("es")
    expect(status).to_contain_text("es una imagen, no una lista de contactos")
    expect(status).to_contain_text("Exporta tus contactos desde Google Contacts")
    expect(page.locator("#contacts-count")).to_contain_text("0 contactos")


def test_polish_and_czech_names_from_an_outlook_in_windows_1250_are_kept_exact(page, volunteer):
    sign_in(page, volunteer)
    fixture = ROOT / "tests" / "fixtures" / "contacts" / "outlook_v21_windows1250_polish_czech.vcf"
    import_file(page, "contacts.vcf", fixture.read_bytes(), "text/vcard")
    expect(page.locator("#import-status")).to_contain_text("Added 8 contacts")
    names = sorted(contact["name"] for contact in idb_all(page, "contacts"))
    assert names == sorted(["Małgorzata Wiśniewska", "Grzegorz Brzęczyszczykiewicz", "Łukasz Żółkiewski",
                            "Agnieszka Dąbrowska-Kamińska", "Jiří Dvořák", "Šárka Růžičková", "Zdeněk Šťastný",
                            "Tomáš Černý"])
