"""Labels of the data·inclusion vocabulary, read from the `data-inclusion-schema` package.

The schema's labels are French; the interface's English pages show the same labels with the
code beside them rather than a translation of our own that could drift from the national one.
"""

from functools import lru_cache

from data_inclusion.schema.v1 import (
    Categorie,
    Frais,
    ModeAccueil,
    ModeMobilisation,
    Public,
    Thematique,
)


@lru_cache(maxsize=1)
def thematique_labels() -> dict[str, str]:
    return {t.value: t.label for t in Thematique}


@lru_cache(maxsize=1)
def categorie_labels() -> dict[str, str]:
    return {c.value: c.label for c in Categorie}


@lru_cache(maxsize=1)
def public_labels() -> dict[str, str]:
    return {p.value: p.label for p in Public}


def fee_label(code: str) -> str:
    return str({f.value: f.label for f in Frais}.get(code, ""))


def mode_label(code: str) -> str:
    return str({m.value: m.label for m in ModeAccueil}.get(code, code))


def mobilisation_label(code: str) -> str:
    return str({m.value: m.label for m in ModeMobilisation}.get(code, code))


def category_of(thematique: str) -> str:
    """'equipement-et-alimentation--alimentation' belongs to 'equipement-et-alimentation'."""
    return thematique.split("--", 1)[0]
