"""Coverage: places counted per area against the targets of `coverage.yaml`.

Only public places count: a confidential place (a shelter) never appears in a public figure,
and a place for professionals is not one a resident can walk into.
"""

import math
from dataclasses import dataclass

from solidarite.schemes.services import translated
from solidarite.territory.files import TargetSpec, territory_files
from solidarite.territory.models import Area, Level, Place, Visibility
from solidarite.territory.needs import latest_value


@dataclass(frozen=True)
class CoverageRow:
    target: TargetSpec
    label: str
    area: Area
    population: float | None
    required: int | None
    places: list[str]

    @property
    def counted(self) -> int:
        return len(self.places)

    @property
    def shortfall(self) -> int | None:
        return None if self.required is None else max(0, self.required - self.counted)


def _population(area: Area) -> float | None:
    indicator = "population_municipal_qpv" if area.level == Level.QPV else "population_municipal"
    figure = latest_value(area, indicator)
    return figure.value if figure else None


def coverage() -> list[CoverageRow]:
    """Every target of coverage.yaml, for each area it is checked on."""
    rows: list[CoverageRow] = []
    public = Place.objects.filter(visibility=Visibility.PUBLIC)
    for target in territory_files().targets:
        if target.per == "qpv":
            areas = Area.objects.filter(level=Level.QPV)
        else:
            areas = Area.objects.filter(level=Level.COMMUNE, code__in=_covered_communes())
        for area in areas.order_by("name"):
            of_kind = public.filter(kind=target.kind)
            in_area = (
                of_kind.filter(area__qpv=area)
                if target.per == "qpv"
                else of_kind.filter(commune=area)
            )
            population = _population(area)
            if target.inhabitants:
                required = math.ceil(population / target.inhabitants) if population else None
            else:
                required = target.minimum
            rows.append(
                CoverageRow(
                    target,
                    translated(target.label),
                    area,
                    population,
                    required,
                    list(in_area.values_list("name", flat=True)),
                )
            )
    return rows


def _covered_communes() -> list[str]:
    """The communes the platform serves: those with a quartier declared in areas.yaml."""
    return list(
        Area.objects.filter(level=Level.QUARTIER).values_list("parent__code", flat=True).distinct()
    )
