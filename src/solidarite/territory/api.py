"""/api/v1/places: the directory with the same filters as /annuaire/, in the OpenAPI description.

Addresses and positions come from `directory.card`, so a confidential place's stay out here too.
"""

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema

from solidarite.api.schemas import ErrorOut
from solidarite.territory import directory

router = Router(tags=["places"])


class PlaceFilters(Schema):
    q: str = ""
    thematique: str = ""
    area: str = ""
    public: str = ""
    free: bool = False
    open_now: bool = False


class ServiceOut(Schema):
    name: str
    thematiques: list[str]
    publics: list[str]
    fee: str
    opening_hours: str
    schemes: list[str]


class StopOut(Schema):
    label: str
    area: str
    opening_hours: str
    open_now: bool
    next_opening: dt.datetime | None


class PlaceOut(Schema):
    slug: str
    url: str
    name: str
    kind: str
    commune: str
    commune_code: str
    area: str
    address: str | None
    postal_code: str | None
    latitude: float | None
    longitude: float | None
    telephone: str
    opening_hours: str
    status: str
    open_now: bool
    next_opening: dt.datetime | None
    front_door: str
    fictitious: bool
    last_verified: dt.date
    stale: bool
    services: list[ServiceOut]
    stops: list[StopOut]


def _out(card: directory.Card) -> dict[str, object]:
    return {
        "slug": card.slug,
        "url": reverse("territory_place", args=[card.slug]),
        "name": card.name,
        "kind": card.kind,
        "commune": card.commune,
        "commune_code": card.commune_code,
        "area": card.area,
        "address": card.address,
        "postal_code": card.postal_code,
        "latitude": card.position[0] if card.position else None,
        "longitude": card.position[1] if card.position else None,
        "telephone": card.telephone,
        "opening_hours": card.hours,
        "status": card.status.text,
        "open_now": card.status.open_now,
        "next_opening": card.status.next_opening,
        "front_door": card.front_door if card.confidential else "",
        "fictitious": card.fictitious,
        "last_verified": card.last_verified,
        "stale": card.stale,
        "services": [
            {
                "name": s.name,
                "thematiques": s.thematiques,
                "publics": s.publics,
                "fee": s.fee,
                "opening_hours": s.hours,
                "schemes": s.schemes,
            }
            for s in card.services
        ],
        "stops": [
            {
                "label": s.label,
                "area": s.area,
                "opening_hours": s.hours,
                "open_now": s.status.open_now,
                "next_opening": s.status.next_opening,
            }
            for s in card.stops
        ],
    }


@router.get(
    "",
    response={200: list[PlaceOut], 422: ErrorOut},
    summary="Lieux et services de l'annuaire / directory",
)
def list_places(request: HttpRequest, filters: Query[PlaceFilters]) -> list[dict[str, object]]:
    found = directory.search(
        request.user,
        directory.Filters(
            text=filters.q[:100],
            thematique=filters.thematique,
            area=filters.area,
            public=filters.public,
            free=filters.free,
            open_now=filters.open_now,
        ),
    )
    return [_out(card) for card in found]
