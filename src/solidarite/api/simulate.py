"""`POST /api/v1/simulate`: every scheme for one household, served by a plain Django view.

django-ninja describes the endpoint (`api.views.simulate`, its input and answer schemas in the
OpenAPI document, which the suite's schemathesis run checks every answer against); this view
serves it, first in both URL lists (`solidarite.urls`, `solidarite.core.lean_urls`). Its own
dispatch (a wrapper model around the body, the operation's bookkeeping, a response built twice)
cost a quarter of a complete household's answer in-process, and that is the API's busiest request.
It reads the body as django-ninja does (`json.loads`, then the same `SimulateIn` model) and
answers its errors in the same shape: `{"detail": [{"loc": [...], "msg": "..."}]}`, 400 for a
body that is not JSON, 422 for a field the engine refuses.
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from solidarite.api.renderers import render_json
from solidarite.api.schemas import SimulateIn
from solidarite.core import clock
from solidarite.rules.errors import RulesError
from solidarite.rules.inputs import Checked
from solidarite.schemes.services import get_catalog


def answer_of(payload: Any) -> dict[str, Any]:
    """The answer to a validated `SimulateIn`: the engine's JSON, written straight from the
    compiled function when every answer is known (`Catalog.answer`). Its answers were checked
    by the catalog's own models, so the engine does not check them again (`Checked`)."""
    return get_catalog().answer(
        Checked(payload.household, payload.persons),
        payload.date or clock.today(),
        {}
        if payload.parameters is None
        else payload.parameters.model_dump(by_alias=True, exclude_none=True),
        source="body",
    )


def error_response(items: list[dict[str, Any]], status: int) -> HttpResponse:
    """Every error answer of the API has one shape: {"detail": [{"loc": [...], "msg": "..."}]}."""
    return HttpResponse(
        render_json({"detail": items}), status=status, content_type="application/json"
    )


def rules_error_items(exc: RulesError) -> list[dict[str, Any]]:
    """The engine's own checks (for example a value outside its variable's enum), located in
    the body."""
    return [
        {
            "loc": ["body", *error.field.replace("[", ".").replace("]", "").split(".")],
            "msg": error.message,
        }
        for error in exc.errors
    ]


def validation_error_items(errors: list[Any]) -> list[dict[str, Any]]:
    """pydantic's errors, located in the body (django-ninja's `payload` argument left out)."""
    items = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc[:1] != ["body"]:
            loc = ["body", *loc]
        if loc[1:2] == ["payload"]:
            del loc[1]
        items.append({"loc": loc, "msg": str(error.get("msg", ""))})
    return items


@csrf_exempt  # anonymous and stateless: no cookie is read, none is set
@require_POST
def simulate_view(request: HttpRequest) -> HttpResponse:
    try:
        data = json.loads(request.body)
    except ValueError:
        return error_response([{"loc": ["body"], "msg": "Cannot parse request body"}], 400)
    try:
        payload = SimulateIn.model_validate(data)
    except ValidationError as exc:
        return error_response(validation_error_items(exc.errors()), 422)
    try:
        answer = answer_of(payload)
    except RulesError as exc:
        return error_response(rules_error_items(exc), 422)
    return HttpResponse(render_json(answer), content_type="application/json")
