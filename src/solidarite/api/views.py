"""/api/v1: the scheme catalogue, the variables, and the simulator for one household.

Every bad request is a 4xx with a JSON body naming the field; nothing about the household is
stored or logged.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Status
from ninja.errors import HttpError, ValidationError

from solidarite.api.renderers import FastJSONRenderer, render_json
from solidarite.api.schemas import (
    ErrorOut,
    SchemeDetail,
    SchemeSummary,
    SimulateIn,
    SimulateOut,
    VariableOut,
)
from solidarite.api.simulate import (
    answer_of,
    error_response,
    rules_error_items,
    validation_error_items,
)
from solidarite.rules.errors import RulesError
from solidarite.rules.schemes import Scheme
from solidarite.schemes.services import get_catalog
from solidarite.territory.api import router as places_router

api = NinjaAPI(
    title="Solidarité API",
    version="1",
    description="Aides, variables et simulateur / schemes, variables and simulator",
    urls_namespace="api",
    docs_url="/docs",
    renderer=FastJSONRenderer(),
)


api.add_router("/places", places_router)


@api.exception_handler(RulesError)
def _rules_error(request: HttpRequest, exc: RulesError) -> HttpResponse:
    return error_response(rules_error_items(exc), 422)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(validation_error_items(list(exc.errors)), 422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """For example a body that is not JSON (400)."""
    return error_response([{"loc": ["body"], "msg": str(exc)}], exc.status_code)


def _summary(scheme: Scheme) -> dict[str, Any]:
    spec = scheme.spec
    return {
        "id": spec.id,
        "version": spec.version,
        "title": spec.title.model_dump(),
        "summary": spec.summary.model_dump(),
        "provider": get_catalog().organisations[spec.provider].name,
        "communes": sorted(get_catalog().schemes[spec.id].communes),
        "entity": spec.entity,
        "periodicity": spec.periodicity,
        "start": spec.start,
        "end": spec.end,
        "max_duration_months": spec.max_duration_months,
        "intake": spec.intake.mode,
        "pays_money": spec.amount is not None and spec.amount.kind == "paid",
        "amount_kind": spec.amount.kind if spec.amount else None,
    }


@api.get("/schemes", response=list[SchemeSummary], tags=["schemes"])
def list_schemes(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(s) for s in get_catalog().schemes.values()]


@api.get("/schemes/{scheme_id}", response={200: SchemeDetail, 404: ErrorOut}, tags=["schemes"])
def scheme_detail(request: HttpRequest, scheme_id: str) -> Status[dict[str, Any]]:
    scheme = get_catalog().schemes.get(scheme_id)
    if scheme is None:
        return Status(404, {"detail": [{"loc": ["path", "scheme_id"], "msg": "unknown scheme"}]})
    spec = scheme.spec
    return Status(
        200,
        {
            **_summary(scheme),
            "parameters": [
                {
                    "name": name,
                    "label": p.spec.label.model_dump(),
                    "unit": p.spec.unit,
                    "values": {day.isoformat(): value for day, value in p.spec.values.items()},
                    "source": p.spec.source,
                }
                for name, p in scheme.parameters.items()
            ],
            "conditions": [
                {"id": c.id, "label": c.label.model_dump(), "expression": c.expression}
                for c in spec.conditions
            ],
            "amount_expression": spec.amount.expression if spec.amount else None,
            "benefit": spec.benefit.model_dump() if spec.benefit else None,
            "envelope_eur": spec.envelope.amount if spec.envelope else None,
            "capacity_per_year": spec.capacity.per_year if spec.capacity else None,
            "contract_required": spec.intake.contract_required,
            "diagnostic_required": spec.intake.diagnostic_required,
            "how_to_apply": spec.how_to_apply.model_dump(),
            "documents": [d.model_dump() for d in spec.documents],
            "contact": spec.contact,
            "sources": [s.model_dump() for s in spec.sources],
            "assumptions": [a.model_dump() for a in spec.assumptions],
        },
    )


@api.get("/variables", response=list[VariableOut], tags=["variables"])
def list_variables(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "name": v.name,
            "entity": v.entity,
            "type": v.spec.type,
            "unit": v.spec.unit,
            "label": v.spec.label.model_dump(),
            "question": v.spec.question.model_dump() if v.spec.question else None,
            "group": v.spec.group,
            "values": v.spec.values,
            "minimum": v.spec.minimum,
            "maximum": v.spec.maximum,
            "derived": not v.spec.is_input,
        }
        for v in get_catalog().variables.by_name.values()
    ]


@api.post(
    "/simulate", response={200: SimulateOut, 400: ErrorOut, 422: ErrorOut}, tags=["simulator"]
)
def simulate(request: HttpRequest, payload: SimulateIn) -> HttpResponse:  # type: ignore[valid-type]
    """Every scheme for one household, with explanations and the questions that would decide
    what is still undecided. Optional date (default today) and parameter overrides (scenario).

    Declared here for the OpenAPI document (the suite's schemathesis run checks every answer
    against `SimulateOut`); `api.simulate.simulate_view` serves the path, before django-ninja's
    URLs in both URL lists, and answers what this would."""
    return HttpResponse(render_json(answer_of(payload)), content_type="application/json")
