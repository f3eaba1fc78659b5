"""The pure rules of reading a CSV of candidates: no database, bytes in, rows and problems out."""

from __future__ import annotations

import pytest

from candidates.import_reading import (
    MAX_BYTES,
    CheckedRow,
    ImportRefused,
    OnFile,
    RequisitionChoice,
    check_rows,
    clean_row,
    decode,
    example_csv,
    map_header,
    mark_matches,
    mark_repeats,
    read_records,
    refuse_no_rows,
    refuse_size,
    requisition_key,
    sniff_delimiter,
    split_tags,
    update_changes,
)

HEADER = ["First name", "Last name", "Email", "Phone", "Title", "Source", "Tags", "Requisition"]
COLUMNS = map_header(HEADER)


def row(cells: dict, *, requisitions=None, number=2) -> CheckedRow:
    return clean_row(number, [cells.get(name, "") for name in HEADER], COLUMNS, requisitions or {})


def refusal(data: bytes) -> str:
    with pytest.raises(ImportRefused) as caught:
        read_records(decode(data))
    return caught.value.messages[0]


# ---------- the file ----------


def test_it_reads_utf8_with_or_without_a_byte_order_mark():
    for data in ("Name\nJosé Núñez\n".encode(), "\ufeffName\nJosé Núñez\n".encode()):
        header, records = read_records(decode(data))
        assert header == ["Name"]
        assert records == [(2, ["José Núñez"])]


def test_it_refuses_a_file_in_a_local_encoding_and_says_how_to_save_it_as_utf8():
    message = refusal("Name\nAda Lovelace\nJosé Núñez\n".encode("cp1252"))

    assert "not saved as UTF-8" in message
    assert "line 3" in message
    assert "CSV UTF-8 (Comma delimited)" in message


def test_it_refuses_utf16_text_as_excel_writes_it():
    message = refusal("Name\nAda Lovelace\n".encode("utf-16"))

    assert "UTF-16" in message
    assert "CSV UTF-8" in message


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", "Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old workbook", "old Excel workbook (.xls)"),
        (b"%PDF-1.7\n", "PDF"),
        (bytes(range(256)) * 40, "binary data"),
    ],
    ids=["xlsx", "xls", "pdf", "garbage"],
)
def test_it_says_what_a_file_is_when_it_is_not_csv(data, what):
    assert what in refusal(data)


@pytest.mark.parametrize(
    "data", [b"", b"   \r\n\n", b"\xef\xbb\xbf\n"], ids=["empty", "blank", "bom"]
)
def test_it_refuses_an_empty_file(data):
    assert "This file is empty" in refusal(data)


def test_it_refuses_a_header_without_rows():
    _, records = read_records(decode(b"Name,Email\n\n"))

    with pytest.raises(ImportRefused, match="no rows under its header"):
        refuse_no_rows(records)


def test_it_refuses_a_file_over_the_size_limit_before_reading_it():
    with pytest.raises(ImportRefused) as caught:
        refuse_size(MAX_BYTES + 1)

    assert "at most 25.0\xa0MB" in caught.value.messages[0]
    assert "Split it" in caught.value.messages[0]


def test_it_refuses_more_rows_than_one_import_takes(monkeypatch):
    monkeypatch.setattr("candidates.import_reading.MAX_ROWS", 3)

    message = refusal(b"Name\na b\nc d\ne f\ng h\n")

    assert "more than 3 rows" in message


def test_a_quote_left_open_is_a_clear_refusal_not_a_crash():
    data = b'Name,Email\n"Ada Lovelace,ada@example.com\n' + b"x" * 140_000 + b"\n"

    message = refusal(data)

    assert "cannot be read as CSV" in message
    assert "quote left open" in message


def test_rows_keep_the_number_a_spreadsheet_shows_and_blank_lines_are_skipped():
    _, records = read_records(
        decode(b'Name,Title\nAda Lovelace,"two\nlines"\n\n,\nGrace Hopper,x\n')
    )

    assert [number for number, _ in records] == [2, 5]


