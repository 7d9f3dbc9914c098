"""Coverage: places counted per area against the targets of `coverage.yaml`.

Only public places count: a confidential place (a shelter) never appears in a public figure,
and a place for professionals is not one a resident can walk into.
"""

import math
from dataclasses import dataclass

from django.utils.translation import get_language

from solidarite.territory.files import TargetSpec, territory_files
from solidarite.territory.models import Area, Level, Place, PlaceKind, Visibility
from solidarite.territory.needs import latest_value


@dataclass(frozen=True)
class CoverageRow:
    target: TargetSpec
    label: str
    kind_label: str
    area: Area
    population: float | None
    required: int | None
    counted: int
    places: list[str]

    @property
    def shortfall(self) -> int | None:
        return None if self.required is None else max(0, self.required - self.counted)


def _population(area: Area) -> float | None:
    indicator = "population_municipal_qpv" if area.level == Level.QPV else "population_municipal"
    figure = latest_value(area, indicator)
    return figure.value if figure else None


def coverage(commune_code: str = "") -> list[CoverageRow]:
    rows: list[CoverageRow] = []
    language = (get_language() or "fr")[:2]
    public = Place.objects.filter(visibility=Visibility.PUBLIC)
    for target in territory_files().targets:
        level = Level.COMMUNE if target.per == "commune" else Level.QPV
        if level == Level.QPV:
            areas = Area.objects.filter(level=level).select_related("parent")
        else:
            areas = Area.objects.filter(level=level, code__in=_covered_communes())
        if commune_code:
            areas = (
                areas.filter(code=commune_code)
                if level == Level.COMMUNE
                else areas.filter(parent__code=commune_code)
            )
        for area in areas.order_by("name"):
            kind_places = public.filter(kind=target.kind)
            in_area = (
                kind_places.filter(commune=area)
                if level == Level.COMMUNE
                else kind_places.filter(area__qpv=area)
            )
            population = _population(area)
            if target.inhabitants:
                required = math.ceil(population / target.inhabitants) if population else None
            else:
                required = target.minimum
            rows.append(
                CoverageRow(
                    target,
                    target.label.fr if language == "fr" else target.label.en,
                    str(PlaceKind(target.kind).label) if target.kind in PlaceKind.values else "",
                    area,
                    population,
                    required,
                    in_area.count(),
                    list(in_area.values_list("name", flat=True)),
                )
            )
    return rows


def _covered_communes() -> list[str]:
    """The communes the platform serves: those with a quartier declared in areas.yaml."""
    return list(
        Area.objects.filter(level=Level.QUARTIER).values_list("parent__code", flat=True).distinct()
    )
