"""Panels other apps add to the case worker's dashboard, without the cases app importing them
(the privacy app adds "data reaching its retention end")."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

Panel = Callable[[HttpRequest], dict[str, Any] | None]
_PANELS: list[Panel] = []


def register(panel: Panel) -> Panel:
    """A panel returns its template's context (with a "template" key), or None to stay hidden."""
    _PANELS.append(panel)
    return panel


def for_dashboard(request: HttpRequest) -> list[dict[str, Any]]:
    return [shown for panel in _PANELS if (shown := panel(request)) is not None]