@pytest.mark.parametrize(
    ("header_line", "delimiter"),
    [("Name,Email", ","), ("Name;Email;Phone", ";"), ("Name\tEmail", "\t"), ("Name", ",")],
    ids=["comma", "semicolon", "tab", "one-column"],
)
def test_it_sniffs_the_delimiter_from_the_header(header_line, delimiter):
    assert sniff_delimiter(header_line + "\nAda Lovelace;x\n") == delimiter


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row():
    header, records = read_records(decode(b"sep=;\r\nName;Email\r\nAda Lovelace;a@x.org\r\n"))

    assert header == ["Name", "Email"]
    assert records == [(2, ["Ada Lovelace", "a@x.org"])]


def test_a_semicolon_file_from_european_excel_reads_like_a_comma_file():
    header, records = read_records(decode(b"Name;Email;Tags\nAda Lovelace;ada@example.com;a, b\n"))

    assert header == ["Name", "Email", "Tags"]
    assert records == [(2, ["Ada Lovelace", "ada@example.com", "a, b"])]


# ---------- the header ----------


def test_column_names_may_use_any_capitals_spaces_or_underscores_and_aliases():
    columns = map_header(["FIRST_NAME", " last-name ", "E-mail", "Mobile", "Job title", "tag"])

    assert columns == {
        "first_name": 0,
        "last_name": 1,
        "email": 2,
        "phone": 3,
        "headline": 4,
        "tags": 5,
    }


def test_a_file_without_a_header_line_is_refused_showing_what_it_starts_with():
    with pytest.raises(ImportRefused) as caught:
        map_header(["Ada", "Lovelace", "ada@example.com"])

    message = caught.value.messages[0]
    assert "must name the columns" in message
    assert "Ada, Lovelace, ada@example.com" in message


def test_an_unknown_column_is_refused_with_the_columns_we_accept():
    with pytest.raises(ImportRefused) as caught:
        map_header(["Name", "Email", "Salary", "Notice period"])

    message = caught.value.messages[0]
    assert "“Salary”, “Notice period”" in message
    assert "First name, Last name, Name, Email, Phone, Title, Source, Tags, Requisition" in message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Email", "Email address"], "appears twice"),
        (["Name", "First name", "Last name"], "not both"),
        (["First name", "Email"], "no “Last name” column"),
        (["Email", "Phone"], "needs the candidates' names"),
    ],
    ids=["repeated", "both-name-styles", "half-a-name", "no-name"],
)
def test_headers_that_leave_the_name_unclear_are_refused(header, expected):
    with pytest.raises(ImportRefused) as caught:
        map_header(header)

    assert expected in caught.value.messages[0]


# ---------- one row ----------


def test_a_good_row_becomes_the_values_a_candidate_is_written_with():
    checked = row(
        {
            "First name": " Ada ",
            "Last name": "Lovelace",
            "Email": "Ada@Example.com",
            "Phone": "+44 (20) 7946-0001",
            "Title": "Engineer",
            "Source": "job board",
            "Tags": "python; Python, math",
        }
    )

    assert checked.errors == []
    assert checked.values == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "Ada@Example.com",
        "phone": "+44 (20) 7946-0001",
        "phone_digits": "442079460001",
        "headline": "Engineer",
        "source": "job_board",
        "tags": ["python", "math"],
        "requisition": None,
    }


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Ada Lovelace", "Ada", "Lovelace"),
        ("Lovelace, Ada", "Ada", "Lovelace"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
    ],
    ids=["first-last", "last-comma-first", "particle"],
)
def test_a_single_name_column_is_split_into_first_and_last_name(full, first, last):
    checked = clean_row(2, [full], {"name": 0}, {})

    assert (checked.values["first_name"], checked.values["last_name"]) == (first, last)


