"""The import services: check and keep an upload, decide the matches, write it all or nothing."""

from __future__ import annotations

import datetime
import os

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.utils import timezone

from candidates import import_commit, imports
from candidates.import_reading import ImportRefused
from candidates.import_writing import ProgressReporter
from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    CandidateImport,
    CandidateImportRow,
    Tag,
)
from candidates.pipeline import application_create
from candidates.tasks import UNEXPECTED_FAILURE, check_candidate_import, import_candidates
from followups.models import Cadence, FollowUp
from followups.tasks import follow_imported_pipelines
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.candidates.import_helpers import csv_bytes, make_import, person, upload
from tests.followups.factories import FollowUpFactory, cadence_with_step
from tests.hiring_leaders.factories import RequisitionFactory

pytestmark = pytest.mark.django_db

Kind = CandidateImportRow.Kind


def kinds(candidate_import) -> dict[int, str]:
    return dict(candidate_import.rows.values_list("row_number", "kind"))


def errors(candidate_import) -> dict[int, list]:
    return dict(candidate_import.rows.filter(kind=Kind.ERROR).values_list("row_number", "errors"))


def confirm(candidate_import, by):
    return imports.candidate_import_confirm(candidate_import=candidate_import, by=by)


# ---------- upload: checked and kept, nothing else written ----------


def test_an_upload_keeps_each_row_with_its_verdict_and_writes_no_candidate(recruiter):
    candidate_import = make_import(
        recruiter,
        [person(1), person(2, Email="not-an-email"), person(3, Source="LinkedIn")],
        name="spring-fair.csv",
    )

    assert candidate_import.owner == recruiter
    assert candidate_import.file_name == "spring-fair.csv"
    assert candidate_import.status == CandidateImport.Status.PREVIEW
    assert (candidate_import.row_count, candidate_import.new_count) == (3, 2)
    assert (candidate_import.match_count, candidate_import.error_count) == (0, 1)
    assert kinds(candidate_import) == {2: "new", 3: "error", 4: "new"}
    assert errors(candidate_import) == {
        3: [["Email", "“not-an-email” is not a valid email address"]]
    }
    assert not Candidate.objects.exists()
    assert not Activity.objects.exists()


def test_rows_for_people_on_file_match_by_email_in_any_capitals_or_by_name_and_phone(recruiter):
    ada = CandidateFactory(first_name="Ada", last_name="Lovelace", email="Ada@Example.com")
    bob = CandidateFactory(first_name="Bob", last_name="Ross", email="", phone="555-0100-1")

    candidate_import = make_import(
        recruiter,
        [
            {"First name": "Ada", "Last name": "L", "Email": "ada@example.COM"},
            {"First name": "BOB", "Last name": "ross", "Phone": "(555) 01001"},
            {"First name": "Bob", "Last name": "Ross", "Phone": "555 0100 2"},
        ],
    )

    rows = {row.row_number: row for row in candidate_import.rows.all()}
    assert (rows[2].kind, rows[2].match_id, rows[2].match_reason) == ("match", ada.pk, "same email")
    assert (rows[3].kind, rows[3].match_id, rows[3].match_reason) == (
        "match",
        bob.pk,
        "same name and phone",
    )
    assert rows[4].kind == "new"
    assert candidate_import.match_count == 2


def test_matching_reads_people_on_file_set_wise_whatever_the_size_of_the_file(
    recruiter, django_assert_max_num_queries
):
    for n in range(0, 400, 7):
        CandidateFactory(email=f"person{n}@import.example")

    with django_assert_max_num_queries(8):
        small = make_import(recruiter, [person(n) for n in range(10)])
    with django_assert_max_num_queries(8):
        large = make_import(recruiter, [person(n) for n in range(400)])

    assert small.match_count == 2
    assert large.match_count == len(range(0, 400, 7))


