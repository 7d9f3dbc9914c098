"""Issue 13, item 5: a payment schedule evaluates the file's scheme once per distinct period,
with the same amounts as evaluating it at every due date."""

import datetime as dt
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from solidarite.cases import decision

SITUATION = {
    "household": {"commune_residence": "25056"},
    "persons": [
        {
            "date_naissance": "2000-09-15",
            "role": "demandeur",
            "percoit_rsa": False,
            "percoit_garantie_jeunes": False,
            "percoit_are": False,
            "revenus_mensuels": 0,
        }
    ],
}


DATES = [dt.date(2026, 1, 20) + relativedelta(months=i) for i in range(12)]  # monthly due dates


def _months_against_each_date(
    monkeypatch: pytest.MonkeyPatch, situation: dict[str, Any]
) -> tuple[list[Any], list[dt.date]]:
    """Twelve monthly due dates evaluated as a schedule does, checked against evaluating each
    date alone (same eligibility and amounts); returns them with the dates actually evaluated."""
    each = [decision.evaluate_situation("aide_jeunes_besancon", situation, d) for d in DATES]
    calls: list[dt.date] = []
    original = decision.evaluate_situation

    def counted(scheme_id: str, situation: dict[str, Any], on: dt.date) -> Any:
        calls.append(on)
        return original(scheme_id, situation, on)

    monkeypatch.setattr(decision, "evaluate_situation", counted)
    once = decision.evaluate_months("aide_jeunes_besancon", situation, DATES)
    assert [(r.eligible, r.amount) for r in once] == [(r.eligible, r.amount) for r in each]
    return once, calls


def test_one_evaluation_per_distinct_period_and_the_same_amounts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Born 15 September 2000: 25 until 14 September 2026, then too old for the youth aid; the
    # RSA the aid reads is revalued on 1 April.
    once, calls = _months_against_each_date(monkeypatch, SITUATION)
    assert [r.eligible for r in once].count(True) == 8  # January to August
    # Every "receives..." is answered: the rights behind them are not read, so only the
    # birthday starts a new period (the youth aid's own parameters do not change in 2026).
    assert calls == [dt.date(2026, 1, 20), dt.date(2026, 9, 20)]


def test_an_unanswered_rsa_brings_its_revaluations_into_the_periods(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not answered, "receives RSA" reads the computed RSA (and what it reads): a date whose
    parameters of those schemes differ starts a period; the others share it, same amounts."""
    situation = {
        "household": SITUATION["household"],
        "persons": [{k: v for k, v in SITUATION["persons"][0].items() if k != "percoit_rsa"}],
    }
    _, calls = _months_against_each_date(monkeypatch, situation)
    assert dt.date(2026, 4, 20) in calls  # the RSA's revaluation
    assert dt.date(2026, 9, 20) in calls  # the birthday
    assert len(calls) < len(DATES)
    catalog = decision.get_catalog()
    # "Receives the CEJ" is answered: the CEJ is not read, the RSA is.
    needed = decision.needed_schemes(
        catalog.schemes, {"aide_jeunes_besancon"}, frozenset({"percoit_garantie_jeunes"})
    )
    assert "rsa" in needed
    assert "cej" not in needed
    for date in sorted(set(DATES) - set(calls)):
        last = max(c for c in calls if c < date)
        assert all(
            catalog.values_at(date, {})[s] == catalog.values_at(last, {})[s] for s in needed
        ), date
