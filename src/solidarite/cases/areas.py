"""Neighbourhoods a file can be attached to, per commune, for caseload filters and indicators.

They are the quartiers of `catalog/territory/areas.yaml` (the same areas the directory and the
territory pages use); a quartier is flagged QPV when it holds a 2024 priority district. "Autre
quartier" keeps every address placeable without inventing a neighbourhood.
"""

from dataclasses import dataclass

from solidarite.territory.files import quartier_specs


@dataclass(frozen=True)
class Area:
    commune_code: str
    name: str
    qpv: bool


AREAS: tuple[Area, ...] = tuple(
    Area(spec.commune, spec.name, spec.qpv is not None) for spec in quartier_specs()
)


def area_choices() -> list[tuple[str, str]]:
    """Choices for a select, each labelled with its QPV status."""
    return [("", "—")] + [
        (area.name, f"{area.name} (QPV)" if area.qpv else area.name) for area in AREAS
    ]


def area_matches_commune(name: str, commune_code: str) -> bool:
    return any(a.name == name and a.commune_code == commune_code for a in AREAS)
