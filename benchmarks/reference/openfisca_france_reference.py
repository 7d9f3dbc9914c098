"""OpenFisca-France's answers for households written in Solidarité's input format.

Runs in the reference virtualenv (`.venv-reference`, `make reference`), never in the
application's. Reads JSON from stdin: {"date": "YYYY-MM-DD", "households": [{"household": {...},
"persons": [...]}]}; writes one JSON object per household with the national benefits
OpenFisca-France computes for the month of the date (ARS: for the rentrée of the date's year).

What the simulator asks becomes OpenFisca inputs as follows (the same conventions as the
catalog's national schemes, docs/rules.md):
- ages -> birth dates on 1 January, so that the age holds over the three months of reference
  and up to December (the ARS counts ages in December of the school year);
- `revenus_activite_mensuels` -> net and gross salary (the same amount) on the month and the
  three before it; the rest of `revenus_mensuels` -> unemployment benefit before 62, pension from
  62 (net and gross alike);
- the family-benefit resource base (N-2 taxable income, which the simulator cannot ask) is set
  to twelve times the household's monthly resources, as the catalog approximates it;
- housing: `statut_logement` and `percoit_aide_logement` (a housing aid larger than the forfait);
- benefits the catalog does not model yet (PAJE, complément familial, ASF) are set to 0;
- `tranche_imposition` -> the tax household's `ir_tranche` two years before (the CEJ), and
  `etudiant` -> the activity status `activite` too; the CEJ allowance of each member is summed
  over the household.
"""

import datetime as dt
import json
import sys
from typing import Any

from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_france import FranceTaxBenefitSystem

RETIREMENT_AGE = 62
TAX_BRACKETS = {"tranche_0": 0, "tranche_11": 1, "au_dela": 2}
HOUSING = {
    "locataire": "locataire_vide",
    "proprietaire": "proprietaire",
    "heberge_gratuitement": "loge_gratuitement",
}


def _months_before(month: dt.date, count: int) -> list[str]:
    out = []
    year, number = month.year, month.month
    for _ in range(count):
        number -= 1
        if number == 0:
            year, number = year - 1, 12
        out.append(f"{year}-{number:02d}")
    return out


def _birth(date: dt.date, age: int) -> str:
    """Born on 1 January: the age holds from January to December of the date's year (the
    three months of reference of a date from April on, and the school year's December)."""
    return f"{date.year - age}-01-01"


def situation(households: list[dict[str, Any]], date: dt.date) -> dict[str, Any]:
    month = f"{date.year}-{date.month:02d}"
    # Twelve months before: the complémentaire santé solidaire reads the resources of the last
    # twelve months, and the CEJ the RSA and prime d'activité of the three months before.
    months = [month, *_months_before(date, 12)]
    individus: dict[str, Any] = {}
    familles: dict[str, Any] = {}
    foyers: dict[str, Any] = {}
    menages: dict[str, Any] = {}
    for index, entry in enumerate(households):
        household = entry["household"]
        parents, children = [], []
        monthly_total = 0.0
        for number, person in enumerate(entry["persons"]):
            name = f"h{index}p{number}"
            age = int(person["age"])
            activity = float(person.get("revenus_activite_mensuels") or 0)
            other = max(0.0, float(person.get("revenus_mensuels") or 0) - activity)
            monthly_total += activity + other
            values: dict[str, Any] = {
                "date_naissance": {"ETERNITY": _birth(date, age)},
                "salaire_net": dict.fromkeys(months, activity),
                "salaire_de_base": dict.fromkeys(months, activity),
                "etudiant": dict.fromkeys(months, bool(person.get("etudiant"))),
                # The CEJ reads the activity status, not `etudiant`.
                "activite": dict.fromkeys(
                    months, "etudiant" if person.get("etudiant") else "inactif"
                ),
            }
            if age >= RETIREMENT_AGE:
                values["retraite_nette"] = dict.fromkeys(months, other)
                values["retraite_brute"] = dict.fromkeys(months, other)
            else:
                values["chomage_net"] = dict.fromkeys(months, other)
            individus[name] = values
            (children if person["role"] == "enfant_a_charge" else parents).append(name)
        resources = 12 * monthly_total
        familles[f"f{index}"] = {
            "parents": parents,
            "enfants": children,
            "prestations_familiales_base_ressources": dict.fromkeys(
                [*months, f"{date.year}-01", f"{date.year}-10"], resources
            ),
            "aide_logement": dict.fromkeys(
                months, 400.0 if household.get("percoit_aide_logement") else 0.0
            ),
            "paje_base": dict.fromkeys(months, 0.0),
            "cf": dict.fromkeys(months, 0.0),
            "asf": dict.fromkeys(months, 0.0),
            "rsa_forfait_asf": dict.fromkeys(months, 0.0),
        }
        foyers[f"ff{index}"] = {
            "declarants": parents,
            "personnes_a_charge": children,
            # The CEJ reads the bracket of the tax household's income two years before.
            "ir_tranche": {
                str(date.year - 2): TAX_BRACKETS[household.get("tranche_imposition", "tranche_0")]
            },
        }
        menages[f"m{index}"] = {
            "personne_de_reference": parents[:1],
            "conjoint": parents[1:2],
            "enfants": children,
            "statut_occupation_logement": dict.fromkeys(
                months,
                HOUSING.get(household.get("statut_logement", "locataire"), "locataire_vide"),
            ),
        }
    return {
        "individus": individus,
        "familles": familles,
        "foyers_fiscaux": foyers,
        "menages": menages,
    }


def compute(households: list[dict[str, Any]], date: dt.date) -> list[dict[str, float]]:
    system = FranceTaxBenefitSystem()
    simulation = SimulationBuilder().build_from_entities(system, situation(households, date))
    month = f"{date.year}-{date.month:02d}"
    results = {
        "rsa": simulation.calculate("rsa", month),
        "prime_activite": simulation.calculate("ppa", month),
        "allocations_familiales": simulation.calculate("af", month),
        "aspa": simulation.calculate("aspa", month),
        # A person's allowance, summed over the household (its only family).
        "cej": simulation.populations["famille"].sum(
            simulation.calculate("contrat_engagement_jeune", month)
        ),
        # The school year starting in the date's year (the next rentrée from January to August).
        "ars": simulation.calculate("ars", str(date.year)),
    }
    # The complémentaire santé solidaire: free (CMU-C) or with a participation, which is what
    # the household pays (0 when free); its eligibility is compared too.
    free = simulation.calculate("cmu_c", month)
    participation = simulation.calculate("css_participation_forfaitaire", month)
    results["css"] = participation * (1 - free)
    answers = [
        {name: round(float(values[index]), 2) for name, values in results.items()}
        for index in range(len(households))
    ]
    for index, answer in enumerate(answers):
        answer["css__eligible"] = bool(free[index]) or bool(participation[index] > 0)
    return answers


def main() -> None:
    request = json.load(sys.stdin)
    date = dt.date.fromisoformat(request["date"])
    json.dump(compute(request["households"], date), sys.stdout)


if __name__ == "__main__":
    main()
