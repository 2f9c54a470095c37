"""The volunteer's flows on a phone-sized Chromium: bring contacts onto the phone, find and confirm the people
they know, reach out in their own words, log it in three taps (offline too) and see the follow-up at home."""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.pwa.conftest import ADDRESS_BOOK, PHONE, idb_all, sign_in, vcard, wait_for_service_worker

pytestmark = pytest.mark.browser
VCARDS = Path(__file__).resolve().parents[1] / "fixtures" / "vcards"


def import_file(page, name, content: bytes, mime="text/vcard"):
    page.goto("/contacts")
    page.locator("#contacts-file").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": content}])


def test_a_vcard_file_is_imported_and_importing_again_adds_no_duplicates(page, volunteer):
    sign_in(page, volunteer[1])
    # ten people, three of whom share one phone number: they stay three
    content = (VCARDS / "android_v21_utf8_qp_x_android_custom_10_contacts.vcf").read_bytes()
    import_file(page, "contacts.vcf", content)
    expect(page.locator("#import-status")).to_contain_text("Added 10 contacts")
    expect(page.locator("#contacts-count")).to_have_text("10 contacts on this phone.")
    import_file(page, "contacts.vcf", content)
    expect(page.locator("#import-status")).to_have_text("Added 0 contacts. 10 contacts on this phone.")
    contacts = {contact["name"]: contact for contact in idb_all(page, "contacts")}
    assert len(contacts) == 10
    assert contacts["Mäx Mustermann"]["phones"] == [{"value": "+49123456789", "type": "cell"}]
    assert contacts["Mäx Mustermann"]["emails"] == [{"value": "max@mustermann.de", "type": "other"}]


def test_a_broken_file_says_why(page, volunteer):
    sign_in(page, volunteer[1])
    import_file(page, "export.csv", b"Foo,Bar\n1,2\n", mime="text/csv")
    expect(page.locator("#import-status")).to_contain_text("Kin could not read this file")
    expect(page.locator("#contacts-count")).to_have_text("0 contacts on this phone.")


def test_contacts_come_from_the_contact_picker_where_the_phone_has_one(page, volunteer):
    page.add_init_script("""
        window.ContactsManager = class {};
        Object.defineProperty(navigator, 'contacts', { value: { select: async (properties, options) => {
            window.pickerAsked = { properties, options };
            return [{ name: ['Ana Lopez'], tel: ['(919) 555-0101'], email: [] },
                    { name: ['Zoe Private'], tel: ['+1 919 555 0199'], email: ['zoe.private@example.com'] }];
        } } });""")
    sign_in(page, volunteer[1])
    page.goto("/contacts")
    page.locator("#pick-contacts").click()
    expect(page.locator("#contacts-count")).to_have_text("2 contacts on this phone.")
    asked = page.evaluate("window.pickerAsked")
    assert asked == {"properties": ["name", "tel", "email"], "options": {"multiple": True}}


def test_no_contact_picker_button_where_the_browser_has_none(page, volunteer):
    sign_in(page, volunteer[1])
    page.goto("/contacts")
    expect(page.locator("#contacts-file")).to_be_visible()
    expect(page.locator("#pick-contacts")).to_have_count(0)


def find_people(page):
    page.locator("#find-people").click()
    expect(page.locator("#match-status")).to_have_text(re.compile("Found|No one new"), timeout=30_000)


def test_matching_finds_exactly_the_planted_contacts_and_remembers_answers(page, live_server, volunteer):
    campaign, email, voters = volunteer
    sign_in(page, email)
    import_file(page, "mine.vcf", vcard(*ADDRESS_BOOK))
    expect(page.locator("#contacts-count")).to_have_text("5 contacts on this phone.")
    find_people(page)
    expect(page.locator("#match-status")).to_have_text("Found 3 people you may know.")
    cards = page.locator("#matches .match-card")
    expect(cards).to_have_count(3)
    expect(cards.filter(has_text="Ana L.")).to_contain_text("Matched by phone and e-mail")
    expect(cards.filter(has_text="Ben O.")).to_contain_text("in your phone as Benny O")
    expect(cards.filter(has_text="Cleo P.")).to_contain_text("Matched by e-mail")

    cards.filter(has_text="Ana L.").get_by_role("button", name="Yes, I know them").click()
    expect(cards).to_have_count(2)
    # the count follows the answers (it said "Found 3" however many were left)
    expect(page.locator("#match-status")).to_have_text("Found 3 people you may know. 2 still waiting for your answer.")
    cards.filter(has_text="Ben O.").get_by_role("button", name="Not them").click()
    expect(cards).to_have_count(1)
    # "not them" by mistake: undo from the toast, or later from the list of people said not to be them
    page.locator("#toasts").get_by_role("button", name="Undo").click()
    expect(cards).to_have_count(2)
    cards.filter(has_text="Ben O.").get_by_role("button", name="Not them").click()
    expect(cards).to_have_count(1)
    page.locator("#dismissed summary").click()
    page.locator("#dismissed").get_by_role("button", name="Ask me again").click()
    expect(cards).to_have_count(2)
    expect(page.locator("#dismissed")).to_have_count(0)
    cards.filter(has_text="Ben O.").get_by_role("button", name="Not them").click()
    expect(cards).to_have_count(1)
    expect(page.locator("#match-status")).to_have_text("Found 3 people you may know. 1 still waiting for your answer.")

    find_people(page)  # a second run: nothing is evaluated again, and answers are remembered
    expect(page.locator("#match-status")).to_have_text("No one new found this time.")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("Cleo P.")
    page.goto("/")
    expect(page.locator("#sync-pending")).to_have_text("Everything is sent.")
    synced = live_server.synced(campaign, "relationship", email)
    assert [(r["voter_id"], r["source"]) for r in synced] == [(voters["Ana"], "match")]