def test_requisitions_are_found_by_number_or_exact_title_and_must_be_open_or_on_hold(recruiter):
    platform = RequisitionFactory(title="Platform Lead")
    paused = RequisitionFactory(title="Data Engineer", status="on_hold")
    filled = RequisitionFactory(title="Designer", status="filled", closed_on=datetime.date.today())
    RequisitionFactory(title="Twin role")
    RequisitionFactory(title="Twin role")

    candidate_import = make_import(
        recruiter,
        [
            person(1, Requisition=str(platform.pk)),
            person(2, Requisition="data ENGINEER"),
            person(3, Requisition=f"#{filled.pk}"),
            person(4, Requisition="Twin role"),
            person(5, Requisition="No such role"),
            person(6, Requisition="#987654"),
        ],
    )

    values = dict(candidate_import.rows.values_list("row_number", "values"))
    assert values[2]["requisition"] == platform.pk
    assert values[3]["requisition"] == paused.pk
    problems = {n: why for n, ((_, why),) in errors(candidate_import).items()}
    assert problems[4] == f"“Designer” (#{filled.pk}) is filled; reopen it before adding candidates"
    assert problems[5].startswith("2 open requisitions are called “Twin role”")
    assert problems[5].endswith("use the number instead")
    assert (
        problems[6] == "no requisition is called “no such role”; use its exact title or its number"
    )
    assert problems[7] == "there is no requisition #987654"


# ---------- malformed files: a clear message, nothing written ----------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Name,Email\nJosé Núñez,j@x.org\n".encode("cp1252"), "not saved as UTF-8"),
        (b"Ada,Lovelace,ada@example.com\nGrace,Hopper,g@x.org\n", "must name the columns"),
        (b"Name,Email,Salary\nAda Lovelace,a@x.org,100\n", "We don't import the column “Salary”"),
        (b"", "This file is empty"),
        (os.urandom(4096), "not"),
    ],
    ids=["wrong-encoding", "missing-header", "unknown-header", "empty", "garbage"],
)
def test_a_malformed_file_is_refused_with_a_clear_message_and_writes_nothing(
    recruiter, data, expected
):
    with pytest.raises(ImportRefused) as caught:
        imports.candidate_import_create(upload=upload(data), by=recruiter)

    assert expected in caught.value.messages[0]
    assert not CandidateImport.objects.exists()
    assert not CandidateImportRow.objects.exists()


def test_a_50_mb_file_of_garbage_is_refused_by_its_size_and_writes_nothing(recruiter, tmp_path):
    big = tmp_path / "garbage.csv"
    with big.open("wb") as out:
        for _ in range(50):
            out.write(os.urandom(1024 * 1024))

    with big.open("rb") as handle, pytest.raises(ImportRefused) as caught:
        imports.candidate_import_create(
            upload=UploadedFile(handle, name="garbage.csv", size=big.stat().st_size), by=recruiter
        )

    message = caught.value.messages[0].replace("\xa0", " ")
    assert "This file is 50.0 MB; a file can be at most 25.0 MB" in message
    assert not CandidateImport.objects.exists()


def test_an_upload_that_understates_its_size_is_still_refused(recruiter, monkeypatch):
    monkeypatch.setattr("candidates.import_reading.MAX_BYTES", 100)
    monkeypatch.setattr("candidates.imports.MAX_BYTES", 100)
    data = csv_bytes([person(n) for n in range(10)])

    with pytest.raises(ImportRefused):
        imports.candidate_import_create(
            upload=UploadedFile(upload(data).file, name="x.csv", size=10), by=recruiter
        )

    assert not CandidateImport.objects.exists()


