"""One sentence from a form's errors, for the message shown after a redirect (a POST from a
section of a larger page cannot re-render that page with the form's inline errors)."""

from django import forms


def errors_text(form: forms.BaseForm) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
