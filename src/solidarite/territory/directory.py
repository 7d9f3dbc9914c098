"""The directory as each person may see it: search filters and the place as shown.

Pages, the JSON API, exports, the simulator and case files all read places through `card()`:
the one place where an address or a position is left out for whoever may not read it.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from solidarite.accounts.permissions import (
    AnyUser,
    can_read_confidential_place,
    can_view_professional_places,
)
from solidarite.core import clock
from solidarite.territory import hours
from solidarite.territory.hours import Status
from solidarite.territory.models import Area, Level, Place, Stop, Visibility
from solidarite.territory.vocabulary import category_of, mobilisation_label, mode_label

# A place nobody confirmed for six months may have moved or closed: its page says so.
STALE_AFTER = dt.timedelta(days=183)


@dataclass(frozen=True)
class Filters:
    text: str = ""
    thematique: str = ""
    area: str = ""
    public: str = ""
    free: bool = False
    open_now: bool = False


@dataclass(frozen=True)
class ServiceCard:
    name: str
    description: str
    thematiques: list[str]
    publics: list[str]
    fee: str
    fee_details: str
    hours: str
    status: Status | None
    schemes: list[str]
    access: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StopCard:
    label: str
    area: str
    area_code: str
    hours: str
    status: Status


@dataclass(frozen=True)
class Card:
    """A place as one reader may see it. `address` and `position` are None when hidden."""

    slug: str
    name: str
    kind: str
    kind_label: str
    description: str
    commune: str
    commune_code: str
    area: str
    area_code: str
    address: str | None
    postal_code: str | None
    position: tuple[float, float] | None
    telephone: str
    email: str
    website: str
    source_url: str
    accessibility_url: str
    note: str
    hours: str
    status: Status
    visibility: str
    confidential: bool
    front_door: str
    front_door_telephone: str
    fictitious: bool
    last_verified: dt.date
    stale: bool
    services: list[ServiceCard] = field(default_factory=list)
    stops: list[StopCard] = field(default_factory=list)
    next_stop: StopCard | None = None

    @property
    def free(self) -> bool:
        return any(s.fee == "gratuit" for s in self.services)


def visible(user: AnyUser) -> QuerySet[Place]:
    """Places the reader may know exist: public ones and confidential ones (shown by their
    front door only), plus places for professionals to logged-in staff."""
    allowed = [Visibility.PUBLIC, Visibility.CONFIDENTIAL]
    if can_view_professional_places(user):
        allowed.append(Visibility.PROFESSIONALS)
    return (
        Place.objects.filter(visibility__in=allowed)
        .select_related("commune", "area")
        .prefetch_related("services", "stops__area__qpv", "stops__area__parent")
    )


def _area_filter(code: str) -> Q:
    area = Area.objects.filter(code=code).exclude(level=Level.IRIS).first()
    if area is None:
        return Q(pk__in=[])
    if area.level == Level.COMMUNE:
        return Q(commune=area)
    if area.level == Level.QPV:
        return Q(area__qpv=area) | Q(stops__area__qpv=area)
    return Q(area=area) | Q(stops__area=area)


def search(user: AnyUser, filters: Filters, at: dt.datetime | None = None) -> list[Card]:
    places = visible(user)
    if filters.text:
        words = filters.text.strip()[:100]
        places = places.filter(
            Q(name__icontains=words)
            | Q(description__icontains=words)
            | Q(services__name__icontains=words)
            | Q(services__description__icontains=words)
        )
    if filters.area:
        places = places.filter(_area_filter(filters.area))
    cards = [card(user, place, at, near=filters.area) for place in places.distinct()]
    if filters.thematique:
        cards = [
            c
            for c in cards
            if any(
                filters.thematique in (t, category_of(t)) for s in c.services for t in s.thematiques
            )
        ]
    if filters.public:
        cards = [
            c
            for c in cards
            if any(filters.public in s.publics or "tous-publics" in s.publics for s in c.services)
        ]
    if filters.free:
        cards = [c for c in cards if c.free]
    if filters.open_now:
        cards = [c for c in cards if c.status.open_now or any(s.status.open_now for s in c.stops)]
    return sorted(cards, key=lambda c: (not c.status.open_now, c.fictitious, c.name))


def _stop_is_in(stop: Stop, code: str) -> bool:
    area = stop.area
    return code in {
        area.code,
        area.qpv.code if area.qpv else "",
        area.parent.code if area.parent else "",
    }


def card(user: AnyUser, place: Place, at: dt.datetime | None = None, near: str = "") -> Card:
    """The place as `user` may see it. A confidential place's address, position and own
    contacts are left out unless the reader holds a role the place names. With `near` (an area
    code), a mobile service's next stop is its next one in that area."""
    moment = at or clock.now()
    confidential = place.visibility == Visibility.CONFIDENTIAL
    hidden = confidential and not can_read_confidential_place(user, place)
    if confidential and not hidden:
        _log_read(user, place)
    status = hours.status(
        place.opening_hours, moment, place.closed_from, place.closed_until, place.closure_message
    )
    stops = []
    nearby = []
    for stop in place.stops.all():
        stop_card = StopCard(
            stop.label,
            stop.area.name,
            stop.area.code,
            stop.opening_hours,
            hours.status(stop.opening_hours, moment, place.closed_from, place.closed_until),
        )
        stops.append(stop_card)
        if not near or _stop_is_in(stop, near):
            nearby.append(stop_card)
    upcoming = [s for s in nearby if s.status.open_now or s.status.next_opening]
    next_stop = min(
        upcoming,
        key=lambda s: moment if s.status.open_now else (s.status.next_opening or moment),
        default=None,
    )
    services = [
        ServiceCard(
            s.name,
            s.description,
            list(s.thematiques),
            list(s.publics),
            s.fee,
            s.fee_details,
            s.opening_hours,
            hours.status(s.opening_hours, moment) if s.opening_hours else None,
            list(s.schemes),
            [mode_label(m) for m in s.reception_modes]
            + [mobilisation_label(m) for m in s.mobilisation_modes],
        )
        for s in place.services.all()
    ]
    return Card(
        slug=place.slug,
        name=place.name,
        kind=place.kind,
        kind_label=str(place.get_kind_display()),
        description=place.description,
        commune=place.commune.name,
        commune_code=place.commune.code,
        area=place.area.name if place.area else "",
        area_code=place.area.code if place.area else "",
        address=None if hidden else place.address,
        postal_code=None if hidden else place.postal_code,
        position=(
            None
            if hidden or place.latitude is None or place.longitude is None
            else (place.latitude, place.longitude)
        ),
        telephone="" if hidden else place.telephone,
        email="" if hidden else place.email,
        website="" if hidden else place.website,
        source_url=place.source_url,
        accessibility_url=place.accessibility_url,
        note="" if hidden else place.note,
        hours="" if hidden else place.opening_hours,
        status=Status(False, False, None, None) if hidden else status,
        visibility=place.visibility,
        confidential=confidential,
        front_door=place.front_door,
        front_door_telephone=place.front_door_telephone,
        fictitious=place.fictitious,
        last_verified=place.last_verified,
        stale=moment.date() - place.last_verified > STALE_AFTER,
        services=services,
        stops=stops,
        next_stop=next_stop,
    )