def test_a_large_file_is_refused_at_once_if_malformed_and_else_checked_by_a_worker(
    recruiter, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "INLINE_CHECK_ROWS", 2)
    queued = []
    monkeypatch.setattr(check_candidate_import, "delay", queued.append)
    CandidateFactory(email="person1@import.example")

    with pytest.raises(ImportRefused, match="must name the columns"):
        imports.candidate_import_create(upload=upload(b"Ada,Lovelace\nB,C\nD,E\n"), by=recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        candidate_import = make_import(recruiter, [person(1), person(2), person(3, Email="x@")])

    assert candidate_import.status == CandidateImport.Status.CHECKING
    assert candidate_import.row_count == 3
    assert queued == [candidate_import.pk]
    assert not candidate_import.rows.exists()

    assert check_candidate_import(candidate_import.pk) == "preview"
    candidate_import.refresh_from_db()
    assert (candidate_import.new_count, candidate_import.match_count) == (1, 1)
    assert (candidate_import.error_count, candidate_import.source) == (1, "")
    # A redelivered task finds it checked.
    assert check_candidate_import(candidate_import.pk) == "preview"
    assert candidate_import.rows.count() == 3
    assert check_candidate_import(987654) == "gone"


def test_an_import_still_being_checked_cannot_be_confirmed_yet(recruiter, monkeypatch):
    monkeypatch.setattr(imports, "INLINE_CHECK_ROWS", 0)
    candidate_import = make_import(recruiter, [person(1)])

    result = confirm(candidate_import, recruiter)

    assert result.status == CandidateImport.Status.CHECKING
    assert not Candidate.objects.exists()


def test_a_worker_that_fails_to_check_a_file_says_so_and_keeps_nothing(recruiter, monkeypatch):
    monkeypatch.setattr(imports, "INLINE_CHECK_ROWS", 0)
    candidate_import = make_import(recruiter, [person(1)])

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(imports, "check_records", broken)

    assert check_candidate_import(candidate_import.pk) == "failed"
    candidate_import.refresh_from_db()
    assert (candidate_import.failure, candidate_import.source) == (UNEXPECTED_FAILURE, "")
    assert not candidate_import.rows.exists()


# ---------- deciding the matches ----------


@pytest.fixture
def import_with_matches(recruiter):
    for n in (1, 2, 3):
        CandidateFactory(email=f"person{n}@import.example", headline="Old title")
    return make_import(recruiter, [person(n, Title="New title") for n in (1, 2, 3, 4)])


def test_matches_are_skipped_unless_the_recruiter_chooses_to_update_them(
    recruiter, import_with_matches
):
    row = import_with_matches.rows.get(row_number=3)

    imports.candidate_import_decide(row=row, decision="update", by=recruiter)

    assert import_with_matches.match_action == "skip"
    assert dict(
        import_with_matches.rows.filter(kind=Kind.MATCH).values_list("row_number", "decision")
    ) == {
        2: "",
        3: "update",
        4: "",
    }


def test_choosing_for_all_matches_overrides_choices_made_row_by_row(recruiter, import_with_matches):
    row = import_with_matches.rows.get(row_number=3)
    imports.candidate_import_decide(row=row, decision="skip", by=recruiter)

    imports.candidate_import_decide_all(
        candidate_import=import_with_matches, decision="update", by=recruiter
    )

    import_with_matches.refresh_from_db()
    assert import_with_matches.match_action == "update"
    assert set(import_with_matches.rows.values_list("decision", flat=True)) == {""}


def test_a_choice_that_is_not_update_or_skip_is_refused(recruiter, import_with_matches):
    row = import_with_matches.rows.get(row_number=2)

    with pytest.raises(ValidationError):
        imports.candidate_import_decide(row=row, decision="merge", by=recruiter)


def test_choices_cannot_change_once_the_import_is_confirmed(recruiter, import_with_matches):
    confirm(import_with_matches, recruiter)
    row = CandidateImportRow(candidate_import=import_with_matches, kind=Kind.MATCH)

    with pytest.raises(ValidationError, match="can no longer change"):
        imports.candidate_import_decide(row=row, decision="update", by=recruiter)


# ---------- committing: everything the services would write, set-wise ----------


def test_confirming_creates_the_candidates_with_owner_tags_and_a_timeline_entry(recruiter, leader):
    Tag.objects.create(name="Python")
    candidate_import = make_import(
        recruiter,
        [
            person(1, Title="Engineer", Source="referral", Tags="python; Remote"),
            person(2, Email="", Phone="", Source=""),
            person(3, Email="broken@"),
        ],
        name="fair.csv",
    )

    result = confirm(candidate_import, recruiter)

    assert result.status == CandidateImport.Status.DONE
    assert (result.created_count, result.updated_count, result.skipped_count) == (2, 0, 0)
    assert result.error_count == 1
    ada = Candidate.objects.get(email="person1@import.example")
    assert (ada.first_name, ada.last_name, ada.owner) == ("Person1", "Sample1", recruiter)
    assert (ada.phone, ada.phone_digits) == ("+1 555 0000001", "15550000001")
    assert (ada.headline, ada.source) == ("Engineer", "referral")
    assert sorted(ada.tags.values_list("name", flat=True)) == ["Python", "Remote"]
    assert Tag.objects.count() == 2
    other = Candidate.objects.get(first_name="Person2")
    assert (other.email, other.phone_digits, other.source) == ("", "", "other")
    assert list(ada.activities.values_list("kind", "summary", "actor")) == [
        ("note", f"Imported from “fair.csv” by {recruiter}", recruiter.pk)
    ]
    # The rows written are gone; those with errors stay for the result page.
    assert list(candidate_import.rows.values_list("row_number", flat=True)) == [4]


def test_a_requisition_column_puts_each_candidate_in_its_pipeline_at_sourced_sending_nothing(
    recruiter, shipped_cadences, django_capture_on_commit_callbacks
):
    requisition = RequisitionFactory(title="Platform Lead")
    candidate_import = make_import(recruiter, [person(1, Requisition="Platform Lead"), person(2)])

    with django_capture_on_commit_callbacks(execute=True):
        confirm(candidate_import, recruiter)

    candidate = Candidate.objects.get(email="person1@import.example")
    application = Application.objects.get(candidate=candidate)
    assert (application.requisition, application.stage, application.outcome) == (
        requisition,
        "sourced",
        "active",
    )
    # The name the candidate list sorts the pipeline by, kept on the application.
    assert (application.candidate_last_name, application.candidate_first_name) == (
        "Sample1",
        "Person1",
    )
    change = ApplicationStageChange.objects.get(application=application)
    assert (change.from_stage, change.to_stage, change.outcome, change.changed_by) == (
        "",
        "sourced",
        "active",
        recruiter,
    )
    assert candidate.activities.filter(
        kind="stage_change",
        summary="Added to Platform Lead as Sourced",
        application=application,
        requisition=requisition,
    ).exists()
    assert not Application.objects.filter(candidate__email="person2@import.example").exists()
    assert not FollowUp.objects.exists()


def test_a_cadence_on_entering_sourced_follows_imported_pipelines_as_hand_added_ones(
    recruiter, django_capture_on_commit_callbacks
):
    """A worker gives an import's new pipelines, after the commit, what application_create gives
    one added by hand; run again (a task delivered twice) it adds nothing."""
    step = cadence_with_step("stage_entered", audience="recruiter", channel="task", offset_days=2)
    Cadence.objects.filter(pk=step.cadence_id).update(stage="sourced")
    requisition = RequisitionFactory(title="Platform Lead", recruiter=recruiter)
    by_hand = application_create(
        candidate=CandidateFactory(owner=recruiter), requisition=requisition, by=recruiter
    )
    candidate_import = make_import(
        recruiter, [person(n, Requisition="Platform Lead") for n in range(3)] + [person(9)]
    )

    with django_capture_on_commit_callbacks(execute=True):
        confirm(candidate_import, recruiter)

    def tasks_of(application):
        return list(
            FollowUp.objects.filter(application=application).values_list(
                "cadence_step", "audience", "channel", "recruiter", "due_at"
            )
        )

    imported = Application.objects.filter(candidate__email__endswith="@import.example")
    assert imported.count() == 3
    hand_task = tasks_of(by_hand)
    assert len(hand_task) == 1
    for application in imported:
        step_id, audience, channel, owner, due_at = tasks_of(application)[0]
        assert (step_id, audience, channel, owner) == hand_task[0][:4]
        assert due_at >= application.stage_changed_at + datetime.timedelta(days=2)
    assert FollowUp.objects.count() == 4

    follow_imported_pipelines(list(ApplicationStageChange.objects.values_list("pk", flat=True)))
    assert FollowUp.objects.count() == 4


def test_someone_on_file_imported_into_a_pipeline_is_no_longer_gone_quiet(recruiter):
    RequisitionFactory(title="Platform Lead")
    ada = CandidateFactory(email="ada@example.com", owner=recruiter)
    quiet = cadence_with_step("candidate_untouched", audience="recruiter", channel="task")
    nudge = FollowUpFactory(candidate=ada, cadence_step=quiet, channel="task")
    other_nudge = FollowUpFactory(cadence_step=quiet, channel="task")
    candidate_import = make_import(
        recruiter, [person(1, Email="ada@example.com", Requisition="Platform Lead")]
    )
    imports.candidate_import_decide_all(
        candidate_import=candidate_import, decision="update", by=recruiter
    )

    confirm(candidate_import, recruiter)

    nudge.refresh_from_db()
    other_nudge.refresh_from_db()
    assert (nudge.state, nudge.note) == ("cancelled", "The pipeline moved")
    assert other_nudge.state == "scheduled"
    # The name on file, which an update leaves alone, not the file's.
    application = Application.objects.get(candidate=ada)
    assert (application.candidate_last_name, application.candidate_first_name) == (
        ada.last_name,
        ada.first_name,
    )


def test_someone_closed_for_the_role_is_not_imported_into_it_a_second_time(recruiter):
    platform = RequisitionFactory(title="Platform Lead")
    ada = CandidateFactory(email="ada@example.com", owner=recruiter)
    closed = ApplicationFactory(
        candidate=ada,
        requisition=platform,
        outcome="rejected",
        closed_at=timezone.now(),
        close_reason="Not a fit",
    )
    candidate_import = make_import(
        recruiter, [person(1, Email="ada@example.com", Requisition="Platform Lead")]
    )
    imports.candidate_import_decide_all(
        candidate_import=candidate_import, decision="update", by=recruiter
    )

    confirm(candidate_import, recruiter)

    assert list(Application.objects.filter(candidate=ada)) == [closed]


def test_updating_a_match_fills_in_what_is_new_and_says_so_on_the_timeline(recruiter):
    requisition = RequisitionFactory(title="Platform Lead")
    ada = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        phone="555 0100",
        headline="Engineer",
        source="referral",
    )
    ada.tags.add(Tag.objects.create(name="python"))
    candidate_import = make_import(
        recruiter,
        [
            {
                "First name": "Ada",
                "Last name": "Lovelace",
                "Email": "ADA@example.com",
                "Phone": "+1 555 0199",
                "Title": "",
                "Source": "Event",
                "Tags": "Python; leadership",
                "Requisition": "Platform Lead",
            }
        ],
        name="update.csv",
    )
    imports.candidate_import_decide_all(
        candidate_import=candidate_import, decision="update", by=recruiter
    )

    result = confirm(candidate_import, recruiter)

    ada.refresh_from_db()
    assert (result.created_count, result.updated_count) == (0, 1)
    assert (ada.email, ada.phone, ada.phone_digits) == (
        "ada@example.com",
        "+1 555 0199",
        "15550199",
    )
    assert (ada.headline, ada.source, ada.owner_id) == ("Engineer", "referral", ada.owner_id)
    assert sorted(ada.tags.values_list("name", flat=True)) == ["leadership", "python"]
    assert ada.activities.filter(
        kind="note", summary=f"Updated from “update.csv” by {recruiter}: phone, tags"
    ).exists()
    assert Application.objects.filter(candidate=ada, requisition=requisition).count() == 1


