"""Issue 16, item 2: the directory in and out in data·inclusion JSON, validated by the
data-inclusion-schema package; a bad file is refused as a whole with the item and the field."""

import json
from pathlib import Path
from typing import Any

import pytest
from data_inclusion.schema.v1 import Service as DiService
from data_inclusion.schema.v1 import Structure as DiStructure

from solidarite.rules.errors import CatalogError
from solidarite.territory.exchange import EXTENSION, export_places, import_places
from solidarite.territory.files import TERRITORY_DIR
from solidarite.territory.models import Place, Service, Visibility

pytestmark = pytest.mark.django_db
SHIPPED = json.loads((TERRITORY_DIR / "places.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "places.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_demo_loads_real_places_and_marks_fictitious_ones(territory: Any) -> None:
    real = Place.objects.filter(fictitious=False)
    assert real.filter(name__contains="France Services Besançon-Planoise").exists()
    assert real.get(slug="coeur-bonbi").commune.code == "21166"
    # Every fictitious place says so in its name.
    for place in Place.objects.filter(fictitious=True):
        assert (
            "fictif" in place.name.lower()
            or "fictive" in place.name.lower()
            or (place.visibility == Visibility.CONFIDENTIAL)
        )
    # Real places carry no invented hours: hours come only from a source.
    assert not real.exclude(opening_hours="").exists()


def test_the_export_is_valid_data_inclusion_and_round_trips(territory: Any, tmp_path: Path) -> None:
    exported = export_places()
    for item in exported["structures"]:
        DiStructure.model_validate({k: v for k, v in item.items() if k != EXTENSION})
    for item in exported["services"]:
        DiService.model_validate({k: v for k, v in item.items() if k != EXTENSION})
    Place.objects.all().delete()
    import_places(_write(tmp_path, exported))
    assert export_places() == exported


def test_only_public_places_are_exported(territory: Any) -> None:
    names = {s["nom"] for s in export_places()["structures"]}
    hidden = Place.objects.exclude(visibility=Visibility.PUBLIC)
    assert hidden.count() == 2
    assert not names & set(hidden.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["services"][0].update(thematiques=["manger"]), "services[0].thematiques"),
        (
            lambda d: d["services"][0].update(publics=["tous-publics", "jeunes"]),
            "services[0].publics",
        ),
        (
            lambda d: d["structures"][0].update(horaires_accueil="Lu 9h-12h"),
            "structures[0].horaires_accueil",
        ),
        (lambda d: d["structures"][0].update(code_postal="250"), "structures[0].code_postal"),
        (lambda d: d["structures"][1].update(horaire="Mo 09:00-12:00"), "structures[1].horaire"),
        (
            lambda d: d["structures"][0][EXTENSION].update(area="atlantis"),
            "structures[0].x-solidarite",
        ),
        (lambda d: d["services"][1].update(structure_id="nowhere--1"), "services[1].structure_id"),
        (
            lambda d: d["structures"][0][EXTENSION].update(visibility="secret"),
            "structures[0].visibility",
        ),
    ],
)
def test_a_bad_item_names_itself_and_nothing_is_written(
    territory: Any, tmp_path: Path, change: Any, where: str
) -> None:
    data = json.loads(json.dumps(SHIPPED))
    data["structures"][0]["nom"] = "Un nom qui ne doit pas arriver en base"
    change(data)
    before = (Place.objects.count(), Service.objects.count())
    with pytest.raises(CatalogError) as caught:
        import_places(_write(tmp_path, data))
    assert where in str(caught.value)
    assert "places.json" in str(caught.value)
    assert (Place.objects.count(), Service.objects.count()) == before
    assert not Place.objects.filter(name="Un nom qui ne doit pas arriver en base").exists()


def test_a_file_that_is_not_json_or_too_large_is_refused(territory: Any, tmp_path: Path) -> None:
    path = tmp_path / "places.json"
    path.write_text('{"structures": [', encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid JSON"):
        import_places(path)
    path.write_text('{"structures": [], "pad": "' + "x" * 5_000_001 + '"}', encoding="utf-8")
    with pytest.raises(CatalogError, match="larger than 5 MB"):
        import_places(path)
