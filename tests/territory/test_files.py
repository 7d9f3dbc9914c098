"""Issue 16, item 1 and 9: the territory files load, and a broken one is refused with its file,
line and field, leaving nothing half-loaded."""

import shutil
from pathlib import Path

import pytest

from solidarite.rules.errors import CatalogError
from solidarite.territory.files import TERRITORY_DIR, load_files


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "territory"
    shutil.copytree(TERRITORY_DIR, folder)
    return folder


def test_the_shipped_territory_files_are_valid() -> None:
    files = load_files()
    assert {q.code for q in files.areas.qpv} >= {"QN02503M", "QN02101M"}
    assert {c.code for c in files.communes} == {"25056", "21166", "21231"}
    assert all(spec.public for spec in files.indicators.values())
    # Every figure keeps its source and year.
    assert all(f.source and f.year for f in files.figures)


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "indicators.yaml").write_text("indicators:\n  a: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_files(folder)
    assert "indicators.yaml:" in str(caught.value)
    assert "YAML syntax error" in str(caught.value)


def test_an_unknown_public_names_the_indicator_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "indicators.yaml").read_text(encoding="utf-8")
    (folder / "indicators.yaml").write_text(
        text.replace("public: elderly", "public: retirees", 1), encoding="utf-8"
    )
    with pytest.raises(CatalogError) as caught:
        load_files(folder)
    assert "public" in str(caught.value)
    assert "retirees" in str(caught.value) or "elderly" in str(caught.value)


def test_a_quartier_naming_an_unknown_priority_district_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "areas.yaml").read_text(encoding="utf-8")
    (folder / "areas.yaml").write_text(
        text.replace("qpv: QN02503M", "qpv: QN99999X", 1), encoding="utf-8"
    )
    with pytest.raises(CatalogError, match=r"quartiers\[0\]\.qpv.*QN99999X"):
        load_files(folder)


def test_a_non_finite_figure_names_its_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    with (folder / "figures" / "communes.csv").open("a", encoding="utf-8") as handle:
        handle.write("25056,Besançon,commune,households,NaN,households,2022,src,\n")
    lines = (folder / "figures" / "communes.csv").read_text(encoding="utf-8").count("\n")
    with pytest.raises(CatalogError) as caught:
        load_files(folder)
    assert f"communes.csv:{lines}: value: not a finite number" in str(caught.value)
