"""The social needs analysis (analyse des besoins sociaux): published figures per area from the
indicator catalogue, compared along the area's chain (quartier, QPV, commune, EPCI), and the
platform's own activity aggregated by area with counts under 5 masked.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from solidarite.cases.indicators import SMALL_COUNT, count_text
from solidarite.schemes.services import translated
from solidarite.territory.files import PUBLICS, IndicatorSpec, territory_files
from solidarite.territory.models import Area, Figure, Level, Place, Visibility


def _year_key(year: str) -> int:
    """'2022' > 'c.2020' > '2016-2021' (its last year) > 'n.d.'."""
    numbers = re.findall(r"\d{4}", year)
    return int(numbers[-1]) if numbers else 0


def latest_value(area: Area, indicator: str) -> Figure | None:
    figures = list(Figure.objects.filter(area=area, indicator=indicator))
    return max(figures, key=lambda f: _year_key(f.year), default=None)


def chain(area: Area) -> list[Area]:
    """The area and those it is compared with, finest first."""
    areas = [area]
    if area.level == Level.IRIS and area.quartier:
        areas.append(area.quartier)
    if area.level == Level.QUARTIER and area.qpv:
        areas.append(area.qpv)
    commune = area.commune
    if commune is not None and commune != area:
        areas.append(commune)
    if commune is not None and commune.parent is not None:
        areas.append(commune.parent)
    return areas


@dataclass(frozen=True)
class Cell:
    area: Area
    figure: Figure | None


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    spec: IndicatorSpec
    label: str
    definition: str
    cells: list[Cell]

    @property
    def bars(self) -> list[tuple[Cell, float]]:
        """Each known value with its bar length as a share (0-1) of the largest."""
        known = [c for c in self.cells if c.figure is not None]
        top = max((abs(c.figure.value) for c in known if c.figure), default=0.0)
        return [(c, (abs(c.figure.value) / top) if top and c.figure else 0.0) for c in known]


def indicator_rows(area: Area) -> list[IndicatorRow]:
    """Every catalogued indicator known for the area or one it is compared with."""
    areas = chain(area)
    figures: dict[tuple[int, str], Figure] = {}
    for figure in Figure.objects.filter(area__in=areas):
        key = (figure.area_id, figure.indicator)
        if key not in figures or _year_key(figure.year) > _year_key(figures[key].year):
            figures[key] = figure
    rows = []
    for code, spec in territory_files().indicators.items():
        cells = [Cell(a, figures.get((a.pk, code))) for a in areas]
        if any(c.figure for c in cells):
            rows.append(
                IndicatorRow(code, spec, translated(spec.label), translated(spec.definition), cells)
            )
    return rows


@dataclass(frozen=True)
class Cited:
    label: str
    area: Area
    figure: Figure | None


def cited_figures(cites: list[dict[str, str]]) -> list[Cited]:
    """The figures a plan measure cites, as published (latest year); an area not loaded is
    left out rather than shown empty."""
    indicators = territory_files().indicators
    cited = []
    for item in cites:
        level, _sep, code = item["area"].partition("/")
        area = Area.objects.filter(level=level, code=code).first()
        spec = indicators.get(item["indicator"])
        if area is None or spec is None:
            continue
        cited.append(Cited(translated(spec.label), area, latest_value(area, item["indicator"])))
    return cited


def by_public(rows: list[IndicatorRow]) -> list[tuple[str, list[IndicatorRow]]]:
    """Rows grouped by the public they concern, in the order of the report."""
    return [(public, [r for r in rows if r.spec.public == public]) for public in PUBLICS]


@dataclass(frozen=True)
class Activity:
    """The platform's own figures for an area, as they may be published."""

    referrals: str
    files: str
    files_active: str
    paid_eur: str
    attendance_rate: str
    places: int


def _people_filter(area: Area, prefix: str) -> Q | None:
    if area.level == Level.COMMUNE:
        return Q(**{f"{prefix}commune_code": area.code})
    if area.level == Level.QUARTIER and area.parent:
        return Q(**{f"{prefix}commune_code": area.parent.code, f"{prefix}area": area.name})
    if area.level == Level.QPV and area.parent:
        names = list(area.quartiers.values_list("name", flat=True))
        return Q(**{f"{prefix}commune_code": area.parent.code, f"{prefix}area__in": names})
    return None


def activity(area: Area) -> Activity | None:
    """Referrals, files, payments and workshop attendance of people living in the area; None
    for levels a person's address is not recorded at (IRIS, EPCI)."""
    from solidarite.cases.models import CaseFile, FileStatus, Referral, WorkshopRegistration
    from solidarite.payments.models import Payment, PaymentStatus

    where = _people_filter(area, "person__")
    if where is None:
        return None
    referrals = Referral.objects.filter(where).count()
    files = CaseFile.objects.filter(where)
    active = files.filter(status=FileStatus.ACTIVE).count()
    paid = Payment.objects.filter(
        _people_filter(area, "file__person__"),
        status=PaymentStatus.PAID,
    ).aggregate(total=Sum("amount"), files=Count("file", distinct=True))
    paid_files = paid["files"] or 0
    total: Decimal = paid["total"] or Decimal(0)
    attendance = WorkshopRegistration.objects.filter(
        _people_filter(area, "file__person__")
    ).aggregate(
        present=Count("pk", filter=Q(attendance="present")),
        recorded=Count("pk", filter=Q(attendance__in=["present", "excused", "absent"])),
    )
    recorded = attendance["recorded"] or 0
    places = _public_places(area)
    return Activity(
        referrals=count_text(referrals),
        files=count_text(files.count()),
        files_active=count_text(active),
        # An amount over fewer than 5 files could be one person's aid: not shown.
        paid_eur="" if paid_files < SMALL_COUNT else f"{total:.0f}",
        attendance_rate=(
            "" if recorded < SMALL_COUNT else f"{100 * attendance['present'] / recorded:.0f}"
        ),
        places=places,
    )


def _public_places(area: Area) -> int:
    public = Place.objects.filter(visibility=Visibility.PUBLIC)
    if area.level == Level.COMMUNE:
        return public.filter(commune=area).count()
    if area.level == Level.QPV:
        return public.filter(area__qpv=area).count()
    return public.filter(area=area).count()