def test_find_tapped_while_a_file_is_still_being_read_waits_for_it(browser, base_url, volunteer):
    """The contacts parser loads on first use (a slow download on a phone): a volunteer who taps "find" at once
    must get their matches, not "no contacts on this phone" (seen in CI, where it was the first import of a run)."""
    context = browser.new_context(base_url=base_url, service_workers="block", **PHONE)  # every chunk from the network
    held = []
    # the parser's chunk waits until the test lets it through
    context.route("**/chunks/files-*.js", lambda route: held.append(route))
    page = context.new_page()
    sign_in(page, volunteer[1])
    import_file(page, "mine.vcf", vcard(*ADDRESS_BOOK))
    deadline = time.monotonic() + 15
    while not held:
        assert time.monotonic() < deadline, "the contacts parser was never requested"
        page.wait_for_timeout(50)
    page.locator("#find-people").click()
    expect(page.locator("#find-people")).to_be_disabled()
    held[0].continue_()
    expect(page.locator("#match-status")).to_have_text("Found 3 people you may know.", timeout=30_000)
    expect(page.locator("#matches .match-card")).to_have_count(3)
    context.close()


def test_a_person_in_the_address_book_twice_is_one_question_and_found_once(page, volunteer):
    sign_in(page, volunteer[1])
    # one person, twice in the address book (as happens after merging two phones' contacts)
    import_file(page, "mine.vcf", vcard(("Ana Lopez", ["(919) 555-0101"], []),
                                        ("Ana (work)", [], ["Ana.Lopez@example.org"])))
    find_people(page)
    expect(page.locator("#match-status")).to_have_text("Found 1 person you may know.")
    cards = page.locator("#matches .match-card")
    expect(cards).to_have_count(1)  # one question about her, not one per entry in the address book
    expect(cards).to_contain_text("in your phone as Ana (work) and Ana Lopez")
    expect(cards).to_contain_text("Matched by phone and e-mail")
    cards.first.locator("button.confirm").click()
    expect(cards).to_have_count(0)
    expect(page.locator("#match-status")).to_have_text("Found 1 person you may know. You answered them all.")
    page.goto("/people")
    expect(page.locator("#people .person")).to_have_count(1)
    page.get_by_role("link", name="Ana Lopez").click()  # tied to the contact with her name, and its number
    expect(page.get_by_role("link", name="Text (919) 555-0101")).to_be_visible()


def test_matching_offline_says_it_will_run_when_back_online(page, context, volunteer):
    sign_in(page, volunteer[1])
    import_file(page, "mine.vcf", vcard(*ADDRESS_BOOK))
    expect(page.locator("#contacts-count")).to_have_text("5 contacts on this phone.")
    context.set_offline(True)
    page.locator("#find-people").click()
    expect(page.locator("#match-status")).to_have_text(
        "You are offline: matching will run when you are back online.")
    context.set_offline(False)


def test_over_the_daily_quota_the_volunteer_is_told(page, live_server, volunteer):
    campaign, email, _ = volunteer
    live_server.configure(campaign, match_daily_quota=3)
    sign_in(page, email)
    import_file(page, "mine.vcf", vcard(*ADDRESS_BOOK))
    page.locator("#find-people").click()
    expect(page.locator("#match-status")).to_contain_text("as many contacts as Kin allows in one day", timeout=30_000)


