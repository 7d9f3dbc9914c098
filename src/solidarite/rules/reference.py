"""The national schemes against the reference model, OpenFisca-France, household by household.

Random households (compositions, ages, earnings and other resources, students, housing) are
evaluated by our engine and by OpenFisca-France, which runs in a virtualenv of its own
(`.venv-reference`, `make reference`: it pins versions of openfisca-core and pytest that differ
from ours, and it is never a runtime dependency) through
`benchmarks/reference/openfisca_france_reference.py`. Each benefit agrees when both amounts are
within 1 EUR (an undecided answer of ours never agrees). The disagreements are written to a
report with the household, both answers and our explanation.
"""

import datetime as dt
import json
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from solidarite.paths import PROJECT_DIR
from solidarite.rules.catalog import Catalog

# Our scheme id -> the benefit the reference script returns under the same name.
BENEFITS = ("rsa", "prime_activite", "allocations_familiales", "ars", "aspa", "cej", "css")
TOLERANCE = 1.0
REFERENCE_SCRIPT = PROJECT_DIR / "benchmarks" / "reference" / "openfisca_france_reference.py"
REFERENCE_PYTHON = Path(
    os.environ.get("SOLIDARITE_REFERENCE_PYTHON", PROJECT_DIR / ".venv-reference/bin/python")
)
HOUSING = ("locataire", "proprietaire", "heberge_gratuitement")
TAX_BRACKETS = ("tranche_0", "tranche_11", "au_dela")


def random_households(count: int, seed: int) -> list[dict[str, Any]]:
    """Households the simulator could describe: a single person or a couple, up to four
    children under 20, earnings and other resources (unemployment benefit or pension), students,
    housing status and housing benefit. Seeded: the same seed gives the same households."""
    rng = np.random.default_rng(seed)
    households = []
    for _ in range(count):
        couple = rng.random() < 0.45
        children = int(rng.choice([0, 0, 1, 2, 2, 3, 4])) if rng.random() < 0.6 else 0
        elderly = children == 0 and rng.random() < 0.25
        first_age = int(rng.integers(62, 95) if elderly else rng.integers(18, 60))
        persons = [_adult(rng, "demandeur", first_age)]
        if couple:
            second_age = int(np.clip(first_age + rng.integers(-6, 7), 18, 99))
            persons.append(_adult(rng, "conjoint", second_age))
        youngest_parent = min(p["age"] for p in persons)
        for _child in range(children):
            age = int(rng.integers(0, min(20, max(1, youngest_parent - 15))))
            persons.append(
                {
                    "role": "enfant_a_charge",
                    "age": age,
                    "revenus_mensuels": 0.0,
                    "revenus_activite_mensuels": 0.0,
                    "etudiant": False,
                }
            )
        housing = str(rng.choice(HOUSING, p=[0.7, 0.2, 0.1]))
        households.append(
            {
                "household": {
                    "commune_residence": "autre",
                    "duree_residence_mois": 36,
                    "statut_logement": housing,
                    "percoit_aide_logement": bool(housing == "locataire" and rng.random() < 0.5),
                    "tranche_imposition": str(rng.choice(TAX_BRACKETS, p=[0.6, 0.3, 0.1])),
                },
                "persons": persons,
            }
        )
    return households


def _adult(rng: np.random.Generator, role: str, age: int) -> dict[str, Any]:
    works = age < 67 and rng.random() < 0.55
    earnings = float(round(rng.uniform(100, 3200))) if works else 0.0
    other_chance = 0.9 if age >= 62 else 0.3
    other = float(round(rng.uniform(50, 1600))) if rng.random() < other_chance else 0.0
    return {
        "role": role,
        "age": age,
        "revenus_mensuels": earnings + other,
        "revenus_activite_mensuels": earnings,
        "etudiant": bool(age < 26 and rng.random() < 0.3),
    }


def reference_answers(
    households: Sequence[dict[str, Any]], date: dt.date, python: Path = REFERENCE_PYTHON
) -> list[dict[str, Any]]:
    """OpenFisca-France's amounts, computed in the reference virtualenv."""
    request = json.dumps({"date": date.isoformat(), "households": list(households)})
    done = subprocess.run(
        [str(python), str(REFERENCE_SCRIPT)],
        input=request,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the reference model failed:\n{done.stderr[-4000:]}")
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    return answers


@dataclass
class Agreement:
    date: dt.date
    households: int
    agreeing: dict[str, int] = field(default_factory=dict)
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    def rate(self, benefit: str) -> float:
        return self.agreeing.get(benefit, 0) / self.households if self.households else 0.0


def ours(catalog: Catalog, household: dict[str, Any], date: dt.date) -> dict[str, list[Any]]:
    """Our results per benefit: one for a household benefit, one per member for a person's."""
    result = catalog.evaluate(household, date, questions=False)
    found: dict[str, list[Any]] = {}
    for scheme_result in result.results:
        if scheme_result.scheme_id in BENEFITS:
            found.setdefault(scheme_result.scheme_id, []).append(scheme_result)
    return found


def household_amount(results: Sequence[Any]) -> float | None:
    """The benefit's monthly amount for the household (a person benefit summed over its
    members); None while any member's answer is undecided."""
    total = 0.0
    for result in results:
        if result.eligible is None:
            return None
        total += float(result.amount or 0.0) if result.eligible else 0.0
    return total


def compare(
    catalog: Catalog,
    households: Sequence[dict[str, Any]],
    date: dt.date,
    reference: Sequence[dict[str, Any]],
) -> Agreement:
    agreement = Agreement(date, len(households), dict.fromkeys(BENEFITS, 0))
    for household, expected in zip(households, reference, strict=True):
        results = ours(catalog, household, date)
        for benefit in BENEFITS:
            amount = household_amount(results[benefit])
            # A benefit whose amount is a contribution (the CSS: 0 when free) also compares
            # its eligibility, which the amount alone does not tell.
            eligible = expected.get(f"{benefit}__eligible")
            if eligible is not None and any(r.eligible is not eligible for r in results[benefit]):
                amount = None if amount is None else -1.0
            if amount is not None and abs(amount - expected[benefit]) <= TOLERANCE:
                agreement.agreeing[benefit] += 1
                continue
            agreement.disagreements.append(
                {
                    "benefit": benefit,
                    "household": household,
                    "reference": expected[benefit],
                    "ours": amount,
                    "explanation": [result.to_dict() for result in results[benefit]],
                }
            )
    return agreement


def write_report(agreements: Sequence[Agreement], path: Path) -> None:
    """Every disagreement, readable: the household, both answers, our explanation."""
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "dates": [
            {
                "date": a.date.isoformat(),
                "households": a.households,
                "agreement": {b: round(a.rate(b), 4) for b in BENEFITS},
                "disagreements": a.disagreements,
            }
            for a in agreements
        ]
    }
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
