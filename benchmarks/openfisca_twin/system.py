"""Entities, variables and parameters of the OpenFisca twin, and a runner for a population."""

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
from openfisca_core.entities import build_entity
from openfisca_core.model_api import MONTH, Variable, max_
from openfisca_core.parameters import ParameterNode
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from solidarite.rules.catalog import Catalog

Household = build_entity(
    key="household",
    plural="households",
    label="Household",
    roles=[{"key": "member", "plural": "members", "label": "Member"}],
)
Person = build_entity(key="person", plural="persons", label="Person", is_person=True)


def _input(name: str, kind: type, entity: Any) -> type[Variable]:
    return type(
        name,
        (Variable,),
        {"value_type": kind, "entity": entity, "definition_period": MONTH, "label": name},
    )


PERSON_INPUTS = {
    "age": int,
    "revenus_mensuels": float,
    "percoit_rsa": bool,
    "percoit_garantie_jeunes": bool,
    "percoit_are": bool,
    "percoit_aah": bool,
    "etudiant": bool,
    "eleve_cm1_chenove": bool,
    "agent_municipal_chenove": bool,
}
HOUSEHOLD_INPUTS = {"commune_residence": str, "duree_residence_mois": int}


def _derived(name: str, entity: Any, kind: type, formula: Any) -> type[Variable]:
    return type(
        name,
        (Variable,),
        {
            "value_type": kind,
            "entity": entity,
            "definition_period": MONTH,
            "label": name,
            "formula": formula,
        },
    )


def _count(condition: Any) -> Any:
    return lambda household, period: household.sum(condition(household.members, period))


DERIVED = [
    (
        "percoit_minimum_social",
        Person,
        bool,
        lambda p, t: p("percoit_rsa", t) + p("percoit_aah", t) > 0,
    ),
    ("nb_14_ans_et_plus", Household, int, _count(lambda m, t: m("age", t) >= 14)),
    ("nb_moins_14_ans", Household, int, _count(lambda m, t: m("age", t) < 14)),
    ("nb_mineurs", Household, int, _count(lambda m, t: m("age", t) < 18)),
    (
        "ressources_mensuelles_foyer",
        Household,
        float,
        lambda h, t: h.sum(h.members("revenus_mensuels", t)),
    ),
    (
        "uc",
        Household,
        float,
        lambda h, t: (
            1 + 0.5 * max_(h("nb_14_ans_et_plus", t) - 1, 0) + 0.3 * h("nb_moins_14_ans", t)
        ),
    ),
    (
        "revenu_par_uc",
        Household,
        float,
        lambda h, t: h("ressources_mensuelles_foyer", t) / h("uc", t),
    ),
    ("commune_du_foyer", Person, str, lambda p, t: p.household("commune_residence", t)),
    ("revenu_par_uc_du_foyer", Person, float, lambda p, t: p.household("revenu_par_uc", t)),
]


def _in(person: Any, period: Any, code: str) -> Any:
    return person("commune_du_foyer", period) == code


def _household_in(household: Any, period: Any, code: str) -> Any:
    return household("commune_residence", period) == code


def _p(period: Any, parameters: Any, scheme: str) -> Any:
    return getattr(parameters(period.start), scheme)


SCHEMES: list[tuple[str, Any, Any, Any]] = [
    # (scheme id, entity, eligibility formula, amount formula or None)
    (
        "aide_jeunes_besancon",
        Person,
        lambda p, t, par: (
            (p("age", t) >= _p(t, par, "aide_jeunes_besancon").age_minimum)
            * (p("age", t) <= _p(t, par, "aide_jeunes_besancon").age_maximum)
            * _in(p, t, "25056")
            * ~p("percoit_rsa", t)
            * ~p("percoit_garantie_jeunes", t)
            * ~p("percoit_are", t)
            * (p("revenus_mensuels", t) <= _p(t, par, "aide_jeunes_besancon").plafond_ressources)
        ),
        lambda p, t, par: _p(t, par, "aide_jeunes_besancon").montant_mensuel,
    ),
    (
        "rmg_chenove",
        Household,
        lambda h, t, par: (
            _household_in(h, t, "21166")
            * (
                h("duree_residence_mois", t)
                >= _p(t, par, "rmg_chenove").duree_residence_minimum_mois
            )
            * (
                h("ressources_mensuelles_foyer", t)
                < _p(t, par, "rmg_chenove").seuil_par_uc * h("uc", t)
            )
        ),
        lambda h, t, par: max_(
            0,
            _p(t, par, "rmg_chenove").seuil_par_uc * h("uc", t)
            - h("ressources_mensuelles_foyer", t),
        ),
    ),
    (
        "rme_chenove",
        Person,
        lambda p, t, par: (
            _in(p, t, "21166")
            * p("etudiant", t)
            * (p("age", t) <= _p(t, par, "rme_chenove").age_maximum)
            * (p("revenu_par_uc_du_foyer", t) <= _p(t, par, "rme_chenove").plafond_revenu_par_uc)
        ),
        lambda p, t, par: _p(t, par, "rme_chenove").montant_annuel,
    ),
    (
        "pack_rentree_solidaire",
        Person,
        lambda p, t, par: (
            p("etudiant", t)
            * _in(p, t, "25056")
            * (
                p("revenu_par_uc_du_foyer", t)
                <= _p(t, par, "pack_rentree_solidaire").plafond_revenu_par_uc
            )
        ),
        None,
    ),
    (
        "ginko_gratuite_jeunes",
        Person,
        lambda p, t, par: (
            (p("age", t) < _p(t, par, "ginko_gratuite_jeunes").age_limite) * _in(p, t, "25056")
        ),
        None,
    ),
    (
        "ginko_tarif_solidaire",
        Person,
        lambda p, t, par: p("percoit_minimum_social", t) * _in(p, t, "25056"),
        None,
    ),
    (
        "mutuelle_municipale_chenove",
        Person,
        lambda p, t, par: _in(p, t, "21166") + p("agent_municipal_chenove", t) > 0,
        None,
    ),
    ("chromebook_cm1_chenove", Person, lambda p, t, par: p("eleve_cm1_chenove", t), None),
    (
        "prets_numeriques_besancon",
        Household,
        lambda h, t, par: (
            _household_in(h, t, "25056")
            * (h("nb_mineurs", t) >= 1)
            * (
                h("revenu_par_uc", t)
                <= _p(t, par, "prets_numeriques_besancon").plafond_revenu_par_uc
            )
        ),
        None,
    ),
    (
        "aide_alimentaire_estivale",
        Household,
        lambda h, t, par: (
            _household_in(h, t, "25056")
            * (
                h("revenu_par_uc", t)
                <= _p(t, par, "aide_alimentaire_estivale").plafond_revenu_par_uc
            )
        ),
        None,
    ),
]