def test_skipped_matches_and_matches_with_nothing_new_stay_exactly_as_they_were(recruiter):
    requisition = RequisitionFactory()
    skipped = CandidateFactory(email="person1@import.example", headline="Old")
    same = CandidateFactory(email="person2@import.example", phone="+1 555 0000002", headline="")
    ApplicationFactory(candidate=same, requisition=requisition)
    candidate_import = make_import(
        recruiter, [person(1, Title="New"), person(2, Requisition=str(requisition.pk))]
    )
    row = candidate_import.rows.get(row_number=3)
    imports.candidate_import_decide(row=row, decision="update", by=recruiter)

    result = confirm(candidate_import, recruiter)

    skipped.refresh_from_db()
    assert skipped.headline == "Old"
    assert (result.skipped_count, result.unchanged_count, result.updated_count) == (1, 1, 0)
    assert not Activity.objects.exists()
    assert Application.objects.filter(candidate=same).count() == 1


def test_confirming_twice_writes_once(recruiter):
    candidate_import = make_import(recruiter, [person(1)])

    confirm(candidate_import, recruiter)
    confirm(candidate_import, recruiter)

    assert Candidate.objects.count() == 1


def test_a_file_where_every_row_has_errors_cannot_be_confirmed(recruiter):
    candidate_import = make_import(recruiter, [person(1, Email="x@")])

    with pytest.raises(ValidationError, match="nothing to import"):
        confirm(candidate_import, recruiter)