def test_delete_all_contacts_really_deletes_them(page, volunteer):
    sign_in(page, volunteer[1])
    import_file(page, "mine.vcf", vcard(*ADDRESS_BOOK))
    find_people(page)
    page.locator("#delete-contacts").click()
    page.locator("dialog [data-answer=confirm]").click()
    expect(page.locator("#contacts-count")).to_have_text("0 contacts on this phone.")
    for store in ("contacts", "tags", "candidates"):
        assert idb_all(page, store) == []


def confirm_ana(page, volunteer):
    sign_in(page, volunteer[1])
    import_file(page, "mine.vcf", vcard(*ADDRESS_BOOK))
    find_people(page)
    cards = page.locator("#matches .match-card")
    cards.filter(has_text="Ana L.").get_by_role("button", name="Yes, I know them").click()
    expect(cards).to_have_count(2)
    page.goto("/people")
    page.get_by_role("link", name="Ana Lopez").click()
    expect(page.locator("#person-title")).to_have_text("Ana Lopez")


def test_reach_out_in_your_own_words_from_your_own_phone(page, live_server, volunteer):
    campaign, _, _ = volunteer
    live_server.configure(campaign, talking_points={"en": ["Ask what matters to them."]})
    confirm_ana(page, volunteer)
    expect(page.locator("#person-card")).to_contain_text("Ana L. · ")
    expect(page.locator("#ideas")).to_have_text("Ask what matters to them.")
    page.locator("#message").fill("Hi Ana, are you voting early this year?")
    page.locator("#message-save").click()
    text_link = page.get_by_role("link", name="Text (919) 555-0101")
    body = "Hi%20Ana%2C%20are%20you%20voting%20early%20this%20year%3F"
    assert text_link.get_attribute("href") == f"sms:9195550101?&body={body}"
    assert page.get_by_role("link", name="Call (919) 555-0101").get_attribute("href") == "tel:9195550101"
    assert page.get_by_role("link", name="E-mail Ana.Lopez@example.org").get_attribute("href").startswith(
        "mailto:Ana.Lopez@example.org?body=Hi%20Ana")
    page.reload()  # the message is kept as the volunteer's own template, with the name filled in again
    expect(page.locator("#message")).to_have_value("Hi Ana, are you voting early this year?")
    # kept, it folds away behind its first words: the Text button comes first, in reach without scrolling
    expect(page.locator("#message")).to_be_hidden()
    expect(page.locator("#message-fold summary")).to_contain_text("Hi Ana, are you voting early this year?")
    expect(text_link).to_be_in_viewport()
    assert [m["value"] if isinstance(m, dict) else m for m in idb_all(page, "meta")
            if isinstance(m, str) and "{name}" in m] == ["Hi {name}, are you voting early this year?"]


def test_log_in_three_taps_offline_then_follow_up_on_home_and_sync(page, context, live_server, volunteer):
    campaign, email, _ = volunteer
    confirm_ana(page, volunteer)
    wait_for_service_worker(page)
    context.set_offline(True)
    page.locator("#log-person-link").click()  # tap 1
    save = page.get_by_role("button", name="Save")
    expect(save).to_be_in_viewport()  # on a 360 x 740 phone, without scrolling past the form
    page.get_by_label("1: Strong support", exact=True).check()  # tap 2
    page.get_by_label("Follow up on (optional)").fill(time.strftime("%Y-%m-%d"))
    save.click()  # tap 3
    expect(page.locator("#person")).to_be_visible()  # back on Ana's page, where the volunteer started
    expect(page.locator("#next-step")).to_contain_text("follow up by")
    page.locator("#nav").get_by_role("link", name="Home").click()
    expect(page.locator("#follow-ups")).to_contain_text("Ana Lopez: follow up by")
    page.reload()
    expect(page.locator("#conversations .conversation")).to_have_count(1)
    expect(page.locator("#sync-pending")).to_contain_text("waiting to be sent")
    context.set_offline(False)
    expect(page.locator("#sync-pending")).to_have_text("Everything is sent.", timeout=15_000)
    [logged] = live_server.synced(campaign, "conversation", email)
    today = time.strftime("%Y-%m-%d")
    assert (logged["channel"], logged["support"], logged["follow_up_on"]) == ("in_person", 1, today)


def test_add_someone_by_name_search(page, live_server, volunteer):
    _, email, _ = volunteer
    sign_in(page, email)
    page.goto("/people")
    expect(page.locator("#people")).to_contain_text("No one yet")
    page.get_by_label("Their name").fill("Dev Shah")
    page.get_by_role("button", name="Search").click()
    result = page.locator("#search-results .search-result").first
    expect(result).to_contain_text("Dev S.")
    result.get_by_role("button", name="Add").click()
    expect(page.locator("#people .person")).to_have_count(1)
    expect(page.locator("#people")).to_contain_text("Dev S.")


