"""Schemathesis against our own OpenAPI description: no server error, every response conforms."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from solidarite.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_description(case: schemathesis.Case) -> None:
    case.call_and_validate()
