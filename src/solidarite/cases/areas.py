"""Neighbourhoods a file can be attached to, per commune, for caseload filters and indicators.

The QPV flags follow the 2015-2023 list of priority neighbourhoods named in the seeds (Planoise
in Besançon, Le Mail in Chenôve) and the city's other QPV; "Autre quartier" keeps every address
placeable without inventing a neighbourhood.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    commune_code: str
    name: str
    qpv: bool


AREAS: tuple[Area, ...] = (
    Area("25056", "Planoise", True),
    Area("25056", "Clairs-Soleils", True),
    Area("25056", "Montrapon - Fontaine-Écu", True),
    Area("25056", "Palente - Orchamps", True),
    Area("25056", "Grette - Butte", True),
    Area("25056", "Battant", False),
    Area("25056", "Centre - Chapelle-des-Buis", False),
    Area("25056", "Autre quartier de Besançon", False),
    Area("21166", "Le Mail", True),
    Area("21166", "Autre quartier de Chenôve", False),
)


def area_choices() -> list[tuple[str, str]]:
    """Choices for a select, each labelled with its QPV status."""
    return [("", "—")] + [
        (area.name, f"{area.name} (QPV)" if area.qpv else area.name) for area in AREAS
    ]


def area_matches_commune(name: str, commune_code: str) -> bool:
    return any(a.name == name and a.commune_code == commune_code for a in AREAS)