def _log_read(user: AnyUser, place: Place) -> None:
    """Every channel that shows a confidential address to its reader leaves a trace: the page,
    the list, the API, the simulator and the case file all come through `card`."""
    from solidarite.audit.models import AccessLog

    AccessLog.objects.create(
        user=user if user.is_authenticated else None,
        object_type=place._meta.label_lower,
        object_pk=str(place.pk),
        via="territory.directory",
    )


def places_for_schemes(
    user: AnyUser, scheme_ids: list[str], commune_code: str = ""
) -> dict[str, list[Card]]:
    """Where each scheme is delivered: the places whose services name it, in the resident's
    commune first, those open soonest first. The directory is read (and each place shown)
    once for all the schemes of a results page."""
    wanted = set(scheme_ids)
    found: dict[str, list[Card]] = {scheme_id: [] for scheme_id in scheme_ids}
    for place in visible(user):
        delivered = wanted & {s for service in place.services.all() for s in service.schemes}
        if delivered:
            shown = card(user, place)
            for scheme_id in delivered:
                found[scheme_id].append(shown)
    never = dt.datetime.max.replace(tzinfo=hours.PARIS)
    for cards in found.values():
        cards.sort(
            key=lambda c: (
                commune_code != "" and c.commune_code != commune_code,
                c.fictitious,
                not c.status.open_now,
                c.status.next_opening or never,
                c.name,
            )
        )
    return found


def places_for_scheme(user: AnyUser, scheme_id: str, commune_code: str = "") -> list[Card]:
    return places_for_schemes(user, [scheme_id], commune_code)[scheme_id]
