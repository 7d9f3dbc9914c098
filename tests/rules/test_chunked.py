"""Issue 13 (item 3) and 15 (item 7): a population larger than memory is evaluated in chunks of
whole households from Parquet, and gives exactly the results of the in-memory evaluation."""

from pathlib import Path

import polars as pl
import pytest

from solidarite.cli import main
from solidarite.paths import CATALOG_DIR
from solidarite.rules.catalog import load_catalog
from solidarite.rules.chunked import evaluate_in_chunks, synthetic_parts
from solidarite.rules.cli import split_population
from solidarite.rules.errors import InputError
from solidarite.rules.inputs import HOUSEHOLD_ID


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("population")
    synthetic_parts(folder, 3_000, per_part=1_000, seed=5)
    return folder


def test_chunks_give_the_in_memory_results(parts: Path, tmp_path: Path) -> None:
    catalog = load_catalog(CATALOG_DIR)
    run = evaluate_in_chunks(catalog, parts, tmp_path / "out", households_per_chunk=700)
    assert (run.households, run.chunks) == (3_000, 5)
    chunked = pl.read_parquet(tmp_path / "out" / "*.parquet").sort(HOUSEHOLD_ID)
    everyone = pl.read_parquet(parts / "*.parquet")
    households, persons = split_population(everyone, catalog)
    whole = catalog.evaluate_population(households, persons).sort(HOUSEHOLD_ID)
    assert chunked.height == 3_000
    assert chunked.equals(whole.select(chunked.columns))
    assert run.persons == everyone.height


def test_a_chunk_never_splits_a_household(parts: Path, tmp_path: Path) -> None:
    catalog = load_catalog(CATALOG_DIR)
    evaluate_in_chunks(catalog, parts, tmp_path / "out", households_per_chunk=333)
    ids = [pl.read_parquet(p)[HOUSEHOLD_ID] for p in sorted((tmp_path / "out").glob("*.parquet"))]
    seen: set[int] = set()
    for part in ids:
        assert not seen & set(part.to_list())
        seen |= set(part.to_list())
    assert len(seen) == 3_000


def test_only_parquet_is_read_in_chunks(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("household_id,age\n1,30\n")
    with pytest.raises(InputError, match="chunked evaluation reads Parquet"):
        evaluate_in_chunks(load_catalog(CATALOG_DIR), source, tmp_path / "out")


def test_the_command_line_evaluates_in_chunks(
    parts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["rules", "eval-population", str(parts), "--out", str(tmp_path / "out"), "--chunk", "1000"]
    )
    assert code == 0
    assert "3000 households" in capsys.readouterr().out
    assert len(list((tmp_path / "out").glob("part-*.parquet"))) == 3