def test_writing_takes_a_fixed_number_of_queries_per_chunk_not_per_row(
    recruiter, django_assert_max_num_queries
):
    RequisitionFactory(title="Platform Lead")
    small = make_import(
        recruiter, [person(n, Tags="a;b", Requisition="Platform Lead") for n in range(3)]
    )
    large = make_import(
        recruiter, [person(n, Tags="a;b", Requisition="Platform Lead") for n in range(100, 400)]
    )

    with django_assert_max_num_queries(25) as small_queries:
        confirm(small, recruiter)
    with django_assert_max_num_queries(len(small_queries) + 1):
        confirm(large, recruiter)

    assert Candidate.objects.count() == 303
    assert Application.objects.count() == 303


# ---------- all or nothing ----------


def assert_nothing_written(candidate_import, reason: str) -> None:
    candidate_import.refresh_from_db()
    assert candidate_import.status == CandidateImport.Status.FAILED
    assert reason in candidate_import.failure
    assert candidate_import.failure.startswith("Nothing was imported")
    assert not Candidate.objects.filter(first_name__startswith="Person").exists()
    assert not Activity.objects.exists()
    assert not Application.objects.exists()
    assert not Tag.objects.filter(name="fresh-tag").exists()


def test_someone_added_since_the_preview_fails_the_whole_import_and_says_why(
    recruiter, monkeypatch
):
    monkeypatch.setattr(import_commit, "CHUNK_ROWS", 2)  # the clash is in the second chunk
    candidate_import = make_import(recruiter, [person(n, Tags="fresh-tag") for n in range(1, 6)])
    CandidateFactory(first_name="Late", last_name="Comer", email="PERSON4@import.example")

    result = confirm(candidate_import, recruiter)

    assert result.status == CandidateImport.Status.FAILED
    assert_nothing_written(candidate_import, "row 5 (Person4 Sample4) now matches Late Comer")
    assert candidate_import.rows.count() == 5  # kept, for nothing was written