@pytest.mark.parametrize(
    ("cells", "column", "why"),
    [
        ({"First name": " "}, "First name", "is empty"),
        ({"Last name": ""}, "Last name", "is empty"),
        (
            {"First name": "A" * 101, "Last name": "L"},
            "First name",
            "101 characters long; at most 100",
        ),
        ({"Email": "ada@"}, "Email", "“ada@” is not a valid email address"),
        ({"Phone": "n/a"}, "Phone", "“n/a” is not a phone number"),
        ({"Source": "Carrier pigeon"}, "Source", "use one of Referral, LinkedIn, Job board"),
        ({"Tags": "x" * 51}, "Tags", "longer than 50 characters"),
        ({"Title": "t" * 201}, "Title", "at most 200"),
    ],
    ids=["no-first-name", "no-last-name", "long-name", "email", "phone", "source", "tag", "title"],
)
def test_each_bad_cell_is_reported_with_its_column_and_why(cells, column, why):
    checked = row({"First name": "Ada", "Last name": "Lovelace", **cells})

    assert checked.kind == "error"
    assert [c for c, _ in checked.errors] == [column]
    assert why in checked.errors[0][1]


def test_a_one_word_name_needs_a_last_name():
    checked = clean_row(2, ["Cher"], {"name": 0}, {})

    assert checked.errors == [["Name", "“Cher” needs a first and a last name"]]


def test_a_row_with_errors_keeps_its_cells_as_read_so_they_can_be_fixed():
    checked = row({"First name": "Ada", "Last name": "Lovelace", "Email": "ada@", "Tags": "a;b"})

    assert checked.stored_values == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@",
        "tags": "a;b",
    }


def test_a_value_under_no_column_name_is_an_error_not_silently_dropped():
    checked = clean_row(
        2, ["Ada Lovelace", "ada@example.com", "surprise"], {"name": 0, "email": 1}, {}
    )

    assert checked.errors == [["Row", "has a value in column 3, which the header does not name"]]


def test_a_short_row_reads_its_missing_cells_as_empty():
    checked = clean_row(2, ["Ada Lovelace"], {"name": 0, "email": 1}, {})

    assert checked.errors == []
    assert checked.values["email"] == ""


@pytest.mark.parametrize(
    ("cell", "key"),
    [
        ("12", ("id", "12")),
        ("#12", ("id", "12")),
        (" # 007 ", ("id", "7")),
        ("Platform  Lead", ("title", "platform lead")),
    ],
)
def test_a_requisition_is_named_by_number_or_by_title(cell, key):
    assert requisition_key(cell) == key


def test_a_requisition_cell_uses_what_it_resolved_to_or_reports_why_not():
    choices = {
        ("id", "12"): RequisitionChoice(pk=12, title="Platform Lead"),
        ("title", "data engineer"): RequisitionChoice(problem="“Data Engineer” (#9) is filled"),
    }

    good = row({"First name": "A", "Last name": "B", "Requisition": "#12"}, requisitions=choices)
    filled = row(
        {"First name": "A", "Last name": "B", "Requisition": "Data Engineer"}, requisitions=choices
    )
    unknown = row({"First name": "A", "Last name": "B", "Requisition": "99"}, requisitions=choices)

    assert good.values["requisition"] == 12
    assert filled.errors == [["Requisition", "“Data Engineer” (#9) is filled"]]
    assert unknown.errors == [["Requisition", "not found"]]


def test_tags_split_on_semicolons_or_commas_without_repeats():
    assert split_tags(" python ;remote,, Python ; data  science") == [
        "python",
        "remote",
        "data science",
    ]


# ---------- rows together ----------


def rows(*cells: dict) -> list[CheckedRow]:
    return [row(c, number=n) for n, c in enumerate(cells, start=2)]


def test_the_same_person_twice_in_the_file_is_imported_once():
    checked = rows(
        {"First name": "Ada", "Last name": "Lovelace", "Email": "ada@example.com"},
        {"First name": "Ada", "Last name": "L", "Email": "ADA@example.com"},
        {"First name": "Bob", "Last name": "Ross", "Phone": "555 0100 1"},
        {"First name": "bob", "Last name": "ross", "Phone": "(555) 01001"},
        {"First name": "Bob", "Last name": "Other", "Phone": "555 0100 1"},
    )

    mark_repeats(checked)

    assert [r.kind for r in checked] == ["new", "error", "new", "error", "new"]
    assert checked[1].errors == [["Email", "same email as row 2: one person twice"]]
    assert checked[3].errors == [["Phone", "same name and phone as row 4: one person twice"]]


