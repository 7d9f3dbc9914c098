"""Issue 16, item 1: communes, EPCI, QPV (2024 codes), quartiers and IRIS, with populations
from the shipped figures; a person's quartier is one of these areas."""

from typing import Any

import pytest

from solidarite.cases.areas import AREAS
from solidarite.territory.files import quartier_specs
from solidarite.territory.loading import load_territory
from solidarite.territory.models import Area, Figure, Level
from solidarite.territory.needs import latest_value

pytestmark = pytest.mark.django_db


def test_areas_hang_together(territory: Any) -> None:
    besancon = Area.objects.get(level=Level.COMMUNE, code="25056")
    assert besancon.parent is not None
    assert besancon.parent.code == "242500361"
    assert besancon.departement is not None
    assert besancon.departement.code == "25"
    planoise = Area.objects.get(level=Level.QUARTIER, code="besancon-planoise")
    assert planoise.qpv is not None
    assert planoise.qpv.code == "QN02503M"
    assert Area.objects.filter(level=Level.QPV).count() == 7
    iris = Area.objects.get(level=Level.IRIS, code="250561201")
    assert iris.parent == besancon
    assert iris.quartier == planoise
    assert iris.quartier_inferred
    assert Area.objects.filter(level=Level.IRIS).count() == 53


def test_populations_are_the_latest_published_figures(territory: Any) -> None:
    besancon = Area.objects.get(level=Level.COMMUNE, code="25056")
    population = latest_value(besancon, "population_municipal")
    assert population is not None
    assert (population.value, population.year) == (120057, "2022")
    qpv = Area.objects.get(level=Level.QPV, code="QN02503M")
    figure = latest_value(qpv, "population_municipal_qpv")
    assert figure is not None
    assert figure.value == 15603
    assert "analyse_qpv" in figure.source


def test_loading_twice_changes_nothing(territory: Any) -> None:
    areas, figures = Area.objects.count(), Figure.objects.count()
    load_territory()
    assert (Area.objects.count(), Figure.objects.count()) == (areas, figures)


def test_a_persons_quartier_is_an_area_of_the_territory() -> None:
    names = {(spec.commune, spec.name) for spec in quartier_specs()}
    assert {(a.commune_code, a.name) for a in AREAS} == names
    qpv = {a.name: a.qpv for a in AREAS if a.commune_code == "25056"}
    # The 2024 list: Battant entered, Cité Brûlard (Grette) left.
    assert qpv["Battant"] is True
    assert qpv["Grette - Butte"] is False
