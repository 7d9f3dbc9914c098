"""The directory in and out in data·inclusion JSON.

A file is `{"structures": [...], "services": [...]}`, each item a data·inclusion `Structure` or
`Service` validated by the `data-inclusion-schema` package, plus an optional `x-solidarite`
object for what the schema lacks (local kind, visibility, quartier, stops, closure, last
verification). An import is all or nothing: every error names the item and the field.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

from data_inclusion.schema.v1 import Service as DiService
from data_inclusion.schema.v1 import Structure as DiStructure
from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from solidarite.accounts.roles import Role
from solidarite.rules.errors import CatalogError, RuleError, display_path
from solidarite.territory import hours
from solidarite.territory.models import Area, Level, Place, PlaceKind, Service, Stop, Visibility

MAX_BYTES = 5_000_000
EXTENSION = "x-solidarite"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StopSpec(_Strict):
    label: str = Field(min_length=1, max_length=200)
    area: str
    hours: str

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        hours.check(value)
        return value


class ClosureSpec(_Strict):
    start: dt.date
    end: dt.date
    message: str = Field(min_length=1, max_length=300)


class FrontDoorSpec(_Strict):
    label: str = Field(min_length=1, max_length=300)
    telephone: str = ""


class PlaceExtension(_Strict):
    kind: PlaceKind
    visibility: Visibility = Visibility.PUBLIC
    last_verified: dt.date
    fictitious: bool = False
    area: str | None = None
    operator: str = ""
    note: str = ""
    closure: ClosureSpec | None = None
    front_door: FrontDoorSpec | None = None
    stops: list[StopSpec] = []
    readers: list[Literal[Role.ADMIN, Role.CASE_WORKER, Role.REFERENT]] = []


class ServiceExtension(_Strict):
    schemes: list[str] = []


def _where(kind: str, index: int, loc: tuple[Any, ...]) -> str:
    return f"{kind}[{index}]" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc
    )


def _errors(name: str, where: str, exc: ValidationError) -> list[RuleError]:
    return [
        RuleError(name, None, where + "".join(f".{p}" for p in e["loc"]), e["msg"])
        for e in exc.errors()
    ]


def _unknown_fields(
    name: str, where: str, item: dict[str, Any], model: type[BaseModel]
) -> list[RuleError]:
    """data·inclusion models ignore unknown keys: a misspelt field would vanish silently."""
    known = set(model.model_fields) | {EXTENSION}
    return [
        RuleError(name, None, f"{where}.{key}", "unknown field (data·inclusion schema v1)")
        for key in item
        if key not in known
    ]


def read_exchange(path: Path) -> dict[str, Any]:
    """Parse the file; too large or not JSON is one clear error."""
    name = display_path(path)
    if path.stat().st_size > MAX_BYTES:
        raise CatalogError([RuleError(name, None, "", "larger than 5 MB; split the file")])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise CatalogError([RuleError(name, line, "", f"not valid JSON ({exc})")]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("structures"), list):
        raise CatalogError(
            [RuleError(name, None, "structures", "a list of structures is expected")]
        )
    data.setdefault("services", [])
    return data


@transaction.atomic
def import_places(path: Path) -> tuple[int, int]:
    """Create or update every structure and service of the file; nothing is written if any item
    is invalid. Returns (places, services)."""
    name = display_path(path)
    data = read_exchange(path)
    errors: list[RuleError] = []
    areas = {(a.level, a.code): a for a in Area.objects.all()}
    communes = {code: a for (level, code), a in areas.items() if level == Level.COMMUNE}
    below = {code: a for (level, code), a in areas.items() if level == Level.QUARTIER}
    places: list[tuple[dict[str, Any], DiStructure, PlaceExtension]] = []
    for i, item in enumerate(data["structures"]):
        if not isinstance(item, dict):
            errors.append(RuleError(name, None, f"structures[{i}]", "an object is expected"))
            continue
        extension = dict(item).pop(EXTENSION, None) or {}
        body = {k: v for k, v in item.items() if k != EXTENSION}
        unknown = _unknown_fields(name, f"structures[{i}]", item, DiStructure)
        if unknown:
            errors += unknown
            continue
        try:
            structure = DiStructure.model_validate(body)
            ext = PlaceExtension.model_validate(extension)
        except ValidationError as exc:
            errors += _errors(name, f"structures[{i}]", exc)
            continue
        if structure.horaires_accueil:
            try:
                hours.check(structure.horaires_accueil)
            except hours.HoursError as exc:
                errors.append(RuleError(name, None, f"structures[{i}].horaires_accueil", str(exc)))
        if structure.code_insee not in communes:
            errors.append(
                RuleError(name, None, f"structures[{i}].code_insee", "unknown commune (areas)")
            )
        for code in [ext.area] + [s.area for s in ext.stops]:
            if code and code not in below:
                errors.append(
                    RuleError(name, None, f"structures[{i}].{EXTENSION}", f'unknown area "{code}"')
                )
        places.append((item, structure, ext))
    identifiers = {structure.id for _item, structure, _ext in places}
    services: list[tuple[DiService, ServiceExtension]] = []
    for i, item in enumerate(data["services"]):
        if not isinstance(item, dict):
            errors.append(RuleError(name, None, f"services[{i}]", "an object is expected"))
            continue
        body = {k: v for k, v in item.items() if k != EXTENSION}
        unknown = _unknown_fields(name, f"services[{i}]", item, DiService)
        if unknown:
            errors += unknown
            continue
        try:
            service = DiService.model_validate(body)
            ext_s = ServiceExtension.model_validate(item.get(EXTENSION) or {})
        except ValidationError as exc:
            errors += _errors(name, f"services[{i}]", exc)
            continue
        if (
            service.structure_id not in identifiers
            and not Place.objects.filter(identifier=service.structure_id).exists()
        ):
            errors.append(RuleError(name, None, f"services[{i}].structure_id", "unknown structure"))
        if service.horaires_accueil:
            try:
                hours.check(service.horaires_accueil)
            except hours.HoursError as exc:
                errors.append(RuleError(name, None, f"services[{i}].horaires_accueil", str(exc)))
        services.append((service, ext_s))
    if errors:
        raise CatalogError(errors)
    saved = {
        structure.id: _save_place(structure, ext, communes, below)
        for _item, structure, ext in places
    }
    for service, ext_s in services:
        place = saved.get(service.structure_id) or Place.objects.get(
            identifier=service.structure_id
        )
        _save_service(place, service, ext_s)
    return len(saved), len(services)


def _slug(identifier: str) -> str:
    return identifier.split("--", 1)[-1][:120]


def _save_place(
    structure: DiStructure,
    ext: PlaceExtension,
    communes: dict[str, Area],
    quartiers: dict[str, Area],
) -> Place:
    closure = ext.closure
    place, _created = Place.objects.update_or_create(
        identifier=structure.id,
        defaults={
            "slug": _slug(structure.id),
            "source": structure.source,
            "name": structure.nom,
            "kind": ext.kind,
            "description": structure.description or "",
            "commune": communes[str(structure.code_insee)],
            "area": quartiers.get(ext.area or ""),
            "address": structure.adresse or "",
            "postal_code": structure.code_postal or "",
            "latitude": structure.latitude,
            "longitude": structure.longitude,
            "telephone": structure.telephone or "",
            "email": structure.courriel or "",
            "website": str(structure.site_web or ""),
            "source_url": str(structure.lien_source or ""),
            "accessibility_url": str(structure.accessibilite_lieu or ""),
            "opening_hours": structure.horaires_accueil or "",
            "note": ext.note,
            "closed_from": closure.start if closure else None,
            "closed_until": closure.end if closure else None,
            "closure_message": closure.message if closure else "",
            "visibility": ext.visibility,
            "front_door": ext.front_door.label if ext.front_door else "",
            "front_door_telephone": ext.front_door.telephone if ext.front_door else "",
            "readers": [str(r) for r in ext.readers],
            "operator_code": ext.operator,
            "networks": sorted(str(r) for r in structure.reseaux_porteurs or []),
            "fictitious": ext.fictitious,
            "updated_on": structure.date_maj,
            "last_verified": ext.last_verified,
        },
    )
    place.stops.all().delete()
    Stop.objects.bulk_create(
        Stop(place=place, position=n, label=s.label, area=quartiers[s.area], opening_hours=s.hours)
        for n, s in enumerate(ext.stops)
    )
    return place


def _save_service(place: Place, service: DiService, ext: ServiceExtension) -> None:
    Service.objects.update_or_create(
        identifier=service.id,
        defaults={
            "place": place,
            "name": service.nom,
            "description": service.description,
            "thematiques": sorted(str(t) for t in service.thematiques or []),
            "publics": sorted(str(p) for p in service.publics or []),
            "kind": str(service.type or ""),
            "fee": str(service.frais or ""),
            "fee_details": service.frais_precisions or "",
            "reception_modes": sorted(str(m) for m in service.modes_accueil or []),
            "eligibility_zone": list(service.zone_eligibilite or []),
            "mobilisation_modes": sorted(str(m) for m in service.modes_mobilisation or []),
            "opening_hours": service.horaires_accueil or "",
            "schemes": ext.schemes,
            "updated_on": service.date_maj,
        },
    )


def export_places() -> dict[str, list[dict[str, Any]]]:
    """Public places and their services as data·inclusion JSON (validated on the way out).
    Places for professionals and confidential places are never exported."""
    structures = []
    services = []
    public = Place.objects.filter(visibility=Visibility.PUBLIC).select_related("commune", "area")
    for place in public.prefetch_related("services", "stops__area"):
        body = DiStructure.model_validate(
            {
                "source": place.source,
                "id": place.identifier,
                "nom": place.name,
                "date_maj": place.updated_on,
                "description": place.description or None,
                "lien_source": place.source_url or None,
                "accessibilite_lieu": place.accessibility_url or None,
                **_location(place),
                "telephone": place.telephone or None,
                "courriel": place.email or None,
                "site_web": place.website or None,
                "horaires_accueil": place.opening_hours or None,
                "reseaux_porteurs": place.networks or None,
            }
        ).model_dump(mode="json", exclude_none=True)
        extension: dict[str, Any] = {
            "kind": place.kind,
            "visibility": place.visibility,
            "last_verified": place.last_verified.isoformat(),
            "fictitious": place.fictitious,
        }
        if place.area:
            extension["area"] = place.area.code
        if place.operator_code:
            extension["operator"] = place.operator_code
        if place.note:
            extension["note"] = place.note
        if place.closed_from and place.closed_until:
            extension["closure"] = {
                "start": place.closed_from.isoformat(),
                "end": place.closed_until.isoformat(),
                "message": place.closure_message,
            }
        stops = [
            {"label": s.label, "area": s.area.code, "hours": s.opening_hours}
            for s in place.stops.all()
        ]
        if stops:
            extension["stops"] = stops
        structures.append({**body, EXTENSION: extension})
        for service in place.services.all():
            services.append(_service_body(place, service))
    return {"structures": structures, "services": services}


def _location(place: Place) -> dict[str, Any]:
    """Where a public place is, in the schema's fields (a structure and its services alike)."""
    return {
        "commune": place.commune.name,
        "code_insee": place.commune.code,
        "code_postal": place.postal_code or None,
        "adresse": place.address or None,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }


def _service_body(place: Place, service: Service) -> dict[str, Any]:
    body: dict[str, Any] = DiService.model_validate(
        {
            "source": place.source,
            "structure_id": place.identifier,
            "id": service.identifier,
            "nom": service.name,
            "description": service.description,
            "date_maj": service.updated_on,
            "thematiques": service.thematiques or None,
            "publics": service.publics or None,
            "type": service.kind or None,
            "frais": service.fee or None,
            "frais_precisions": service.fee_details or None,
            "modes_accueil": service.reception_modes or None,
            "zone_eligibilite": service.eligibility_zone or None,
            "modes_mobilisation": service.mobilisation_modes or None,
            "horaires_accueil": service.opening_hours or None,
            **_location(place),
        }
    ).model_dump(mode="json", exclude_none=True)
    # Sets come back in any order: sorted, an export is stable and diffable.
    for key in ("thematiques", "publics", "modes_accueil", "modes_mobilisation"):
        if key in body:
            body[key] = sorted(body[key])
    if service.schemes:
        body[EXTENSION] = {"schemes": service.schemes}
    return body
