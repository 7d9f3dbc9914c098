"""The JSON API: catalogue, variables, simulation, and 4xx with a JSON body for bad requests."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_schemes_list_and_detail(client: Client) -> None:
    schemes = client.get("/api/v1/schemes").json()
    assert {s["id"] for s in schemes} >= {"aide_jeunes_besancon", "rmg_chenove"}
    detail = client.get("/api/v1/schemes/aide_jeunes_besancon").json()
    assert detail["envelope_eur"] == 1_000_000
    assert detail["max_duration_months"] == 12
    assert detail["parameters"][-1]["values"] == {"2021-01-01": 500}
    assert detail["conditions"][0]["expression"] == "age BETWEEN age_minimum AND age_maximum"


def test_a_contribution_is_not_money_paid(client: Client) -> None:
    """The complémentaire santé solidaire's amount is what the household pays (0 when free)."""
    schemes = {s["id"]: s for s in client.get("/api/v1/schemes").json()}
    assert schemes["css"]["amount_kind"] == "contribution"
    assert schemes["css"]["pays_money"] is False
    assert schemes["rsa"]["amount_kind"] == "paid"
    assert schemes["rsa"]["pays_money"] is True
    assert schemes["pack_rentree_solidaire"]["amount_kind"] is None


def test_unknown_scheme_is_a_json_404(client: Client) -> None:
    response = client.get("/api/v1/schemes/inconnu")
    assert response.status_code == 404
    assert response.json()["detail"][0]["loc"] == ["path", "scheme_id"]


def test_variables_list_questions(client: Client) -> None:
    variables = {v["name"]: v for v in client.get("/api/v1/variables").json()}
    assert variables["age"]["question"]["en"] == "How old is this person?"
    assert variables["uc"]["derived"] is True


def test_simulate_answers_with_explanations_and_deciding_variables(client: Client) -> None:
    body = {
        "household": {"commune_residence": "25056"},
        "persons": [{"age": 19, "revenus_mensuels": 0}],
        "date": "2024-03-01",
        "parameters": {"aide_jeunes_besancon.montant_mensuel": 550},
    }
    data = client.post("/api/v1/simulate", body, content_type="application/json").json()
    youth = next(r for r in data["results"] if r["scheme"] == "aide_jeunes_besancon")
    assert youth["eligible"] is None
    assert youth["parameters"]["montant_mensuel"] == 550
    assert youth["unknown_variables"] == ["percoit_are", "percoit_garantie_jeunes", "percoit_rsa"]
    assert "percoit_rsa" in data["deciding_variables"]


def test_no_scenario_an_empty_one_and_null_all_answer_with_the_values_in_force(
    client: Client,
) -> None:
    """A body without `parameters` is not given an empty scenario model (`SimulateIn`): its
    answer is the one of an empty scenario, and `null` says the same."""
    body = {"persons": [{"age": 19}], "date": "2024-03-01"}
    answers = [
        client.post("/api/v1/simulate", extra, content_type="application/json")
        for extra in (body, {**body, "parameters": {}}, {**body, "parameters": None})
    ]
    assert [response.status_code for response in answers] == [200, 200, 200]
    assert answers[0].content == answers[1].content == answers[2].content
    youth = next(r for r in answers[0].json()["results"] if r["scheme"] == "aide_jeunes_besancon")
    assert youth["parameters"]["montant_mensuel"] == 500
    assert int(answers[0]["Content-Length"]) == len(answers[0].content)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"persons": [{"age": "dix"}]}, ["body", "persons", "0", "age"]),
        ({"persons": [{"agee": 10}]}, ["body", "persons", "0", "agee"]),
        ({"household": []}, ["body", "household"]),
        ({"household": {"commune_residence": "Paris"}}, ["body", "household", "commune_residence"]),
        ({"date": "hier"}, ["body", "date"]),
        ({"date": 0}, ["body", "date"]),
        ({"parameters": {"x.y": 1}}, ["body", "parameters", "x.y"]),
        (
            {"parameters": {"rmg_chenove.seuil_par_uc": "haut"}},
            ["body", "parameters", "rmg_chenove.seuil_par_uc"],
        ),
        ({"surprise": 1}, ["body", "surprise"]),
    ],
)
def test_bad_requests_are_422_naming_the_field(
    client: Client, body: dict[str, object], loc: list[str]
) -> None:
    response = client.post("/api/v1/simulate", body, content_type="application/json")
    assert response.status_code == 422
    assert loc in [item["loc"] for item in response.json()["detail"]]


def test_malformed_json_is_a_400_with_a_json_body(client: Client) -> None:
    response = client.post("/api/v1/simulate", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_openapi_description_and_docs_are_served(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/simulate" in schema["paths"]
    assert client.get("/api/docs").status_code == 302
    assert client.get("/api/v1/docs").status_code == 200


def test_simulate_shows_the_arithmetic_of_an_amount_and_its_assumptions(client: Client) -> None:
    body = {
        "household": {"commune_residence": "21166", "duree_residence_mois": 24},
        "persons": [{"age": 40, "revenus_mensuels": 500.0}, {"age": 38, "revenus_mensuels": 0.0}],
        "date": "2024-05-01",
    }
    response = client.post("/api/v1/simulate", data=body, content_type="application/json")
    assert response.status_code == 200
    rmg = next(r for r in response.json()["results"] if r["scheme"] == "rmg_chenove")
    values = {part["name"]: part for part in rmg["explanation"]}
    assert values["uc"]["value"] == 1.5
    assert values["ressources_mensuelles_foyer"]["value"] == 500.0
    assert values["seuil_par_uc"] | {"value": 965.0, "assumption": True} == values["seuil_par_uc"]
    assert rmg["amount"] == 947.5  # 965 x 1.5 - 500
    assert rmg["amount_range"] == [947.5, 947.5]
    assert "seuil_par_uc" in rmg["assumptions"]


def test_an_absurd_scenario_never_breaks_the_response(client: Client) -> None:
    """Found by the fuzzer: a base of 1e307 overflowed an amount's bound, which JSON cannot
    carry; the response stays valid (no range rather than an infinite one)."""
    import json as json_module
    import math

    body = {
        "household": {},
        "persons": [{}, {}],
        "parameters": {"ars.bmaf": 9.532608542989797e307, "rsa.bmaf": 20000000},
    }
    response = client.post(
        "/api/v1/simulate", json_module.dumps(body), content_type="application/json"
    )
    # Refused where it comes in: no parameter of a scheme comes near 1e12.
    assert response.status_code == 422
    assert "ars.bmaf" in response.content.decode()
    # Within the limit, a bound that still overflows gives no range rather than an infinite one.
    body["parameters"] = {"ars.bmaf": 1e12, "rsa.bmaf": 1e12}
    response = client.post(
        "/api/v1/simulate", json_module.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    for result in response.json()["results"]:
        bounds = result["amount_range"]
        assert bounds is None or all(
            isinstance(b, float | int) and math.isfinite(b) for b in bounds
        )
