"""An iCalendar feed of a mobile service's stops, for a phone's calendar or a partner's site.

Events are the open intervals of each stop's hours over the coming weeks (public holidays and
temporary closures already left out by the hours themselves), written by `icalendar`.
"""

import datetime as dt

from icalendar import Calendar, Event

from solidarite.core import clock
from solidarite.territory import hours
from solidarite.territory.models import Place

WEEKS_AHEAD = 8


def stops_calendar(place: Place, now: dt.datetime | None = None) -> bytes:
    start = (now or clock.now()).astimezone(hours.PARIS)
    end = start + dt.timedelta(weeks=WEEKS_AHEAD)
    calendar = Calendar()
    calendar.add("prodid", "-//Solidarité//Annuaire//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", place.name)
    for stop in place.stops.select_related("area").all():
        for begin, finish in hours.occurrences(stop.opening_hours, start, end):
            if (
                place.closed_from
                and place.closed_until
                and place.closed_from <= begin.date() <= place.closed_until
            ):
                continue
            event = Event()
            event.add("uid", f"{place.slug}-{stop.position}-{begin:%Y%m%dT%H%M}@solidarite")
            event.add("summary", f"{place.name} — {stop.label}, {stop.area.name}")
            event.add("location", f"{stop.label}, {stop.area.name}, {place.commune.name}")
            event.add("dtstart", begin)
            event.add("dtend", finish)
            event.add("dtstamp", start)
            calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
