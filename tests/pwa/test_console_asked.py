"""The review card in Chromium, as an organizer meets a person there: they record that the person asked not to be
texted (the card says so, after a reload too, and the server holds it as recorded from the console), then forget
them behind a confirmation that says what it does and asks why, from every reason the API takes, "they asked"
picked first (their cards leave the list, a status message says so, and the server holds no voter, only the
suppression list under the reason picked). The card and the confirmation are photographed at 360 and 1280 px in
both languages and scanned with axe."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.forget.models import REASONS, Suppression
from server.preferences.models import ContactPreference
from server.voters.models import Voter
from tests.pwa.test_console import console_sign_in
from tests.pwa.test_console_review import axe, card, cards, crew  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-console-asked")
WORDS = {
    "en": {"button": "Asked not to be contacted", "at_all": "At all", "text": "By text", "save": "Save what they asked",
           "line": "Asked not to be contacted by text.", "saved": "Saved what Ana Lopez asked.",
           "forget": "Forget this person", "title": "Forget Ana Lopez?", "undone": "It cannot be undone.",
           "confirm": "Forget them for good", "forgotten": "Ana Lopez is forgotten.",
           "reasons": ["They asked to be forgotten", "They died", "A legal order", "Another reason"],
           "privacy": "Privacy", "kind": "People forgotten", "event": "forgot a person who died"},
    "es": {"button": "Pidió que no le contacten", "at_all": "De ninguna forma", "text": "Por mensaje",
           "save": "Guardar lo que pidió", "line": "Pidió que no le contacten por mensaje.",
           "saved": "Se guardó lo que pidió Ana Lopez.",
           "forget": "Olvidar a esta persona", "title": "¿Olvidar a Ana Lopez?", "undone": "No se puede deshacer.",
           "confirm": "Olvidar para siempre", "forgotten": "Se olvidó a Ana Lopez.",
           "reasons": ["Pidió que le olviden", "Falleció", "Una orden legal", "Otro motivo"],
           "privacy": "Privacidad", "kind": "Personas olvidadas", "event": "olvidó a una persona que falleció"},
}


def ana_on_file(live_server, campaign) -> Voter | None:
    with live_server.app.app_context():
        return db.session.execute(select(Voter).where(Voter.campaign_id == campaign, Voter.first_name == "Ana")
                                  ).scalar_one_or_none()


def suppressed_for(live_server, campaign) -> set[str]:
    """The reasons the campaign's suppression list keeps."""
    with live_server.app.app_context():
        return set(db.session.execute(select(Suppression.reason).where(Suppression.campaign_id == campaign)).scalars())


def preference(live_server, campaign) -> tuple | None:
    with live_server.app.app_context():
        row = db.session.execute(select(ContactPreference).where(ContactPreference.campaign_id == campaign)
                                 ).scalar_one_or_none()
        return row and (row.refused, row.no_contact, row.recorded_from)


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_organizer_records_not_by_text_then_forgets_the_person(browser, base_url, live_server, crew,  # noqa: F811
                                                                  language):
    words, campaign = WORDS[language], crew["campaign"]
    context = browser.new_context(base_url=base_url, bypass_csp=True, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        console_sign_in(page, crew["organizer"], language=language)
        page.goto(f"/console/{campaign}/review")
        expect(cards(page)).to_have_count(4)
        ana = card(page, "Ana Lopez")
        expect(ana.locator(".asked")).to_have_count(0)  # she asked nothing yet

        ana.get_by_role("button", name=words["button"]).click()
        form = ana.locator(".asked-form")
        expect(form.get_by_label(words["at_all"])).to_be_focused()  # the form's first box
        form.get_by_label(words["text"]).check()
        form.get_by_role("button", name=words["save"]).click()
        expect(ana.locator(".asked")).to_have_text(words["line"])
        expect(page.locator("#toasts")).to_contain_text(words["saved"])
        expect(form).to_have_count(0)
        assert preference(live_server, campaign) == (["text"], False, "console")
        page.reload()  # the list itself carries what she asked
        expect(card(page, "Ana Lopez").locator(".asked")).to_have_text(words["line"])
        expect(card(page, "Ben Okafor").locator(".asked")).to_have_count(0)

        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            expect(ana.get_by_role("button", name=words["button"])).to_have_count(0)  # "change" now, not "record"
            ana.locator(".asked-open").click()
            expect(ana.locator(".asked-form").get_by_label(words["text"])).to_be_checked()
            ana.screenshot(path=str(SHOTS / f"card-{width}-{language}.png"))
            assert axe(page) == [], width
            ana.locator(".asked-form .button.secondary").click()  # back, nothing changed
            expect(ana.locator(".asked-form")).to_have_count(0)

            ana.get_by_role("button", name=words["forget"]).click()
            dialog = page.locator("dialog.dialog")
            expect(dialog.locator("#dialog-title")).to_have_text(words["title"])
            expect(dialog.locator("#dialog-body")).to_contain_text(words["undone"])
            reasons = dialog.get_by_role("radio")
            assert reasons.evaluate_all("all => all.map((radio) => radio.value)") == list(REASONS)
            for radio, label in zip(reasons.all(), words["reasons"], strict=True):
                expect(radio).to_have_accessible_name(label)
            expect(dialog.get_by_role("radio", name=words["reasons"][0])).to_be_checked()  # what was sent before
            page.screenshot(path=str(SHOTS / f"forget-{width}-{language}.png"))
            assert axe(page) == [], width
            dialog.locator("[data-answer=cancel]").click()  # cancelled: nothing happens
            expect(dialog).to_have_count(0)
            expect(cards(page)).to_have_count(4)
        assert ana_on_file(live_server, campaign) is not None

        ana.get_by_role("button", name=words["forget"]).click()
        page.locator("dialog.dialog").get_by_role("radio", name=words["reasons"][1]).check()
        page.locator("dialog.dialog").get_by_role("button", name=words["confirm"]).click()
        expect(page.locator("#toasts")).to_contain_text(words["forgotten"])
        assert suppressed_for(live_server, campaign) == {"deceased"}
        expect(cards(page)).to_have_count(3)
        expect(card(page, "Ana Lopez")).to_have_count(0)
        assert ana_on_file(live_server, campaign) is None
        assert preference(live_server, campaign) is None
        page.reload()  # and she does not come back
        expect(cards(page)).to_have_count(3)
        expect(card(page, "Ana Lopez")).to_have_count(0)

        page.goto(f"/console/{campaign}/activity")  # the trail says why, under its own kind
        expect(page.locator(f"#activity-kind optgroup[label='{words['privacy']}'] option", has_text=words["kind"])
               ).to_have_count(1)
        page.locator("#activity-kind").select_option(label=words["kind"])
        expect(page.locator("#activity-list .event")).to_have_count(1)
        expect(page.locator("#activity-list .event")).to_have_attribute("data-action", "voter.forgotten")
        expect(page.locator("#activity-list .event")).to_contain_text(words["event"])
    finally:
        context.close()
    assert errors == []