def test_the_app_speaks_spanish(page, volunteer):
    sign_in(page, volunteer[1])
    page.locator("#language").select_option("es")
    page.goto("/contacts")
    expect(page.locator("#contacts-title")).to_have_text("Encuentra a gente que conoces")
    expect(page.locator("#contacts-count")).to_have_text("0 contactos en este teléfono.")
    # the file picker opens from Spanish words, not the browser's own "Choose File" button (now hidden)
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Importar un archivo de contactos (.vcf o .csv)").click()
    assert chooser.value.element.get_attribute("id") == "contacts-file"
    assert page.locator("#contacts-file").bounding_box()["width"] <= 1
    expect(page.locator("#nav")).to_contain_text("Privacidad")
    page.goto("/privacy")
    expect(page.locator("#privacy-title")).to_have_text("Privacidad")


def test_people_are_filtered_by_what_the_campaign_and_the_volunteer_know(page, volunteer):
    sign_in(page, volunteer[1])
    import_file(page, "mine.vcf", vcard(*ADDRESS_BOOK))
    find_people(page)
    cards = page.locator("#matches .match-card")
    for remaining in (2, 1, 0):  # yes to all three
        cards.first.locator("button.confirm").click()
        expect(cards).to_have_count(remaining)
    page.goto("/people")
    people = page.locator("#people .person")
    expect(people).to_have_count(3)
    page.get_by_label("Show").select_option(label="The campaign’s priority")
    expect(people).to_have_count(1)
    expect(people).to_contain_text("Cleo P")
    expect(people).to_contain_text("A priority for the campaign")
    page.get_by_label("Show").select_option(label="Not yet contacted")
    expect(people).to_have_count(3)
    page.get_by_label("Search your people").fill("ana")
    expect(people).to_have_count(1)


def test_a_page_that_does_not_exist_says_so_signed_in_or_not(page, volunteer):
    response = page.goto("/no-such-page")  # a fresh browser: it read raw JSON before
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to sign in")).to_be_visible()
    sign_in(page, volunteer[1])
    page.goto("/people/not-a-person")  # signed in: it showed Home without a word before
    expect(page.locator("h1")).to_have_text("Page not found")
    page.locator("#language").select_option("es")
    expect(page.locator("h1")).to_have_text("No encontramos esta página")
    page.get_by_role("link", name="Ir al inicio").click()
    expect(page.locator("#home")).to_be_visible()


def test_on_a_new_phone_people_keep_their_names_and_a_reimport_brings_back_their_numbers(page, browser, base_url,
                                                                                          volunteer):
    confirm_ana(page, volunteer)
    page.goto("/")
    expect(page.locator("#sync-pending")).to_have_text("Everything is sent.", timeout=15_000)
    new_phone = browser.new_context(base_url=base_url, **PHONE)
    phone = new_phone.new_page()
    sign_in(phone, volunteer[1])
    expect(phone.locator("#sync-last")).to_contain_text("Last synced", timeout=15_000)
    phone.goto("/people")
    # the voter card's name, not "Person …57eb (no name on this phone)"
    phone.get_by_role("link", name="Ana L.").click()
    expect(phone.locator("#person-title")).to_have_text("Ana L.")
    expect(phone.locator("#no-contact")).to_be_visible()  # the number stayed on the first phone
    import_file(phone, "mine.vcf", vcard(*ADDRESS_BOOK))
    find_people(phone)
    expect(phone.locator("#matches .match-card").filter(has_text="Ana L.")).to_have_count(0)  # not asked again
    # Ana is counted as found only where she is new: "Found 3" here counted her with the two still to answer
    expect(phone.locator("#match-status")).to_have_text("Found 2 people you may know.")
    phone.goto("/people")
    phone.get_by_role("link", name="Ana Lopez").click()  # linked again, on this phone only
    expect(phone.get_by_role("link", name="Text (919) 555-0101")).to_be_visible()
    new_phone.close()


def test_people_on_screen_follow_a_pull(page, live_server, volunteer):
    """Someone confirmed on the volunteer's other phone appears on the People screen open on this one when sync
    brings it down, without leaving the screen (it showed no one until the next visit)."""
    campaign, email, voters = volunteer
    sign_in(page, email)
    expect(page.locator("#sync-last")).to_contain_text("Last synced")
    page.locator('#nav a[href="/people"]').click()
    expect(page.locator("#people li")).to_have_text(["No one yet. Find people in your contacts, or search by name."])
    person = live_server.relationship(campaign, email, voters["Ana"])
    page.evaluate("dispatchEvent(new Event('online'))")  # sync now, as when the signal comes back
    expect(page.locator(f'#people a[href="/people/{person}"]')).to_be_visible()