def test_rows_match_people_on_file_by_email_or_by_name_and_phone():
    checked = rows(
        {"First name": "Ada", "Last name": "Lovelace", "Email": "ADA@example.com"},
        {"First name": "Bob", "Last name": "Ross", "Phone": "555-0100-1"},
        {"First name": "Cy", "Last name": "Twombly", "Email": "cy@example.com"},
    )

    mark_matches(
        checked,
        by_email={"ada@example.com": OnFile(pk=7, name="Ada Lovelace")},
        by_name_phone={("bob", "ross", "55501001"): [OnFile(pk=8, name="Bob Ross")]},
    )

    assert [(r.kind, r.match_id, r.match_reason) for r in checked] == [
        ("match", 7, "same email"),
        ("match", 8, "same name and phone"),
        ("new", None, ""),
    ]


def test_a_row_matching_two_different_people_on_file_is_an_error():
    checked = rows(
        {"First name": "Bob", "Last name": "Ross", "Email": "b@x.org", "Phone": "55501001"}
    )

    mark_matches(
        checked,
        by_email={"b@x.org": OnFile(pk=7, name="Robert Ross")},
        by_name_phone={("bob", "ross", "55501001"): [OnFile(pk=8, name="Bob Ross")]},
    )

    assert checked[0].errors == [
        ["Email", "matches more than one candidate on file: Robert Ross (#7) and Bob Ross (#8)"]
    ]


def test_two_rows_matching_the_same_person_on_file_leave_the_second_out():
    checked = rows(
        {"First name": "Ada", "Last name": "Lovelace", "Email": "ada@example.com"},
        {"First name": "Ada", "Last name": "Lovelace", "Phone": "555 0100 1"},
    )
    ada = OnFile(pk=7, name="Ada Lovelace")

    mark_matches(
        checked,
        by_email={"ada@example.com": ada},
        by_name_phone={("ada", "lovelace", "55501001"): [ada]},
    )

    assert checked[0].match_id == 7
    assert checked[1].errors == [["Phone", "row 2 already matches Ada Lovelace (#7)"]]


def test_checking_rows_asks_for_people_on_file_once_with_only_the_good_rows():
    asked = []

    def find_people(values):
        asked.append(values)
        return {}, {}

    checked = check_rows(
        [(2, ["Ada", "Lovelace", "ada@example.com"]), (3, ["", "Nobody", ""])],
        {"first_name": 0, "last_name": 1, "email": 2},
        requisitions={},
        find_people=find_people,
    )

    assert [r.kind for r in checked] == ["new", "error"]
    assert len(asked) == 1
    assert [v["email"] for v in asked[0]] == ["ada@example.com"]


# ---------- what an update changes ----------


def test_an_update_fills_in_what_is_new_and_never_erases():
    on_file = {
        "email": "ada@old.org",
        "phone": "555 0100",
        "phone_digits": "5550100",
        "headline": "Dev",
    }

    assert (
        update_changes(
            {
                "email": "ADA@old.org",
                "phone": "(555) 0100",
                "phone_digits": "5550100",
                "headline": "",
            },
            on_file,
        )
        == {}
    )
    assert update_changes(
        {
            "email": "ada@new.org",
            "phone": "555 0199",
            "phone_digits": "5550199",
            "headline": "Lead",
        },
        on_file,
    ) == {
        "email": "ada@new.org",
        "phone": "555 0199",
        "phone_digits": "5550199",
        "headline": "Lead",
    }


def test_the_example_file_reads_without_a_single_error():
    header, records = read_records(decode(example_csv().encode()))
    columns = map_header(header)

    checked = [clean_row(n, cells, columns, {}) for n, cells in records]

    assert [r.errors for r in checked] == [[], [], []]
    assert checked[0].values["tags"] == ["python", "mentoring"]
