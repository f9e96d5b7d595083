"""Small helpers every app's views share."""

from django.core.exceptions import ValidationError


def is_htmx(request) -> bool:
    """A partial update; htmx restoring history after a cache miss wants the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def add_form_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside its field, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
