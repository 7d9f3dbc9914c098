"""A small valid catalog written to a temporary folder, to mutate into each kind of error."""

from pathlib import Path

VARIABLES = """\
variables:
  - name: age
    entity: person
    type: int
    label: {fr: Âge, en: Age}
    question: {fr: "Âge ?", en: "Age?"}
  - name: revenus
    entity: person
    type: float
    label: {fr: Revenus, en: Income}
    question: {fr: "Revenus ?", en: "Income?"}
  - name: commune
    entity: household
    type: enum
    values: ["25056", "autre"]
    label: {fr: Commune, en: Commune}
    question: {fr: "Commune ?", en: "Commune?"}
  - name: nb_enfants
    entity: household
    type: int
    label: {fr: Enfants, en: Children}
    aggregate: {function: count, where: age < 18}
  - name: ressources
    entity: household
    type: float
    label: {fr: Ressources, en: Resources}
    aggregate: {function: sum, of: revenus}
  - name: plus_jeune
    entity: household
    type: int
    label: {fr: Plus jeune, en: Youngest}
    aggregate: {function: min, of: age}
  - name: plus_vieux_adulte
    entity: household
    type: int
    label: {fr: Plus âgé des adultes, en: Oldest adult}
    aggregate: {function: max, of: age, where: age >= 18}
  - name: double_revenus
    entity: person
    type: float
    label: {fr: Double, en: Double}
    formula: revenus * 2
"""

COMMUNES = """\
code,name,epci_code,epci_name,departement_code,departement_name,source
25056,Besançon,242500361,Grand Besançon Métropole,25,Doubs,test
"""

ORGANISATIONS = """\
organisations:
  - {code: ccas-test, name: CCAS de test, kind: ccas, commune_code: "25056"}
"""

SCHEME = """\
id: aide
version: 1
title: {fr: Aide, en: Aid}
summary: {fr: Une aide, en: An aid}
provider: ccas-test
territory: {codes: ["25056"], label: {fr: Besançon, en: Besançon}}
entity: household
periodicity: monthly
start: 2020-01-01
parameters:
  seuil:
    label: {fr: Seuil, en: Threshold}
    values: {2020-01-01: 1000, 2024-01-01: 1200}
conditions:
  - id: commune
    label: {fr: Habiter Besançon, en: Live in Besançon}
    expression: commune = '25056'
  - id: ressources
    label: {fr: Sous le seuil, en: Below threshold}
    expression: ressources < seuil
amount:
  expression: GREATEST(0, seuil - ressources)
intake: {mode: application}
how_to_apply: {fr: Au CCAS, en: At the CCAS}
sources: [{seed: 000_b3d004416527df4a.txt, section: Test}]
"""


def write_catalog(
    root: Path,
    variables: str = VARIABLES,
    schemes: dict[str, str] | None = None,
    tests: dict[str, str] | None = None,
    organisations: str = ORGANISATIONS,
) -> Path:
    (root / "schemes").mkdir(parents=True, exist_ok=True)
    (root / "tests").mkdir(exist_ok=True)
    (root / "variables.yaml").write_text(variables, encoding="utf-8")
    (root / "organisations.yaml").write_text(organisations, encoding="utf-8")
    (root / "territory").mkdir(exist_ok=True)
    (root / "territory" / "communes.csv").write_text(COMMUNES, encoding="utf-8")
    for name, text in (schemes if schemes is not None else {"aide": SCHEME}).items():
        (root / "schemes" / f"{name}.yaml").write_text(text, encoding="utf-8")
    for name, text in (tests or {}).items():
        (root / "tests" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root