def test_a_requisition_filled_since_the_preview_fails_the_whole_import(recruiter):
    requisition = RequisitionFactory(title="Platform Lead")
    candidate_import = make_import(recruiter, [person(1), person(2, Requisition="Platform Lead")])
    requisition.status, requisition.closed_on = "filled", datetime.date.today()
    requisition.save()

    confirm(candidate_import, recruiter)

    assert_nothing_written(
        candidate_import, "“Platform Lead” (row 3 (Person2 Sample2)) is filled now"
    )


def test_a_database_refusal_mid_import_rolls_everything_back(recruiter, monkeypatch):
    candidate_import = make_import(recruiter, [person(1), person(2)])
    # Another session takes an address between the re-check and the write.
    real_refuse = import_commit._refuse_new_matches

    def then_someone_takes_an_address(rows, added_since):
        real_refuse(rows, added_since)
        CandidateFactory(email="person2@import.example")

    monkeypatch.setattr(import_commit, "_refuse_new_matches", then_someone_takes_an_address)

    confirm(candidate_import, recruiter)

    candidate_import.refresh_from_db()
    assert candidate_import.status == CandidateImport.Status.FAILED
    assert (
        "an email address in the file now belongs to a candidate added" in candidate_import.failure
    )
    assert not Candidate.objects.filter(email="person1@import.example").exists()


