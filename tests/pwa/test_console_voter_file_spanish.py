"""The Voter file screen says each import problem in the organizer's language, from the problem's code; a problem
stored before problems had codes is shown in the server's English. problems.csv stays in English."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.voters.models import VoterImport, VoterImportProblem
from tests.pwa.test_console import console_sign_in
from tests.pwa.test_console_voter_file import GOOD_AND_BAD, choose, imported, open_screen, organizer  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_bad_files_problems_are_said_in_spanish(page, live_server, organizer):  # noqa: F811
    campaign, email = organizer
    console_sign_in(page, email, language="es")
    open_screen(page, campaign)
    choose(page, GOOD_AND_BAD)
    rejected = page.locator("#preview-rows tbody tr.rejected")
    expect(rejected).to_contain_text("No se puede leer la fecha de nacimiento «nineteen»: se esperaba un año como "
                                     "1980, una fecha como 1980-01-31")
    page.locator("#start-import").click()
    imported(page)
    rows = page.locator("#problems tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("No es un número de teléfono válido para la región US.")
    expect(rows.nth(1)).to_contain_text("se esperaba un año como 1980")
    expect(rows.nth(1)).to_contain_text("Se omitió.")
    with page.expect_download() as download:
        page.locator("#download-problems").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert saved[1] == "3,phone,Not a valid phone number for region US.,no,invalid_phone"

    # a problem kept from before codes (or with a code this console does not know) keeps the server's English
    with live_server.app.app_context():
        job = db.session.execute(select(VoterImport).where(VoterImport.campaign_id == campaign)).scalar_one()
        problem = db.session.execute(select(VoterImportProblem).where(
            VoterImportProblem.import_id == job.id, VoterImportProblem.line == 3)).scalar_one()
        problem.code, problem.params = None, None
        db.session.commit()
    page.reload()
    expect(page.locator("#problems tbody tr").nth(0)).to_contain_text("Not a valid phone number for region US.")
    expect(page.locator("#problems tbody tr").nth(1)).to_contain_text("se esperaba un año como 1980")
