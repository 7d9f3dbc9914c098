"""Opening hours that mean something: open now, next opening, closures, in the place's time zone.

Hours are OpenStreetMap `opening_hours` expressions (the format data·inclusion asks for), parsed
and evaluated by `opening-hours-py` with the French public holidays ("PH off"). Nothing here
parses the syntax itself.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours
from django.utils import formats
from django.utils.translation import gettext as _

from solidarite.core import clock

PARIS = ZoneInfo("Europe/Paris")
# Searching further than this for the next opening is pointless for a resident.
HORIZON = dt.timedelta(days=62)


class HoursError(ValueError):
    """An expression that is not valid OpenStreetMap opening_hours syntax."""


@lru_cache(maxsize=512)
def parse(expression: str) -> opening_hours.OpeningHours:
    """The parsed expression (cached: the same hours are read on every page)."""
    try:
        return opening_hours.OpeningHours(expression, timezone=PARIS, country="FR")
    # The package's stubs (2.1.4) omit ParserError, which it raises on bad syntax.
    except (opening_hours.ParserError, SyntaxError, ValueError) as exc:  # type: ignore[attr-defined]
        raise HoursError(
            _(
                "Horaires illisibles « %(hours)s » : format OpenStreetMap attendu, par exemple "
                "« Mo-Fr 09:00-12:00; PH off »."
            )
            % {"hours": expression}
        ) from exc


def check(expression: str) -> None:
    """Raise HoursError unless the expression parses."""
    parse(expression)


@dataclass(frozen=True)
class Status:
    """What a resident needs to know right now."""

    known: bool
    open_now: bool
    closes_at: dt.datetime | None
    next_opening: dt.datetime | None
    closure_message: str = ""

    @property
    def text(self) -> str:
        if self.closure_message:
            return self.closure_message
        if not self.known:
            return _("Horaires non renseignés")
        if self.open_now and self.closes_at is not None:
            return _("Ouvert maintenant, jusqu'à %(time)s") % {"time": clock_time(self.closes_at)}
        if self.open_now:
            return _("Ouvert maintenant")
        if self.next_opening is not None:
            return _("Fermé. Prochaine ouverture : %(when)s") % {"when": when(self.next_opening)}
        return _("Fermé, pas d'ouverture prévue dans les deux prochains mois")


def clock_time(moment: dt.datetime) -> str:
    return formats.time_format(moment.astimezone(PARIS).time(), "H:i")


def when(moment: dt.datetime) -> str:
    """'mardi 1 décembre, 13:30' in the active language."""
    local = moment.astimezone(PARIS)
    day = formats.date_format(local.date(), "l j F")
    return f"{day}, {clock_time(local)}"


def status(
    expression: str,
    at: dt.datetime | None = None,
    closed_from: dt.date | None = None,
    closed_until: dt.date | None = None,
    closure_message: str = "",
) -> Status:
    """Open now? until when? when next? A temporary closure covering `at` wins, with its message;
    a closure further on is skipped when looking for the next opening."""
    moment = (at or clock.now()).astimezone(PARIS)
    if not expression:
        return Status(False, False, None, None)
    hours = parse(expression)
    closure = (closed_from, closed_until) if closed_from and closed_until else None
    if closure and closure[0] <= moment.date() <= closure[1]:
        message = closure_message or _("Fermeture temporaire")
        return Status(True, False, None, _next_opening(hours, _after(closure[1]), moment), message)
    if hours.is_open(moment):
        return Status(True, True, hours.next_change(moment), None)
    found = _next_opening(hours, moment, moment)
    if found is not None and closure and closure[0] <= found.date() <= closure[1]:
        found = _next_opening(hours, _after(closure[1]), moment)
    return Status(True, False, None, found)


def _after(day: dt.date) -> dt.datetime:
    """The first instant after a closure's last day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=PARIS)


def _next_opening(
    hours: opening_hours.OpeningHours, start: dt.datetime, now: dt.datetime
) -> dt.datetime | None:
    if hours.is_open(start):
        return start
    for begin, _end, state, _comment in hours.intervals(start, now + HORIZON):
        if state == opening_hours.State.OPEN:
            return begin
    return None


def occurrences(
    expression: str, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The open intervals of an expression between two instants (for calendars)."""
    return [
        (begin, finish)
        for begin, finish, state, _comment in parse(expression).intervals(start, end)
        if state == opening_hours.State.OPEN
    ]
