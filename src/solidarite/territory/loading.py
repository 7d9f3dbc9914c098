"""Load the territory files into the database: areas first, then their figures.

Idempotent and atomic: run again after editing the files, the areas are updated in place and
their figures replaced; an error leaves the database as it was.
"""

from dataclasses import dataclass

from django.db import transaction

from solidarite.territory.files import FigureRow, TerritoryFiles, territory_files
from solidarite.territory.models import Area, Figure, Level


@dataclass(frozen=True)
class LoadReport:
    areas: int
    figures: int
    unmatched: int


def _area(level: str, code: str, name: str, **fields: object) -> Area:
    area, _created = Area.objects.update_or_create(
        level=level, code=code, defaults={"name": name, **fields}
    )
    return area


@transaction.atomic
def load_territory(files: TerritoryFiles | None = None) -> LoadReport:
    files = files or territory_files()
    spec = files.areas
    departements = {d.code: _area(Level.DEPARTEMENT, d.code, d.name) for d in spec.departements}
    epcis = {e.code: _area(Level.EPCI, e.code, e.name) for e in spec.epcis}
    aliases: dict[str, Area] = {}
    for e in spec.epcis:
        for alias in e.aliases:
            aliases[alias] = epcis[e.code]
    communes = {
        c.code: _area(
            Level.COMMUNE,
            c.code,
            c.name,
            parent=epcis.get(c.epci_code),
            departement=departements.get(c.departement_code),
        )
        for c in files.communes
    }
    qpvs = {}
    for q in spec.qpv:
        qpvs[q.code] = _area(Level.QPV, q.code, q.name, parent=communes[q.commune])
        for alias in q.aliases:
            aliases[alias] = qpvs[q.code]
    by_grand_quartier: dict[str, Area] = {}
    for quartier in spec.quartiers:
        area = _area(
            Level.QUARTIER,
            quartier.code,
            quartier.name,
            parent=communes[quartier.commune],
            qpv=qpvs.get(quartier.qpv or ""),
        )
        for alias in quartier.aliases:
            aliases[alias] = area
        if quartier.grand_quartier:
            by_grand_quartier[quartier.grand_quartier] = area
    if spec.iris.from_figures:
        for code, name in sorted({(f.code, f.name) for f in files.figures if f.level == "iris"}):
            commune = communes.get(code[:5])
            if commune is None:
                continue
            inferred = by_grand_quartier.get(code[:7])
            _area(
                Level.IRIS,
                code,
                name,
                parent=commune,
                quartier=inferred,
                quartier_inferred=inferred is not None,
            )
    figures, unmatched = _figures(files.figures, aliases)
    return LoadReport(Area.objects.count(), figures, unmatched)


def _target(row: FigureRow, aliases: dict[str, Area], by_code: dict[str, Area]) -> Area | None:
    if row.code and row.code in by_code:
        return by_code[row.code]
    return aliases.get(row.name)


def _figures(rows: list[FigureRow], aliases: dict[str, Area]) -> tuple[int, int]:
    """Replace every figure: a row goes to the area of its code, or of its name's alias; a row
    matching no declared area (a secteur, a national context figure) is left out and counted."""
    by_code: dict[str, Area] = {}
    for area in Area.objects.all():
        # Codes of different levels never collide (an EPCI's SIREN starts with 2, an IRIS with
        # its commune's code); should they, the first one loaded keeps the figures.
        by_code.setdefault(area.code, area)
    Figure.objects.all().delete()
    created = []
    unmatched = 0
    for row in rows:
        target = _target(row, aliases, by_code)
        if target is None:
            unmatched += 1
            continue
        created.append(
            Figure(
                area=target,
                indicator=row.indicator,
                value=row.value,
                unit=row.unit,
                year=row.year,
                source=row.source,
                note=row.note,
            )
        )
    Figure.objects.bulk_create(created, batch_size=500)
    return len(created), unmatched