# ---------- large imports: a worker, progress, idempotent ----------


def test_a_large_import_goes_to_a_worker_after_the_confirmation_commits(
    recruiter, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "INLINE_ROWS", 2)
    candidate_import = make_import(recruiter, [person(n) for n in range(5)])
    queued = []
    monkeypatch.setattr(import_candidates, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        result = confirm(candidate_import, recruiter)

    assert result.status == CandidateImport.Status.QUEUED
    assert queued == [candidate_import.pk]
    assert not Candidate.objects.exists()

    assert import_candidates(candidate_import.pk) == "done"
    assert Candidate.objects.count() == 5
    # A redelivered task finds it written and does nothing.
    assert import_candidates(candidate_import.pk) == "done"
    assert Candidate.objects.count() == 5
    assert import_candidates(987654) == "gone"


def test_the_worker_reports_progress_after_each_chunk(recruiter, monkeypatch):
    monkeypatch.setattr(imports, "INLINE_ROWS", 0)
    monkeypatch.setattr(import_commit, "CHUNK_ROWS", 2)
    reported = []
    monkeypatch.setattr(ProgressReporter, "__call__", lambda self, done: reported.append(done))
    candidate_import = make_import(recruiter, [person(n) for n in range(5)])
    confirm(candidate_import, recruiter)

    import_candidates(candidate_import.pk)

    candidate_import.refresh_from_db()
    assert reported == [2, 4, 5]
    assert candidate_import.progress == 5


def test_an_unexpected_error_in_the_worker_is_recorded_and_nothing_is_written(
    recruiter, monkeypatch
):
    monkeypatch.setattr(imports, "INLINE_ROWS", 0)
    candidate_import = make_import(recruiter, [person(1)])
    confirm(candidate_import, recruiter)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(import_commit, "_add_to_pipelines", broken)

    assert import_candidates(candidate_import.pk) == "failed"

    candidate_import.refresh_from_db()
    assert candidate_import.failure == UNEXPECTED_FAILURE
    assert not Candidate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_while_the_import_is_uncommitted(recruiter):
    candidate_import = make_import(recruiter, [person(1)])
    reporter = ProgressReporter(candidate_import.pk, enabled=True)
    onlooker = connections.create_connection("default")
    try:
        with transaction.atomic():
            Candidate.objects.create(first_name="In", last_name="Flight", owner=recruiter)
            reporter(1)
            with onlooker.cursor() as cursor:
                cursor.execute(
                    "SELECT progress FROM candidates_candidateimport WHERE id = %s",
                    [candidate_import.pk],
                )
                assert cursor.fetchone() == (1,)
                cursor.execute("SELECT count(*) FROM candidates_candidate")
                assert cursor.fetchone() == (0,)
    finally:
        reporter.close()
        onlooker.close()


# ---------- discarding and tidying ----------


def test_a_preview_can_be_discarded_but_not_a_confirmed_import(recruiter):
    preview = make_import(recruiter, [person(1)])
    done = make_import(recruiter, [person(2)])
    confirm(done, recruiter)

    imports.candidate_import_discard(candidate_import=preview, by=recruiter)

    assert not CandidateImport.objects.filter(pk=preview.pk).exists()
    with pytest.raises(ValidationError):
        imports.candidate_import_discard(candidate_import=done, by=recruiter)


def test_previews_left_unconfirmed_for_a_week_go_when_the_recruiter_uploads_again(
    recruiter, other_recruiter
):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
        old = make_import(recruiter, [person(1)])
        someone_elses = make_import(other_recruiter, [person(1)])
        old_done = make_import(recruiter, [person(2)])
        confirm(old_done, recruiter)
    recent = make_import(recruiter, [person(3)])

    make_import(recruiter, [person(4)])

    remaining = set(CandidateImport.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert {someone_elses.pk, old_done.pk, recent.pk} <= remaining
