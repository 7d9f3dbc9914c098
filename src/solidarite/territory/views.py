"""/annuaire/ (places, the services bus, coverage) and /territoire/ (the needs analysis).

Public pages carry no personal data; a confidential place's address is read only by the roles
it names, and each such read is access-logged.
"""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidarite.accounts import permissions
from solidarite.core import clock
from solidarite.core.csv_export import SafeDictWriter
from solidarite.territory import directory, needs
from solidarite.territory.calendar import stops_calendar
from solidarite.territory.coverage import coverage
from solidarite.territory.exchange import export_places
from solidarite.territory.forms import DirectoryForm
from solidarite.territory.models import Area, Level, Place, Visibility
from solidarite.territory.vocabulary import fee_label, public_labels, thematique_labels


def _vocabulary() -> dict[str, Any]:
    return {
        "thematique_labels": thematique_labels(),
        "public_labels": public_labels(),
        "fee_labels": {"gratuit": fee_label("gratuit"), "payant": fee_label("payant")},
    }


def directory_page(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    searched = bool(request.GET)
    cards = directory.search(request.user, form.filters() if searched else directory.Filters())
    return render(
        request,
        "territory/directory.html",
        {
            "form": form,
            "cards": cards,
            "searched": searched,
            "perms_edit": permissions.can_edit_places(request.user),
            **_vocabulary(),
        },
    )


def _place(request: HttpRequest, slug: str) -> Place:
    place = directory.visible(request.user).filter(slug=slug).first()
    if place is None:
        raise Http404
    return place


def place_page(request: HttpRequest, slug: str) -> HttpResponse:
    place = _place(request, slug)
    card = directory.card(request.user, place)
    return render(
        request,
        "territory/place.html",
        {
            "card": card,
            "place": place,
            "can_verify": _can_verify(request, place),
            **_vocabulary(),
        },
    )


def place_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    place = _place(request, slug)
    if place.visibility == Visibility.CONFIDENTIAL or not place.stops.exists():
        raise Http404
    response = HttpResponse(stops_calendar(place), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{place.slug}.ics"'
    return response


def coverage_page(request: HttpRequest) -> HttpResponse:
    return render(request, "territory/coverage.html", {"rows": coverage()})


def export_json(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(export_places(), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="annuaire-data-inclusion.json"'
    return response


def _can_verify(request: HttpRequest, place: Place) -> bool:
    if not permissions.can_edit_places(request.user):
        return False
    code = permissions.editor_code(request.user)
    return code is None or place.operator_code == code


@login_required
def stale_places(request: HttpRequest) -> HttpResponse:
    if not permissions.can_edit_places(request.user):
        raise Http404
    limit = clock.today() - directory.STALE_AFTER
    places = Place.objects.filter(last_verified__lt=limit).select_related("commune")
    code = permissions.editor_code(request.user)
    if code is not None:
        places = places.filter(operator_code=code)
    return render(request, "territory/stale.html", {"places": places.order_by("last_verified")})


@require_POST
@login_required
def mark_verified(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place, slug=slug)
    if not _can_verify(request, place):
        raise Http404
    place.last_verified = clock.today()
    place.save(update_fields=["last_verified"])
    messages.success(request, _("Lieu marqué comme vérifié aujourd'hui."))
    return redirect("territory_place", slug=place.slug)


def area_list(request: HttpRequest) -> HttpResponse:
    communes = (
        Area.objects.filter(level=Level.COMMUNE, children__isnull=False)
        .distinct()
        .prefetch_related("children")
    )
    groups = [
        (
            commune,
            [a for a in commune.children.all() if a.level == Level.QPV],
            [a for a in commune.children.all() if a.level == Level.QUARTIER],
            [a for a in commune.children.all() if a.level == Level.IRIS],
        )
        for commune in communes
    ]
    epcis = Area.objects.filter(level=Level.EPCI)
    return render(request, "territory/area_list.html", {"groups": groups, "epcis": epcis})


def _area(level: str, code: str) -> Area:
    return get_object_or_404(
        Area.objects.select_related("parent", "qpv", "quartier"), level=level, code=code
    )


def _area_context(request: HttpRequest, area: Area) -> dict[str, Any]:
    rows = needs.indicator_rows(area)
    return {
        "area": area,
        "chain": needs.chain(area),
        "rows": rows,
        "groups": needs.by_public(rows),
        "activity": (
            needs.activity(area) if permissions.can_view_professional_places(request.user) else None
        ),
        "places": directory.search(request.user, directory.Filters(area=area.code))
        if area.level in (Level.COMMUNE, Level.QUARTIER, Level.QPV)
        else [],
        "quartiers": area.children.filter(level__in=[Level.QPV, Level.QUARTIER]),
        "generated": clock.today(),
    }


def area_page(request: HttpRequest, level: str, code: str) -> HttpResponse:
    area = _area(level, code)
    return render(request, "territory/area.html", _area_context(request, area))


def area_report(request: HttpRequest, level: str, code: str) -> HttpResponse:
    area = _area(level, code)
    return render(request, "territory/report.html", _area_context(request, area))


def area_csv(request: HttpRequest, level: str, code: str) -> HttpResponse:
    area = _area(level, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="territoire-{area.level}-{area.code}.csv"'
    )
    writer = SafeDictWriter(
        response,
        fieldnames=[
            "citation",
            "indicator",
            "label",
            "public",
            "area_level",
            "area_code",
            "area_name",
            "value",
            "unit",
            "year",
            "source",
        ],
    )
    writer.writeheader()
    for row in needs.indicator_rows(area):
        for cell in row.cells:
            if cell.figure is None:
                continue
            writer.writerow(
                {
                    "citation": cell.figure.citation,
                    "indicator": row.code,
                    "label": row.label,
                    "public": row.spec.public,
                    "area_level": cell.area.level,
                    "area_code": cell.area.code,
                    "area_name": cell.area.name,
                    "value": cell.figure.value,
                    "unit": cell.figure.unit,
                    "year": cell.figure.year,
                    "source": cell.figure.source,
                }
            )
    return response
