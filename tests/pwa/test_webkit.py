"""The volunteer's flows in WebKit, the engine of every browser on an iPhone: Debian's WebKitGTK driven through
Selenium on a phone-sized window (tests/pwa/webkit.py), against the same live server as the Chromium tests. What an
iPhone does that this cannot show is in docs/development.md."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import PASSWORD
from tests.pwa.conftest import ADDRESS_BOOK, vcard

pytestmark = pytest.mark.webkit
GOOGLE_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "contacts" / "google_contacts_export.csv"


def sign_in(webkit, email):
    webkit.goto("/signin")
    webkit.fill("#signin-email", email)
    webkit.fill("#signin-password", PASSWORD)
    webkit.click("#signin-form button[type=submit]")
    webkit.element("#home")


def test_page_errors_are_caught_on_every_load(webkit_session):
    """The catcher the other tests rely on: an uncaught error and an unhandled rejection, before and after a
    reload, are all seen."""
    webkit_session.fresh()
    webkit_session.goto("/signin")
    webkit_session.js("setTimeout(() => { throw new Error('thrown on purpose'); });")
    webkit_session.reload()
    webkit_session.js("Promise.reject(new Error('rejected on purpose'));")
    errors = webkit_session.wait(lambda: len(webkit_session.page_errors()) == 2 and webkit_session.page_errors(),
                                 "both errors to be caught")
    assert "thrown on purpose" in errors[0] and "rejected on purpose" in errors[1], errors
    webkit_session.fresh()
    assert webkit_session.page_errors() == []


def test_sign_in_and_import_a_vcard_and_a_csv(webkit, volunteer, tmp_path):
    _, email, _ = volunteer
    sign_in(webkit, email)
    webkit.expect_text("#home-title", "Hello, Vera Volunteer")
    assert webkit.wait(lambda: webkit.js("return navigator.serviceWorker.controller !== null"),
                       "the service worker to control the page")
    (tmp_path / "mine.vcf").write_bytes(vcard(*ADDRESS_BOOK))
    webkit.goto("/contacts")
    webkit.choose_file("#contacts-file", tmp_path / "mine.vcf")
    webkit.expect_text("#import-status", "Added 5 contacts. 5 contacts on this phone.")
    webkit.choose_file("#contacts-file", GOOGLE_CSV)  # a Google Contacts export, as the Files app hands it over
    webkit.expect_text("#import-status", "Added 7 contacts. 12 contacts on this phone.")
    webkit.expect_text("#contacts-count", "12 contacts on this phone.")


def test_find_people_privately_confirm_one_and_reach_out_by_text_or_call(webkit, volunteer, tmp_path):
    _, email, _ = volunteer
    sign_in(webkit, email)
    (tmp_path / "mine.vcf").write_bytes(vcard(*ADDRESS_BOOK))
    webkit.goto("/contacts")
    webkit.choose_file("#contacts-file", tmp_path / "mine.vcf")
    webkit.expect_text("#contacts-count", "5 contacts on this phone.")
    webkit.click("#find-people")  # the OPRF runs in WebAssembly workers
    webkit.expect_text("#match-status", "Found 3 people you may know.", timeout=30)
    cards = "#matches .match-card"
    webkit.expect_count(cards, 3)
    assert "Matched by phone and e-mail" in webkit.having(cards, "Ana L.").text
    assert "in your phone as Benny O" in webkit.having(cards, "Ben O.").text
    assert "Matched by e-mail" in webkit.having(cards, "Cleo P.").text
    webkit.tap(webkit.having(cards, "Ana L.").find_element(By.CSS_SELECTOR, "button.confirm"))
    webkit.expect_count(cards, 2)
    webkit.expect_text("#match-status", "Found 3 people you may know. 2 still waiting for your answer.")

    webkit.click_link("People", within="#nav")
    webkit.click_link("Ana Lopez", within="#people")
    webkit.expect_text("#person-title", "Ana Lopez")
    webkit.fill("#message", "Hi Ana, are you voting early this year?")
    body = "Hi%20Ana%2C%20are%20you%20voting%20early%20this%20year%3F"
    webkit.wait(lambda: webkit.link("Text (919) 555-0101").get_attribute("href") == f"sms:9195550101?&body={body}",
                "the Text link to carry the message")
    assert webkit.link("Call (919) 555-0101").get_attribute("href") == "tel:9195550101"
    assert webkit.link("E-mail Ana.Lopez@example.org").get_attribute("href").startswith(
        "mailto:Ana.Lopez@example.org?body=Hi%20Ana")


def log_conversation(webkit, person, notes):
    """Log a conversation at the door that went "2: Leaning support", as the Chromium tests' log_conversation does."""
    webkit.click("#log-link")
    webkit.fill("#log-person-search", person.split(",")[0])  # a search: the volunteer types part of the name
    webkit.click_label(person, within="#log-person")
    webkit.click_label("At the door")
    webkit.click_label("2: Leaning support")
    webkit.fill("#log-notes", notes)
    webkit.click("#log-form button[type=submit]")
    webkit.element("#home")


def test_a_log_made_with_the_server_gone_survives_a_reload_and_is_sent_when_it_is_back(webkit, live_server,
                                                                                        volunteer):
    campaign, email, voters = volunteer
    live_server.relationship(campaign, email, voters["Ana"], notes="Ana, from choir")  # made on another phone
    sign_in(webkit, email)
    webkit.expect_text("#sync-pending", "Everything is sent.")  # Ana came down in the first pull
    with live_server.stopped():  # no signal on the doorstep: nothing answers at all
        log_conversation(webkit, "Ana, from choir", notes="Wants to vote early")
        webkit.expect_text("#sync-pending", "1 change waiting to be sent.")
        webkit.reload()  # the service worker serves the app, IndexedDB the log, the saved profile the person
        webkit.expect_text("#home-title", "Hello, Vera Volunteer")
        webkit.expect_count("#conversations .conversation", 1)
        webkit.expect_contains("#conversations .conversation", "Wants to vote early")
        webkit.expect_text("#conversations .conversation .state", "Waiting to be sent")
        webkit.expect_contains("#sync-problem", "saved on this phone")
        assert webkit.driver.execute_async_script("""const done = arguments[arguments.length - 1];
            fetch('/api/health').then(() => done('reached'), () => done('gone'));""") == "gone"
    webkit.click("#sync-now")  # the server is back
    webkit.expect_text("#sync-pending", "Everything is sent.")
    webkit.expect_text("#conversations .conversation .state", "Sent")
    [logged] = live_server.synced(campaign, "conversation", email)
    assert (logged["channel"], logged["support"], logged["notes"]) == ("door", 2, "Wants to vote early")


def test_the_screens_speak_spanish(webkit, volunteer):
    sign_in(webkit, volunteer[1])
    webkit.select("#language", "es")
    webkit.expect_text("#home-title", "Hola, Vera Volunteer")
    webkit.expect_text("#log-link", "Registrar una conversación")
    webkit.click_link("Contactos", within="#nav")
    webkit.expect_text("#contacts-title", "Encuentra a gente que conoces")
    webkit.expect_text("#contacts-count", "0 contactos en este teléfono.")
    webkit.expect_text("#find-people", "Encontrar a mi gente")
    webkit.click_link("Privacidad", within="#nav")
    webkit.expect_text("#privacy-title", "Privacidad")
    webkit.expect_contains("#privacy-iphone", "Safari borra lo que guarda un sitio web si usas Safari 7 días")
    webkit.reload()  # the choice is kept on the phone
    webkit.expect_text("#privacy-title", "Privacidad")
    assert webkit.js("return document.documentElement.lang") == "es"