SCHEME_OUTPUTS = {
    scheme: (entity.key, f"{scheme}__eligible", f"{scheme}__amount" if amount else None)
    for scheme, entity, _, amount in SCHEMES
}


def _paid(scheme: str, amount: Any) -> Any:
    """The amount where eligible, 0 elsewhere (OpenFisca formulas take exactly 3 arguments)."""

    def formula(entity: Any, period: Any, parameters: Any) -> Any:
        return entity(f"{scheme}__eligible", period) * amount(entity, period, parameters)

    return formula


def _scheme_variables() -> list[type[Variable]]:
    variables = []
    for scheme, entity, eligible, amount in SCHEMES:
        variables.append(_derived(f"{scheme}__eligible", entity, bool, eligible))
        if amount is not None:
            variables.append(_derived(f"{scheme}__amount", entity, float, _paid(scheme, amount)))
    return variables


def _parameters(catalog: Catalog) -> ParameterNode:
    data = {
        scheme.id: {
            name: {"values": {day.isoformat(): value for day, value in p.spec.values.items()}}
            for name, p in scheme.parameters.items()
        }
        for scheme in catalog.schemes.values()
        if scheme.parameters
    }
    return ParameterNode("", data=data)


class TwinSystem(TaxBenefitSystem):  # type: ignore[misc]
    def __init__(self, catalog: Catalog) -> None:
        super().__init__([Household, Person])
        for name, kind in PERSON_INPUTS.items():
            self.add_variable(_input(name, kind, Person))
        for name, kind in HOUSEHOLD_INPUTS.items():
            self.add_variable(_input(name, kind, Household))
        for name, entity, kind, formula in DERIVED:
            self.add_variable(_derived(name, entity, kind, formula))
        for variable in _scheme_variables():
            self.add_variable(variable)
        self.parameters = _parameters(catalog)


def build_system(catalog: Catalog) -> TwinSystem:
    return TwinSystem(catalog)


def run_population(
    system: TwinSystem, households: pl.DataFrame, persons: pl.DataFrame, date: dt.date
) -> pl.DataFrame:
    """Every scheme over a population, as one row per household like the engine's output."""
    period = f"{date.year:04d}-{date.month:02d}"
    builder = SimulationBuilder()
    builder.create_entities(system)
    person_ids = np.arange(persons.height)
    builder.declare_person_entity("person", person_ids)
    household_ids = households["household_id"].to_numpy()
    instance = builder.declare_entity("household", household_ids)
    builder.join_with_persons(
        instance, persons["household_id"].to_numpy(), ["member"] * persons.height
    )
    simulation = builder.build(system)
    for name in PERSON_INPUTS:
        simulation.set_input(name, period, persons[name].to_numpy())
    for name in HOUSEHOLD_INPUTS:
        values = households[name].to_numpy()
        simulation.set_input(
            name, period, values.astype(object) if values.dtype.kind in "OU" else values
        )
    columns: dict[str, Any] = {"household_id": household_ids}
    household = simulation.populations["household"]
    for entity, eligible, amount in SCHEME_OUTPUTS.values():
        if entity == "household":
            columns[eligible] = simulation.calculate(eligible, period)
            if amount:
                columns[amount] = simulation.calculate(amount, period)
        else:
            columns[eligible] = household.any(simulation.calculate(eligible, period))
            if amount:
                columns[amount] = household.sum(simulation.calculate(amount, period))
    return pl.DataFrame(columns)
