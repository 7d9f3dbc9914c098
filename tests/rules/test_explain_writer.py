"""The function written per scheme for the API's explanations (`rules/explain_writer.py`) writes
what the result objects write: the same JSON, byte for byte, whatever value a line reads."""

import datetime as dt
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solidarite.rules import household as household_engine
from solidarite.rules import intervals as iv
from solidarite.rules.catalog import Catalog, load_catalog
from solidarite.rules.explain import Evaluation, explain, explain_all_json, explain_json

from .test_properties import CATALOG, DATES, HOUSEHOLDS

# What a line may read, the values Python finds equal but JSON writes apart among them.
VALUES = [
    iv.constant(0.0),
    iv.constant(-0.0),
    iv.constant(1.0),
    iv.constant(True),
    iv.constant(False),
    iv.Value("num", -0.0, 0.0),
    iv.Value("num", 0.0, -0.0, True, True),
    iv.Value("num", 5.0, float("inf")),
    iv.Value("bool", False, True),
    iv.Value("text", "locataire", "locataire"),
    iv.NULL,
]


# The documentation's catalog has what the project's does not: scales, whose lines show the
# bracket their base reaches, and names the scheme computes itself.
EXAMPLES = load_catalog(Path(__file__).resolve().parents[2] / "docs" / "examples" / "catalog")
MAYBE = st.none()


def _evaluation(household: dict[str, Any], date: dt.date, catalog: Catalog = CATALOG) -> Evaluation:
    answers, persons, values, _ = catalog._inputs(household, date, None, "household")
    order, space, variables = catalog.ordered, catalog.space, catalog.variables
    state = household_engine.run(variables, order, space, answers, persons, date, values)
    deciding = household_engine.deciding(
        variables, order, space, answers, persons, date, values, state
    )
    return Evaluation(catalog, state, values, date, deciding)


def _both(evaluation: Evaluation) -> list[tuple[bytes, bytes]]:
    """Each result as the API writes it (`explain_all_json`, and `explain_json` alone) and as
    its object writes it."""
    found = []
    written = explain_all_json(evaluation)
    outcomes = evaluation.state.outcomes.items()
    for each, ((scheme_id, member), outcome) in zip(written, outcomes, strict=True):
        scheme = evaluation.catalog.schemes[scheme_id]
        alone = orjson.dumps(explain_json(evaluation, scheme, member, outcome))
        built = explain(evaluation, scheme, member, outcome).to_dict(shared=True)
        assert alone == orjson.dumps(each)
        found.append((orjson.dumps(each), orjson.dumps(built)))
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(household=HOUSEHOLDS, date=DATES, data=st.data())
def test_the_written_explanation_is_the_objects_json_whatever_a_line_reads(
    household: dict[str, Any], date: dt.date, data: st.DataObject
) -> None:
    evaluation = _evaluation(household, date)
    for written, built in _both(evaluation):
        assert written == built
    # Each name a line may read given another value in turn, twice (the second time from the
    # lines kept): -0.0 after 0.0, 1.0 after True, never the other's line.
    state = evaluation.state
    names = sorted(state.household) + [
        f"{index}:{name}" for index, person in enumerate(state.persons) for name in person
    ]
    for name in data.draw(st.lists(st.sampled_from(names), max_size=6, unique=True)):
        for value in data.draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=4)):
            home, persons = dict(state.household), [dict(p) for p in state.persons]
            index, _, own = name.rpartition(":")
            (home if not index else persons[int(index)])[own] = value
            changed = household_engine.State(home, persons, state.outcomes, state.person_values)
            other = Evaluation(CATALOG, changed, evaluation.values, date, evaluation.deciding)
            for _ in range(2):
                for written, built in _both(other):
                    assert written == built


def test_a_line_of_minus_zero_is_written_as_such_after_a_zero() -> None:
    """A line kept for 0.0 is never given for -0.0 (they are one key of a dict)."""
    evaluation = _evaluation(
        {"household": {"commune_residence": "25056"}, "persons": [{"age": 19}]},
        dt.date(2024, 3, 1),
    )
    state = evaluation.state
    seen = []
    for value in (0.0, -0.0, 0.0, -0.0):
        persons = [{**state.persons[0], "revenus_activite_mensuels": iv.constant(value)}]
        changed = household_engine.State(
            state.household, persons, state.outcomes, state.person_values
        )
        other = Evaluation(CATALOG, changed, evaluation.values, evaluation.date, {})
        answers = b"".join(written for written, _ in _both(other))
        seen.append(b'"name":"revenus_activite_mensuels"' in answers and b'"value":-0.0' in answers)
    assert seen == [False, True, False, True]


EXAMPLE_HOUSEHOLDS = st.fixed_dictionaries(
    {
        "household": st.fixed_dictionaries(
            {
                "commune_residence": st.sampled_from(["21166", "25056"]),
                "quotient_familial": st.one_of(MAYBE, st.sampled_from([0, 450, 451, 800, 5000])),
            }
        ),
        "persons": st.lists(
            st.fixed_dictionaries(
                {
                    "age": st.one_of(MAYBE, st.integers(0, 90)),
                    "revenus_mensuels": st.one_of(MAYBE, st.sampled_from([0, 900, 2500, 9000])),
                    "agent_municipal": st.one_of(MAYBE, st.booleans()),
                }
            ),
            min_size=1,
            max_size=3,
        ),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(household=EXAMPLE_HOUSEHOLDS)
def test_the_written_explanation_of_scales_and_own_names_is_the_objects_json(
    household: dict[str, Any],
) -> None:
    evaluation = _evaluation(household, dt.date(2024, 6, 1), EXAMPLES)
    for written, built in _both(evaluation):
        assert written == built


def test_a_scales_line_shows_the_bracket_its_known_base_reaches() -> None:
    household = {"household": {"commune_residence": "21166", "quotient_familial": 500}}
    evaluation = _evaluation({**household, "persons": [{"age": 8}]}, dt.date(2024, 6, 1), EXAMPLES)
    outcome = evaluation.state.outcomes[("tarif_cantine", None)]
    written = explain_json(evaluation, EXAMPLES.schemes["tarif_cantine"], None, outcome)
    line = orjson.loads(orjson.dumps(written["explanation"][0]))
    assert (line["name"], line["kind"], line["bracket"]) == ("prix_repas", "scale", 1)


def test_a_scheme_not_yet_in_force_says_so_in_the_written_answer() -> None:
    evaluation = _evaluation(
        {"household": {"commune_residence": "25056"}, "persons": [{"age": 19}]},
        dt.date(2020, 6, 1),
    )
    written = [orjson.loads(each) for each, _ in _both(evaluation)]
    assert [r for r in written if not r["in_force"]]
    assert all(w == b for w, b in _both(evaluation))
