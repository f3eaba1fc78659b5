"""Reading an uploaded CSV of candidates: pure functions, bytes in, rows and problems out.

Nothing here touches the database: what needs it (requisitions, people already on file) is
passed in, so every rule is tested on its own. A problem with the whole file raises
`ImportRefused` with words a recruiter can act on; a problem with one row becomes that row's
errors, as (column, why) pairs, and the rest of the file still imports.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat

from candidates.models import Candidate, CandidateSource, Tag
from hiring_leaders.models import validate_phone

MAX_BYTES = 25 * 1024 * 1024
MAX_ROWS = 100_000

SAVE_AS_UTF8 = (
    "In Excel choose File → Save As → “CSV UTF-8 (Comma delimited)”; in Google Sheets "
    "File → Download → “Comma-separated values”; in Numbers File → Export To → CSV "
    "with Unicode (UTF-8)."
)


class ImportRefused(ValidationError):
    """The file as a whole cannot be imported; nothing was written."""


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    aliases: tuple[str, ...]


COLUMNS = (
    Column("first_name", "First name", ("first name", "firstname", "given name", "forename")),
    Column("last_name", "Last name", ("last name", "lastname", "surname", "family name")),
    Column("name", "Name", ("name", "full name", "fullname", "candidate name")),
    Column("email", "Email", ("email", "e mail", "email address", "e mail address")),
    Column("phone", "Phone", ("phone", "phone number", "telephone", "mobile", "tel")),
    Column("headline", "Title", ("title", "headline", "job title", "current title")),
    Column("source", "Source", ("source",)),
    Column("tags", "Tags", ("tags", "tag", "labels")),
    Column(
        "requisition",
        "Requisition",
        ("requisition", "requisition id", "requisition title", "req", "req id"),
    ),
)
LABELS = {column.field: column.label for column in COLUMNS}
_BY_ALIAS = {alias: column for column in COLUMNS for alias in column.aliases}
ACCEPTED = ", ".join(column.label for column in COLUMNS)

_SOURCES = {
    key: value
    for value, label in CandidateSource.choices
    for key in (value, label.lower(), value.replace("_", " "))
}
SOURCE_NAMES = ", ".join(label for _, label in CandidateSource.choices)


_MAX_LENGTHS = {
    name: Candidate._meta.get_field(name).max_length
    for name in ("first_name", "last_name", "email", "phone", "headline")
}


# ---------------------------------------------------------------------------------------------
# The file: encoding, delimiter, header
# ---------------------------------------------------------------------------------------------

_NOT_CSV = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zipped file",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF",
    b"\x1f\x8b": "a compressed (gzip) file",
}


def refuse_size(size: int) -> None:
    if size > MAX_BYTES:
        raise ImportRefused(
            f"This file is {filesizeformat(size)}; a file can be at most "
            f"{filesizeformat(MAX_BYTES)} (about {MAX_ROWS:,} candidates). "
            "Split it into smaller files and import them one after another."
        )


def decode(data: bytes) -> str:
    """The file's text, or a refusal saying what it is instead and how to save it as CSV."""
    refuse_size(len(data))
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused("This file is empty. Choose a CSV file with a header row and rows.")
    for magic, what in _NOT_CSV.items():
        if data.startswith(magic):
            raise ImportRefused(f"This is {what}, not a CSV file. {SAVE_AS_UTF8}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(f"This file is saved as UTF-16 (“Unicode text”). {SAVE_AS_UTF8}")
    sample = data[:65536]
    if b"\x00" in sample or _control_share(sample) > 0.01:
        raise ImportRefused(
            f"This is not a CSV file: it holds binary data, not lines of text. {SAVE_AS_UTF8}"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportRefused(
            f"This file is not saved as UTF-8: line {line:,} has a character we cannot read "
            "(files saved as plain “CSV” by Excel use an older, local encoding, which would "
            f"garble names like “José”). {SAVE_AS_UTF8}"
        ) from None


def _control_share(sample: bytes) -> float:
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    return controls / max(len(sample), 1)


def sniff_delimiter(text: str) -> str:
    """Comma, or the semicolon European Excel writes, or a tab: whichever the header uses most."""
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_records(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the rows, each with its number as a spreadsheet shows it (header = 1)."""
    first_line, _, rest = text.partition("\n")
    if re.fullmatch(r"sep=.", first_line.strip()):
        # Excel's own hint ("sep=;") names the delimiter; it is not a row of the sheet.
        delimiter, text = first_line.strip()[-1], rest
    else:
        delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        header = next(reader, [])
        for number, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                records.append((number, cells))
                if len(records) > MAX_ROWS:
                    raise ImportRefused(
                        f"This file has more than {MAX_ROWS:,} rows. Split it into files of "
                        f"at most {MAX_ROWS:,} rows and import them one after another."
                    )
    except csv.Error as error:
        raise ImportRefused(
            f"Line {reader.line_num:,} cannot be read as CSV ({error}). A quote left open "
            f"swallows the rest of the file; check that line. {SAVE_AS_UTF8}"
        ) from None
    return header, records


def refuse_no_rows(records: list) -> None:
    if not records:
        raise ImportRefused(
            "This file has no rows under its header. Add one row per candidate and upload it again."
        )


def _normalised(name: str) -> str:
    return " ".join(re.sub(r"[_\-.]", " ", name).lower().split())


def map_header(header: list[str]) -> dict[str, int]:
    """Which cell holds which field. Refuses a file whose first line is not a header we know."""
    columns: dict[str, int] = {}
    unknown, repeated = [], []
    for index, cell in enumerate(header):
        key = _normalised(cell)
        if not key:
            continue
        column = _BY_ALIAS.get(key)
        if column is None:
            unknown.append(cell.strip())
        elif column.field in columns:
            repeated.append(column.label)
        else:
            columns[column.field] = index
    if not columns:
        first_line = ", ".join(cell.strip() for cell in header[:4])[:80]
        raise ImportRefused(
            "The first line of the file must name the columns (for example "
            f"“First name,Last name,Email”); yours starts “{first_line}”. Add a header line, "
            "or download the example file and copy your rows into it."
        )
    if unknown:
        names = ", ".join(f"“{name}”" for name in unknown[:5])
        raise ImportRefused(
            f"We don't import the column{'s' if len(unknown) > 1 else ''} {names}. Delete "
            f"{'them' if len(unknown) > 1 else 'it'} or rename to one of: {ACCEPTED}."
        )
    if repeated:
        raise ImportRefused(
            f"The column “{repeated[0]}” appears twice; keep one of them and upload again."
        )
    _refuse_unclear_names(columns)
    return columns


def _refuse_unclear_names(columns: dict[str, int]) -> None:
    has_parts = {"first_name", "last_name"} & set(columns)
    if "name" in columns and has_parts:
        raise ImportRefused(
            "Use either a “Name” column or “First name” and “Last name” columns, not both."
        )
    if "name" not in columns and len(has_parts) != 2:
        missing = "Last name" if "first_name" in columns else "First name"
        if not has_parts:
            raise ImportRefused(
                "The file needs the candidates' names: a “Name” column, or “First name” and "
                "“Last name” columns."
            )
        raise ImportRefused(f"There is no “{missing}” column; add it, or use one “Name” column.")


# ---------------------------------------------------------------------------------------------
# One row
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequisitionChoice:
    """What a requisition cell resolved to: the requisition, or why it cannot be used."""

    pk: int | None = None
    title: str = ""
    problem: str = ""


def requisition_key(cell: str) -> tuple[str, str]:
    """("id", "12") for "12" or "#12", else ("title", the title in lower case)."""
    value = cell.strip()
    digits = value.removeprefix("#").strip()
    if digits.isdigit():
        return "id", str(int(digits))
    return "title", " ".join(value.lower().split())


@dataclass
class CheckedRow:
    number: int
    values: dict
    # The cells as read, by field: what a row with errors shows, so it can be fixed.
    raw: dict = field(default_factory=dict)
    errors: list[list[str]] = field(default_factory=list)
    match_id: int | None = None
    match_reason: str = ""

    @property
    def kind(self) -> str:
        if self.errors:
            return "error"
        return "match" if self.match_id else "new"

    @property
    def stored_values(self) -> dict:
        """What is kept for the preview: values to write, or for a row with errors its cells."""
        return {k: v for k, v in self.raw.items() if v} if self.errors else self.values


def clean_row(
    number: int,
    cells: list[str],
    columns: dict[str, int],
    requisitions: dict[tuple[str, str], RequisitionChoice],
) -> CheckedRow:
    """One row checked as the candidate form would check it."""
    errors: list[list[str]] = []
    raw = {
        name: cells[index].strip() if index < len(cells) else "" for name, index in columns.items()
    }
    used = set(columns.values())
    stray = next((i for i, cell in enumerate(cells) if i not in used and cell.strip()), None)
    if stray is not None:
        errors.append(["Row", f"has a value in column {stray + 1}, which the header does not name"])
    values = {"first_name": "", "last_name": "", **_names(raw, errors)}
    values["email"] = _email(raw.get("email", ""), errors)
    values["phone"], values["phone_digits"] = _phone(raw.get("phone", ""), errors)
    values["headline"] = _limited("headline", raw.get("headline", ""), errors)
    values["source"] = _source(raw.get("source", ""), errors)
    values["tags"] = _tags(raw.get("tags", ""), errors)
    values["requisition"] = _requisition(raw.get("requisition", ""), requisitions, errors)
    return CheckedRow(number=number, values=values, raw=raw, errors=errors)


def _names(raw: dict[str, str], errors: list) -> dict[str, str]:
    if "name" in raw:
        full = " ".join(raw["name"].split())
        if "," in full:
            last, _, first = (part.strip() for part in full.partition(","))
        else:
            first, _, last = full.partition(" ")
        if not full:
            errors.append(["Name", "is empty; every candidate needs a name"])
        elif not (first and last):
            errors.append(["Name", f"“{full}” needs a first and a last name"])
    else:
        first, last = raw["first_name"], raw["last_name"]
        for name, value in (("first_name", first), ("last_name", last)):
            if not value:
                errors.append([LABELS[name], "is empty; every candidate needs a name"])
    label = "Name" if "name" in raw else None
    return {
        "first_name": _limited("first_name", first, errors, label=label),
        "last_name": _limited("last_name", last, errors, label=label),
    }


def _limited(name: str, value: str, errors: list, *, label: str | None = None) -> str:
    limit = _MAX_LENGTHS[name]
    if len(value) > limit:
        errors.append(
            [label or LABELS[name], f"is {len(value)} characters long; at most {limit} fit"]
        )
    return value


def _email(value: str, errors: list) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        errors.append(["Email", f"“{value}” is not a valid email address"])
    return value


def _phone(value: str, errors: list) -> tuple[str, str]:
    try:
        validate_phone(value)
    except ValidationError as error:
        errors.append(["Phone", error.messages[0].removesuffix(".")])
    return _limited("phone", value, errors), re.sub(r"\D", "", value)


def _source(value: str, errors: list) -> str:
    if not value:
        return CandidateSource.OTHER
    source = _SOURCES.get(" ".join(value.lower().split())) or _SOURCES.get(value.lower())
    if source is None:
        errors.append(["Source", f"“{value}” is not a source we know; use one of {SOURCE_NAMES}"])
        return ""
    return source


def split_tags(value: str) -> list[str]:
    """Tags as typed, split on ";" or ",", without repeats (ignoring capitals)."""
    tags: dict[str, str] = {}
    for tag in re.split(r"[;,]", value):
        tag = " ".join(tag.split())
        if tag:
            tags.setdefault(tag.lower(), tag)
    return list(tags.values())


def _tags(value: str, errors: list) -> list[str]:
    tags = split_tags(value)
    limit = Tag._meta.get_field("name").max_length
    for tag in tags:
        if len(tag) > limit:
            errors.append(["Tags", f"“{tag[:20]}…” is longer than {limit} characters"])
    return tags


def _requisition(
    value: str, requisitions: dict[tuple[str, str], RequisitionChoice], errors: list
) -> int | None:
    if not value:
        return None
    choice = requisitions.get(requisition_key(value), RequisitionChoice(problem="not found"))
    if choice.problem:
        errors.append(["Requisition", choice.problem])
        return None
    return choice.pk


# ---------------------------------------------------------------------------------------------
# Rows together: the same person twice in the file, people already on file
# ---------------------------------------------------------------------------------------------


def email_key(values: dict) -> str:
    return values.get("email", "").lower()


def name_phone_key(values: dict) -> tuple[str, str, str] | None:
    if not values.get("phone_digits"):
        return None
    return (values["first_name"].lower(), values["last_name"].lower(), values["phone_digits"])


def mark_repeats(rows: list[CheckedRow]) -> None:
    """A person who appears twice in the file is imported once: later rows become errors."""
    by_email: dict[str, int] = {}
    by_name_phone: dict[tuple, int] = {}
    for row in rows:
        if row.errors:
            continue
        email, name_phone = email_key(row.values), name_phone_key(row.values)
        if email and email in by_email:
            row.errors.append(["Email", f"same email as row {by_email[email]}: one person twice"])
        elif name_phone and name_phone in by_name_phone:
            row.errors.append(
                [
                    "Phone",
                    f"same name and phone as row {by_name_phone[name_phone]}: one person twice",
                ]
            )
        else:
            if email:
                by_email[email] = row.number
            if name_phone:
                by_name_phone[name_phone] = row.number


@dataclass(frozen=True)
class OnFile:
    """A candidate already on file, as matching needs them."""

    pk: int
    name: str


def mark_matches(
    rows: list[CheckedRow],
    *,
    by_email: dict[str, OnFile],
    by_name_phone: dict[tuple[str, str, str], list[OnFile]],
) -> None:
    """Rows for someone already on file match them (update or skip later), unless unclear."""
    matched_by: dict[int, int] = {}
    for row in rows:
        if row.errors:
            continue
        found = {}
        on_file = by_email.get(email_key(row.values))
        if on_file:
            found[on_file.pk] = (on_file, "same email")
        for person in by_name_phone.get(name_phone_key(row.values), []):
            found.setdefault(person.pk, (person, "same name and phone"))
        if len(found) > 1:
            people = " and ".join(f"{p.name} (#{p.pk})" for p, _ in found.values())
            row.errors.append(["Email", f"matches more than one candidate on file: {people}"])
        elif found:
            ((person, reason),) = found.values()
            if person.pk in matched_by:
                row.errors.append(
                    [
                        "Email" if reason == "same email" else "Phone",
                        f"row {matched_by[person.pk]} already matches {person.name} (#{person.pk})",
                    ]
                )
            else:
                matched_by[person.pk] = row.number
                row.match_id, row.match_reason = person.pk, reason


def check_rows(
    records: list[tuple[int, list[str]]],
    columns: dict[str, int],
    *,
    requisitions: dict[tuple[str, str], RequisitionChoice],
    find_people,
) -> list[CheckedRow]:
    """Every row checked on its own, then against the others and against people on file
    (`find_people(values) -> (by_email, by_name_phone)` reads the database)."""
    rows = [clean_row(number, cells, columns, requisitions) for number, cells in records]
    mark_repeats(rows)
    by_email, by_name_phone = find_people([row.values for row in rows if not row.errors])
    mark_matches(rows, by_email=by_email, by_name_phone=by_name_phone)
    return rows


def update_changes(values: dict, on_file: dict) -> dict[str, str]:
    """What updating someone on file from this row changes: cells that are filled in and say
    something new. An empty cell never erases, and the name, owner and source stay."""
    changes = {}
    if values.get("email") and values["email"].lower() != on_file["email"].lower():
        changes["email"] = values["email"]
    if values.get("phone_digits") and values["phone_digits"] != on_file["phone_digits"]:
        changes["phone"] = values["phone"]
        changes["phone_digits"] = values["phone_digits"]
    if values.get("headline") and values["headline"] != on_file["headline"]:
        changes["headline"] = values["headline"]
    return changes


def example_csv() -> str:
    """The downloadable example: every column, in the words the upload page explains them."""
    lines = [
        "First name,Last name,Email,Phone,Title,Source,Tags,Requisition",
        "Ada,Lovelace,ada.lovelace@example.com,+44 20 7946 0001,Staff engineer,Referral,"
        '"python; mentoring",',
        "Grace,Hopper,grace.hopper@example.com,+1 555 010 2000,Compiler lead,LinkedIn,compilers,",
        "Alan,Turing,,+44 161 496 0002,Research scientist,Event,,",
    ]
    return "\r\n".join(lines) + "\r\n"
