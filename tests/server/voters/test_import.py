"""Importing and re-importing a voter file, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditEvent
from server.extensions import db
from server.voters import importer
from server.voters.models import ImportStatus, VoterIdentifier, VoterImport, VoterImportProblem, staged_voter

FIRST = [
    ["A1", "Ana", "López", "Durham", "27701", "1990", "(919) 660-1234", "Ana@Example.org"],
    ["A2", "Ben", "Okafor", "Durham", "27701", "1985", "919-660-2345", ""],
    ["A3", "Cleo", "Park", "Raleigh", "27601", "1970", "12345", "cleo@example.org"],
    ["", "No", "Id", "Raleigh", "27601", "1970", "", ""],
    ["A4", "Dev", "Shah", "Cary", "27511", "2001", "", "not-an-email"],
]


def test_import_adds_voters_with_normalised_identifiers_and_reports_bad_rows(
        app, make_campaign, voter_file, import_file, voters_of):
    campaign_id = make_campaign()
    result = import_file(voter_file(FIRST), campaign_id)
    assert result.exit_code == 0, result.output
    assert "Voters added: 4; updated: 0; marked inactive: 0" in result.output
    voters = voters_of(campaign_id)
    assert set(voters) == {"A1", "A2", "A3", "A4"}
    assert (voters["A1"].first_name, voters["A1"].last_name, voters["A1"].birth_year) == ("Ana", "López", 1990)
    assert voters["A1"].phones == ["+19196601234"] and voters["A1"].emails == ["ana@example.org"]
    assert voters["A3"].phones == [] and voters["A4"].emails == []  # invalid ones dropped, rows kept
    assert voters["A1"].search_name == "ana lopez"
    with app.app_context():
        problems = db.session.execute(select(VoterImportProblem).order_by(VoterImportProblem.line)).scalars().all()
        by_line = {p.line: p for p in problems}
        assert by_line[5].rejected and by_line[5].column in ("voter_id", None)  # line 5: the row without an id
        assert not by_line[4].rejected and by_line[4].column == "phone"
        assert not by_line[6].rejected and by_line[6].column == "email"
        assert db.session.execute(select(func.count()).select_from(staged_voter)).scalar_one() == 0


def test_reimport_updates_adds_and_marks_missing_voters_inactive(
        app, make_campaign, voter_file, import_file, voters_of):
    campaign_id = make_campaign()
    assert import_file(voter_file(FIRST), campaign_id).exit_code == 0
    with app.app_context():
        kept_id = db.session.execute(select(VoterIdentifier.id).where(VoterIdentifier.value == "+19196601234")
                                     ).scalar_one()
    second = [
        ["A1", "Ana", "López-Ruiz", "Durham", "27701", "1990", "(919) 660-1234", ""],  # renamed, e-mail gone
        ["A3", "Cleo", "Park", "Raleigh", "27601", "1970", "919-660-9999", "cleo@example.org"],  # new phone
        ["A5", "Eli", "Novak", "Cary", "27511", "1999", "", ""],  # new voter
    ]
    result = import_file(voter_file(second), campaign_id)
    assert "Voters added: 1; updated: 2; marked inactive: 2" in result.output, result.output
    voters = voters_of(campaign_id)
    assert voters["A1"].last_name == "López-Ruiz" and voters["A1"].emails == [] and voters["A1"].active
    assert voters["A3"].phones == ["+19196609999"]
    assert not voters["A2"].active and not voters["A4"].active  # kept, with their history, but inactive
    assert voters["A5"].active
    with app.app_context():
        # an unchanged identifier keeps its row, so the matching tag table is rebuilt only for new ones
        assert db.session.get(VoterIdentifier, kept_id).value == "+19196601234"
        job = db.session.execute(select(VoterImport).order_by(VoterImport.id.desc())).scalars().first()
        assert db.session.execute(select(VoterIdentifier.value).where(
            VoterIdentifier.id >= job.first_new_identifier_id)).scalars().all() == ["+19196609999"]
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "voter_file.imported")
                                   .order_by(AuditEvent.id.desc())).scalars().first()
        assert event.details == {"added": 1, "updated": 2, "deactivated": 2, "rejected": 0, "skipped": 0}


def test_a_voter_reactivates_when_a_later_file_lists_them_again(make_campaign, voter_file, import_file, voters_of):
    campaign_id = make_campaign()
    import_file(voter_file(FIRST[:2]), campaign_id)
    import_file(voter_file(FIRST[:1]), campaign_id)
    assert not voters_of(campaign_id)["A2"].active
    import_file(voter_file(FIRST[:2]), campaign_id)
    assert voters_of(campaign_id)["A2"].active


def test_too_many_bad_rows_stop_the_import_and_keep_the_old_file(app, make_campaign, voter_file, import_file,
                                                                  voters_of):
    campaign_id = make_campaign()
    import_file(voter_file(FIRST), campaign_id)
    before = {k: (v.last_name, v.active) for k, v in voters_of(campaign_id).items()}
    bad = [["", f"Nobody{n}", "X", "", "", "", "", ""] for n in range(3)] + [["B1", "Fay", "Ng", "", "", "", "", ""]]
    result = import_file(voter_file(bad), campaign_id)
    assert result.exit_code != 0
    assert "3 of the 4 rows read (75%) were rejected" in result.output
    assert {k: (v.last_name, v.active) for k, v in voters_of(campaign_id).items()} == before


def test_a_voter_id_listed_twice_keeps_the_first_row_and_reports_the_second(app, make_campaign, voter_file,
                                                                            import_file, voters_of):
    campaign_id = make_campaign()
    others = [[f"B{n}", "Some", "One", "", "", "", "", ""] for n in range(5)]
    rows = FIRST[:3] + others + [["A1", "Impostor", "Row", "", "", "", "", ""]]
    assert import_file(voter_file(rows), campaign_id).exit_code == 0
    assert voters_of(campaign_id)["A1"].first_name == "Ana"
    with app.app_context():
        problem = db.session.execute(select(VoterImportProblem).where(VoterImportProblem.line == 10)).scalar_one()
        assert problem.rejected and "earlier line" in problem.reason


def test_a_failure_while_applying_leaves_the_previous_file_untouched(app, make_campaign, voter_file, import_file,
                                                                     voters_of, monkeypatch):
    campaign_id = make_campaign()
    import_file(voter_file(FIRST), campaign_id)
    before = {k: (v.last_name, v.active, tuple(v.phones)) for k, v in voters_of(campaign_id).items()}

    def crash(job):
        raise RuntimeError("disk full")  # after the voters were upserted and others deactivated

    monkeypatch.setattr(importer, "_apply_identifiers", crash)
    rows = [["A1", "Ana", "Changed", "", "", "", "", ""], ["Z9", "New", "Person", "", "", "", "", ""]]
    result = import_file(voter_file(rows), campaign_id, "--allow-shrink")  # so it gets as far as applying
    assert result.exit_code != 0 and "previous voter file is unchanged" in result.output
    assert {k: (v.last_name, v.active, tuple(v.phones)) for k, v in voters_of(campaign_id).items()} == before
    with app.app_context():
        job = db.session.execute(select(VoterImport).order_by(VoterImport.id.desc())).scalars().first()
        assert job.status is ImportStatus.FAILED
        assert db.session.execute(select(func.count()).select_from(staged_voter)).scalar_one() == 0


def test_unknown_format_and_bad_map_are_refused_by_name(make_campaign, voter_file, import_file):
    campaign_id = make_campaign()
    path = voter_file(FIRST)
    result = import_file(path, campaign_id, "--format", "no-such-preset")
    assert result.exit_code != 0 and "--format 'no-such-preset': Must be one of: auto" in result.output
    result = import_file(path, campaign_id, "--map", "phone=shoe_size")
    assert result.exit_code != 0 and "shoe_size" in result.output


@pytest.mark.parametrize("preset", ["auto", "generic"])
def test_map_overrides_read_a_column_as_a_field(make_campaign, voter_file, import_file, voters_of, preset):
    campaign_id = make_campaign()
    path = voter_file([["A1", "Ana", "Lopez", "Durham", "919-660-1234"]],
                      header=["voter_id", "first_name", "last_name", "town", "mobile_number_xyz"])
    result = import_file(path, campaign_id, "--format", preset,
                         "--map", "town=city", "--map", "mobile_number_xyz=phones")
    assert result.exit_code == 0, result.output
    voter = voters_of(campaign_id)["A1"]
    assert voter.city == "Durham" and voter.phones == ["+19196601234"]


def test_backslashes_and_quotes_in_values_survive_the_bulk_copy(make_campaign, voter_file, import_file, voters_of):
    campaign_id = make_campaign()
    rows = [["Q1", 'Ana "Nana"', "O\\Brien", "Durham", "", "", "", ""], ["Q2", "Ben", "N\\A", "", "", "", "", ""]]
    assert import_file(voter_file(rows), campaign_id).exit_code == 0
    voters = voters_of(campaign_id)
    names = (voters["Q1"].first_name, voters["Q1"].last_name, voters["Q2"].last_name)
    assert names == ('Ana "Nana"', "O\\Brien", "N\\A")


def test_a_file_that_drops_more_than_half_the_voters_needs_the_organizers_word(
        make_campaign, voter_file, import_file, voters_of):
    """A 5-row file replaced a 300-voter file without a question: a wrong or partial file must not."""
    campaign_id = make_campaign()
    everyone = [[f"V{n}", "Ana", f"Voter{n}", "Durham", "27701", "1990", "", ""] for n in range(300)]
    assert import_file(voter_file(everyone), campaign_id).exit_code == 0
    refused = import_file(voter_file(everyone[:5]), campaign_id)
    assert refused.exit_code != 0
    assert "would mark 295 of the 300 active voters inactive" in refused.output and "--allow-shrink" in refused.output
    assert sum(v.active for v in voters_of(campaign_id).values()) == 300  # nothing changed
    confirmed = import_file(voter_file(everyone[:5]), campaign_id, "--allow-shrink")
    assert confirmed.exit_code == 0, confirmed.output
    assert sum(v.active for v in voters_of(campaign_id).values()) == 5
