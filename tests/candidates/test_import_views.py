"""The import pages: who may see them, what they say, both the HTMX and the full-page paths."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from candidates import imports
from candidates.models import Candidate, CandidateImport
from tests.candidates.factories import CandidateFactory
from tests.candidates.import_helpers import csv_bytes, make_import, person, upload
from tests.hiring_leaders.factories import RequisitionFactory

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("imports:upload")
EXAMPLE_URL = reverse("imports:example")
HTMX = {"HTTP_HX_REQUEST": "true"}

# Session, user, one page of the recruiter's imports (count + rows).
UPLOAD_QUERIES = 4
# Session, user, the import, count + one page of rows (+ matches and their tags, or the
# requisitions named on the page), match decisions.
DETAIL_QUERIES = 8


def text(response) -> str:
    return response.content.decode()


def detail_url(candidate_import, **query) -> str:
    url = reverse("imports:detail", args=[candidate_import.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def every_url(candidate_import) -> list[tuple[str, str]]:
    pk = candidate_import.pk
    row = candidate_import.rows.filter(kind="match").first()
    row_pk = row.pk if row else 1
    return [
        ("get", UPLOAD_URL),
        ("post", UPLOAD_URL),
        ("get", EXAMPLE_URL),
        ("get", reverse("imports:detail", args=[pk])),
        ("get", reverse("imports:progress", args=[pk])),
        ("post", reverse("imports:decide_all", args=[pk])),
        ("post", reverse("imports:decide", args=[pk, row_pk])),
        ("post", reverse("imports:confirm", args=[pk])),
        ("post", reverse("imports:discard", args=[pk])),
    ]


@pytest.fixture
def preview(recruiter):
    """A preview with one new row, one match and one row with errors."""
    CandidateFactory(first_name="Ada", last_name="Lovelace", email="person2@import.example")
    return make_import(recruiter, [person(1), person(2), person(3, Email="broken@")])


# ---------- who may see the pages ----------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(UPLOAD_URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={UPLOAD_URL}"


def test_hiring_leaders_reach_none_of_the_import_pages(client, leader, preview):
    client.force_login(leader.user)

    for method, url in every_url(preview):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    assert CandidateImport.objects.get(pk=preview.pk).status == "preview"


def test_another_recruiter_gets_404_for_someone_elses_import(client, other_recruiter, preview):
    client.force_login(other_recruiter)

    for method, url in every_url(preview)[3:]:
        response = getattr(client, method)(url, {"decision": "update"})
        assert response.status_code == 404, url
    preview.refresh_from_db()
    assert (preview.status, preview.match_action) == ("preview", "skip")
    assert not Candidate.objects.filter(email="person1@import.example").exists()


def test_admins_may_import_too(client, admin_user):
    client.force_login(admin_user)

    response = client.post(UPLOAD_URL, {"file": upload(csv_bytes([person(1)]))})

    assert response.status_code == 302
    assert CandidateImport.objects.get().owner == admin_user


@pytest.mark.parametrize("name", ["detail", "progress", "confirm", "discard", "decide_all"])
def test_an_unknown_import_is_not_found(client, recruiter, name):
    client.force_login(recruiter)

    response = client.post(reverse(f"imports:{name}", args=[987654]))

    assert response.status_code == 404


def test_a_row_of_another_import_is_not_found(client, recruiter, preview):
    other = make_import(recruiter, [person(9)])
    row = preview.rows.get(kind="match")
    client.force_login(recruiter)

    response = client.post(
        reverse("imports:decide", args=[other.pk, row.pk]), {"decision": "update"}
    )

    assert response.status_code == 404


# ---------- the upload page ----------


def test_the_upload_page_explains_the_columns_and_offers_an_example(client, recruiter):
    client.force_login(recruiter)

    response = client.get(UPLOAD_URL)

    body = text(response)
    assert response.status_code == 200
    assert "Import candidates from a CSV file" in body
    for words in (
        "First name and Last name",
        "“Lovelace, Ada”",
        "Separated by “;” or “,”",
        "open or on hold",
        "Referral, LinkedIn, Job board",
        "CSV UTF-8",
    ):
        assert words in body, words
    assert f'href="{EXAMPLE_URL}" download' in body
    assert 'enctype="multipart/form-data"' in body
    assert "No imports yet" in body


def test_the_example_file_downloads_as_csv(client, recruiter):
    client.force_login(recruiter)

    response = client.get(EXAMPLE_URL)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="candidates-example.csv"'
    assert text(response).startswith("First name,Last name,Email,Phone,Title,Source,Tags")


def test_the_upload_page_lists_the_recruiters_own_imports(client, recruiter, other_recruiter):
    make_import(recruiter, [person(1)], name="mine.csv")
    make_import(other_recruiter, [person(1)], name="theirs.csv")
    client.force_login(recruiter)

    body = text(client.get(UPLOAD_URL))

    assert "mine.csv" in body
    assert "theirs.csv" not in body
    assert "Waiting for you" in body


@pytest.mark.parametrize("imports_count", [1, 15])
def test_the_upload_page_takes_a_fixed_number_of_queries(
    client, recruiter, imports_count, django_assert_max_num_queries
):
    for n in range(imports_count):
        make_import(recruiter, [person(n)])
    client.force_login(recruiter)

    with django_assert_max_num_queries(UPLOAD_QUERIES):
        response = client.get(UPLOAD_URL)

    assert response.status_code == 200


def test_uploading_a_good_file_opens_its_preview(client, recruiter):
    client.force_login(recruiter)

    response = client.post(UPLOAD_URL, {"file": upload(csv_bytes([person(1)]), "fair.csv")})

    candidate_import = CandidateImport.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(candidate_import)
    assert not Candidate.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Name\nJosé Núñez\n".encode("cp1252"), "not saved as UTF-8"),
        (b"Ada,Lovelace\n", "must name the columns"),
        (b"Name,Favourite colour\nAda Lovelace,blue\n", "“Favourite colour”"),
        (b"PK\x03\x04xlsx bytes", "Excel workbook"),
    ],
    ids=["encoding", "no-header", "unknown-column", "workbook"],
)
def test_a_malformed_file_re_renders_the_form_with_the_reason_and_writes_nothing(
    client, recruiter, data, expected
):
    client.force_login(recruiter)

    response = client.post(UPLOAD_URL, {"file": upload(data)})

    body = text(response)
    assert response.status_code == 400
    assert "We could not import this file" in body
    assert expected in body
    assert 'aria-invalid="true"' in body
    assert not CandidateImport.objects.exists()


def test_no_file_at_all_is_asked_for(client, recruiter):
    client.force_login(recruiter)

    response = client.post(UPLOAD_URL, {})

    assert response.status_code == 400
    assert "Choose a CSV file to import." in text(response)


def test_a_50_mb_upload_of_garbage_is_refused_by_its_size(client, recruiter, tmp_path):
    big = tmp_path / "garbage.csv"
    big.write_bytes(os.urandom(50 * 1024 * 1024))
    client.force_login(recruiter)

    with big.open("rb") as handle:
        response = client.post(UPLOAD_URL, {"file": handle})

    assert response.status_code == 400
    assert "This file is 50.0\xa0MB; a file can be at most 25.0\xa0MB" in text(response)
    assert not CandidateImport.objects.exists()


# ---------- the preview ----------


def test_the_preview_says_what_importing_will_do_before_anything_is_saved(
    client, recruiter, preview
):
    client.force_login(recruiter)

    body = text(client.get(detail_url(preview)))

    assert "Check “candidates.csv” before importing" in body
    assert "Nothing has been saved yet" in body
    assert ">1</span> new candidate, owned by you" in body
    assert ">0</span> people on file updated" in body
    assert ">1</span> person on file left as they are" in body
    assert ">1</span> row with errors left out" in body
    assert "Import 1 person" in body
    # The first tab with rows shows: the new candidates.
    assert "person1@import.example" in body
    assert 'aria-current="page">New candidates' in body


def test_the_match_tab_shows_who_is_on_file_why_and_what_updating_would_change(
    client, recruiter, preview
):
    client.force_login(recruiter)

    body = text(client.get(detail_url(preview, show="match")))

    ada = Candidate.objects.get(email="person2@import.example")
    assert f'href="{ada.get_absolute_url()}">Ada Lovelace</a>' in body
    assert "Same email" in body
    assert "phone → +1 555 0000002" in body
    assert 'aria-pressed="true" aria-label="Skip Person2 Sample2"' in body
    assert "Update all" in body


def test_the_error_tab_lists_each_problem_with_row_and_column(client, recruiter, preview):
    client.force_login(recruiter)

    body = text(client.get(detail_url(preview, show="error")))

    assert '<td data-label="Row" class="num">4</td>' in body
    assert (
        '<span class="badge badge--red">Email</span> “broken@” is not a valid email address' in body
    )


def test_switching_tabs_with_htmx_swaps_only_the_rows(client, recruiter, preview):
    client.force_login(recruiter)

    response = client.get(detail_url(preview, show="error"), **HTMX)

    body = text(response)
    assert body.lstrip().startswith('<section id="import-rows"')
    assert "<html" not in body
    assert "“broken@”" in body


def test_empty_tabs_say_what_would_appear_there(client, recruiter):
    candidate_import = make_import(recruiter, [person(1)])
    client.force_login(recruiter)

    matches = text(client.get(detail_url(candidate_import, show="match")))
    problems = text(client.get(detail_url(candidate_import, show="error")))

    assert "Nobody in this file is already on file" in matches
    assert "No errors" in problems


def test_a_bad_tab_or_page_falls_back_instead_of_failing(client, recruiter, preview):
    client.force_login(recruiter)

    response = client.get(detail_url(preview, show="nonsense", page="zzz"))

    assert response.status_code == 200
    assert "person1@import.example" in text(response)


def test_rows_are_paginated(client, recruiter):
    candidate_import = make_import(recruiter, [person(n) for n in range(60)])
    client.force_login(recruiter)

    body = text(client.get(detail_url(candidate_import, show="new", page=2)))

    assert "Rows 51\N{EN DASH}60 of 60" in body
    assert "person50@import.example" in body
    assert "person49@import.example" not in body
    assert 'href="?show=new&amp;page=1"' in body


@pytest.mark.parametrize("size", [3, 120])
@pytest.mark.parametrize("kind", ["new", "match", "error"])
def test_the_preview_takes_a_fixed_number_of_queries(
    client, recruiter, size, kind, django_assert_max_num_queries
):
    requisition = RequisitionFactory()
    for n in range(0, size, 2):
        CandidateFactory(email=f"person{n}@import.example").tags.create(name=f"tag{n}")
    rows = [person(n, Requisition=str(requisition.pk), Tags="x;y") for n in range(size)]
    rows += [person(1000 + n, Email="broken@") for n in range(size)]
    candidate_import = make_import(recruiter, rows)
    client.force_login(recruiter)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(candidate_import, show=kind))

    assert response.status_code == 200


# ---------- deciding the matches: HTMX and full page ----------


def test_choosing_update_for_one_row_without_javascript_returns_to_the_preview(
    client, recruiter, preview
):
    row = preview.rows.get(kind="match")
    back = detail_url(preview, show="match")
    client.force_login(recruiter)

    response = client.post(
        reverse("imports:decide", args=[preview.pk, row.pk]), {"decision": "update", "next": back}
    )

    assert response.status_code == 302
    assert response.url == back
    row.refresh_from_db()
    assert row.decision == "update"


def test_choosing_update_for_one_row_with_htmx_swaps_the_row_and_the_counts(
    client, recruiter, preview
):
    row = preview.rows.get(kind="match")
    client.force_login(recruiter)

    response = client.post(
        reverse("imports:decide", args=[preview.pk, row.pk]), {"decision": "update"}, **HTMX
    )

    body = text(response)
    assert body.lstrip().startswith(f'<tr id="import-row-{row.pk}">')
    assert 'aria-pressed="true" aria-label="Update Person2 Sample2"' in body
    assert (
        '<div id="decision-summary" class="panel__body import-summary" data-hx-swap-oob="true">'
        in body
    )
    assert ">1</span> person on file updated" in body
    assert "Import 2 people" in body
    assert "Row 3, Person2 Sample2: will update." in body


def test_a_choice_that_is_not_update_or_skip_changes_nothing(client, recruiter, preview):
    row = preview.rows.get(kind="match")
    client.force_login(recruiter)

    response = client.post(
        reverse("imports:decide", args=[preview.pk, row.pk]), {"decision": "merge"}, follow=True
    )

    assert "Choose update or skip." in text(response)
    row.refresh_from_db()
    assert row.decision == ""


def test_choosing_for_all_matches_with_htmx_swaps_the_table(client, recruiter, preview):
    client.force_login(recruiter)

    response = client.post(
        reverse("imports:decide_all", args=[preview.pk]), {"decision": "update"}, **HTMX
    )

    body = text(response)
    assert body.lstrip().startswith('<section id="import-rows"')
    assert "The one person on file will update." in body
    assert ">1</span> person on file updated" in body


def test_choosing_for_all_matches_without_javascript_says_so_on_the_preview(
    client, recruiter, preview
):
    client.force_login(recruiter)

    response = client.post(
        reverse("imports:decide_all", args=[preview.pk]), {"decision": "update"}, follow=True
    )

    assert "The one person on file will update." in text(response)
    preview.refresh_from_db()
    assert preview.match_action == "update"


# ---------- confirming, progress, result ----------


def test_confirming_a_small_import_writes_it_and_shows_the_result(client, recruiter, preview):
    client.force_login(recruiter)

    response = client.post(reverse("imports:confirm", args=[preview.pk]), follow=True)

    body = text(response)
    assert "Imported 1 candidate." in body
    assert "Imported “candidates.csv”" in body
    assert ">1</span> candidate created, owned by you" in body
    assert "Rows with errors, not imported" in body
    assert "“broken@”" in body
    assert Candidate.objects.filter(email="person1@import.example", owner=recruiter).exists()


def test_a_large_import_shows_a_progress_bar_that_htmx_polls(client, recruiter, monkeypatch):
    monkeypatch.setattr(imports, "INLINE_ROWS", 1)
    candidate_import = make_import(recruiter, [person(1), person(2)])
    client.force_login(recruiter)

    page = text(client.post(reverse("imports:confirm", args=[candidate_import.pk]), follow=True))
    poll = client.get(reverse("imports:progress", args=[candidate_import.pk]), **HTMX)

    progress_url = reverse("imports:progress", args=[candidate_import.pk])
    assert "Importing “candidates.csv”" in page
    assert '<progress class="import-progress__bar" max="2" value="0"' in page
    assert f'data-hx-get="{progress_url}" data-hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert text(poll).lstrip().startswith('<section id="import-progress"')
    assert "0 of 2 rows written (0%)" in text(poll)


def test_a_large_file_shows_it_is_being_checked_until_its_preview_is_ready(
    client, recruiter, monkeypatch
):
    monkeypatch.setattr(imports, "INLINE_CHECK_ROWS", 1)
    client.force_login(recruiter)

    response = client.post(
        UPLOAD_URL, {"file": upload(csv_bytes([person(1), person(2)]))}, follow=True
    )
    candidate_import = CandidateImport.objects.get()
    progress_url = reverse("imports:progress", args=[candidate_import.pk])
    waiting = client.get(progress_url, **HTMX)
    candidate_import_check = imports.candidate_import_check
    candidate_import_check(candidate_import=candidate_import, by=recruiter)
    ready = client.get(progress_url, **HTMX)

    body = text(response)
    assert "Checking 2 rows…" in body
    assert f'data-hx-get="{progress_url}" data-hx-trigger="every 1s"' in body
    assert "Checking 2 rows…" in text(waiting)
    assert ready["HX-Refresh"] == "true"
    assert "Import 2 people" in text(client.get(detail_url(candidate_import)))


def test_the_progress_poll_reloads_the_page_once_the_import_has_finished(client, recruiter):
    candidate_import = make_import(recruiter, [person(1)])
    imports.candidate_import_confirm(candidate_import=candidate_import, by=recruiter)
    client.force_login(recruiter)

    poll = client.get(reverse("imports:progress", args=[candidate_import.pk]), **HTMX)
    plain = client.get(reverse("imports:progress", args=[candidate_import.pk]))

    assert poll["HX-Refresh"] == "true"
    assert plain.status_code == 302
    assert plain.url == detail_url(candidate_import)


@pytest.mark.parametrize("state", ["checking", "queued", "done", "failed"])
def test_the_progress_and_result_pages_take_a_fixed_number_of_queries(
    client, recruiter, state, django_assert_max_num_queries
):
    candidate_import = make_import(
        recruiter, [person(n, Email="x@" if n % 2 else "") for n in range(40)]
    )
    CandidateImport.objects.filter(pk=candidate_import.pk).update(
        status=state, failure="Nothing was imported: because." if state == "failed" else ""
    )
    client.force_login(recruiter)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(candidate_import))
    with django_assert_max_num_queries(3):
        client.get(reverse("imports:progress", args=[candidate_import.pk]), **HTMX)

    assert response.status_code == 200


def test_a_failed_import_says_why_and_how_to_try_again(client, recruiter, preview):
    CandidateFactory(email="person1@import.example", first_name="Late", last_name="Comer")
    client.force_login(recruiter)

    body = text(client.post(reverse("imports:confirm", args=[preview.pk]), follow=True))

    assert "“candidates.csv” was not imported" in body
    assert "row 2 (Person1 Sample1) now matches Late Comer" in body
    assert "Upload the file again" in body


def test_confirming_a_file_with_only_errors_explains_there_is_nothing_to_import(client, recruiter):
    candidate_import = make_import(recruiter, [person(1, Email="x@")])
    client.force_login(recruiter)

    page = text(client.get(detail_url(candidate_import)))
    response = client.post(reverse("imports:confirm", args=[candidate_import.pk]), follow=True)

    assert "Every row has errors, so there is nothing to import." in page
    assert "Every row has errors, so there is nothing to import." in text(response)


def test_discarding_a_preview_returns_to_the_upload_page(client, recruiter, preview):
    client.force_login(recruiter)

    response = client.post(reverse("imports:discard", args=[preview.pk]), follow=True)

    assert response.redirect_chain[-1][0] == UPLOAD_URL
    assert "Discarded “candidates.csv”. Nothing from it was imported." in text(response)
    assert not CandidateImport.objects.exists()


@pytest.mark.parametrize("name", ["detail", "progress", "confirm", "discard", "decide_all"])
def test_the_import_urls_refuse_the_wrong_method_or_bad_ids_without_a_500(client, recruiter, name):
    client.force_login(recruiter)

    response = client.get(f"/candidates/import/abc/{name}/")

    assert response.status_code == 404


def test_a_file_of_people_on_file_all_left_alone_offers_nothing_to_import(client, recruiter):
    CandidateFactory(email="ada@example.com")
    candidate_import = make_import(recruiter, [person(1, Email="ada@example.com")])
    client.force_login(recruiter)

    page = text(client.get(detail_url(candidate_import)))

    assert "Import 0" not in page
    assert "Nothing to import: everyone in the file is on file and left as they are." in page
