"""Building CSV uploads for the import tests."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.imports import candidate_import_create

HEADER = ["First name", "Last name", "Email", "Phone", "Title", "Source", "Tags", "Requisition"]


def csv_bytes(rows: list[dict], header: list[str] = HEADER, *, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([row.get(column, "") for column in header] for row in rows)
    return out.getvalue().encode()


def person(n: int, **cells) -> dict:
    return {
        "First name": f"Person{n}",
        "Last name": f"Sample{n}",
        "Email": f"person{n}@import.example",
        "Phone": f"+1 555 {n:07d}",
        **cells,
    }


def upload(data: bytes, name: str = "candidates.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def make_import(owner, rows: list[dict], *, name: str = "candidates.csv", header=HEADER):
    return candidate_import_create(upload=upload(csv_bytes(rows, header), name), by=owner)
