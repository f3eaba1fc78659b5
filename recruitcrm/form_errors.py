"""A service's refusal (a ValidationError) shown on the form that asked for the change."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refusal_onto_form(form, error: ValidationError) -> None:
    """On the field the error names, else above the form."""
    if hasattr(error, "error_dict"):
        for name, problems in error.error_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error)
