"""A confirmation step before an irreversible action: the same POST, resent with `confirmed`,
after a page that says what will happen. A double click or a stray form never skips it."""

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED) == "1"


def ask(
    request: HttpRequest, title: str, consequences: Sequence[str], button: str, back_url: str
) -> HttpResponse:
    """The confirmation page, carrying the form's fields unchanged."""
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in values
    ]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "button": button,
            "back_url": back_url,
            "fields": fields,
            "action": request.path,
        },
    )
