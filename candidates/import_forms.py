"""Forms of the CSV import pages. They parse what was sent; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat

from candidates.import_reading import MAX_BYTES
from candidates.models import CandidateImport, CandidateImportRow


class CandidateImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, comma or semicolon separated, up to {filesizeformat(MAX_BYTES)}.",
        error_messages={
            "required": "Choose a CSV file to import.",
            "empty": "This file is empty. Choose a CSV file with a header row and rows.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )


class MatchDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=CandidateImport.MatchAction.choices,
        error_messages={
            "required": "Choose update or skip.",
            "invalid_choice": "Choose update or skip.",
        },
    )


class ImportRowsForm(forms.Form):
    """Which rows of the preview to show. A bad value falls back to the first kind with rows."""

    show = forms.ChoiceField(choices=CandidateImportRow.Kind.choices, required=False)
    # Paginator.get_page() turns junk and out-of-range numbers into a real page.
    page = forms.CharField(required=False, max_length=20)

    def choice(self, candidate_import: CandidateImport) -> tuple[str, str | int]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        kind = data.get("show") or default_kind(candidate_import)
        if candidate_import.status != CandidateImport.Status.PREVIEW:
            kind = CandidateImportRow.Kind.ERROR  # only rows with errors are kept afterwards
        return kind, data.get("page") or 1


def default_kind(candidate_import: CandidateImport) -> str:
    Kind = CandidateImportRow.Kind
    if candidate_import.status != CandidateImport.Status.PREVIEW:
        return Kind.ERROR
    for kind, count in (
        (Kind.NEW, candidate_import.new_count),
        (Kind.MATCH, candidate_import.match_count),
    ):
        if count:
            return kind
    return Kind.ERROR


class PageForm(forms.Form):
    page = forms.CharField(required=False, max_length=20)

    def page_number(self) -> str | int:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("page") or 1
