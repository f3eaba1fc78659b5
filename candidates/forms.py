from __future__ import annotations

from django import forms


class CandidateSearchForm(forms.Form):
    """The candidate list's filters. A bad value is dropped and explained, never a 500."""

    q = forms.CharField(label="Search candidates", required=False, max_length=100)
    mine = forms.BooleanField(label="Only mine", required=False)
    # Paginator.get_page() turns junk and out-of-range numbers into a real page.
    page = forms.CharField(required=False, max_length=20)

    def filters(self) -> dict:
        """What to search for; fields that failed validation fall back to showing everything."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q", ""),
            "mine": data.get("mine", False),
            "page_number": data.get("page") or 1,
        }


class TimelinePageForm(forms.Form):
    page = forms.CharField(required=False, max_length=20)

    def page_number(self) -> str | int:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("page") or 1
