"""Schemathesis against the API's own schema, in-process through the WSGI app:
anonymous and as a signed-in member representative, a bounded number of
examples per operation. No answer may be a server error, and every answer
must conform to the schema (status code, content type, headers, body)."""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import token_create

from . import conftest

# Examples per operation of the fuzzing phase; CI may raise it.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _load():
    # Loaded when the module is collected: generating the schema reads no data.
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


# Anonymous callers can only read, so the fuzzing phase is enough for them;
# the member also gets the coverage phase (boundary values of every
# parameter and body field, missing and unexpected ones, other methods).
anonymous_schema = _load()
anonymous_schema.config.phases.coverage.enabled = False
member_schema = _load()

HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def sample_data(lifecycle, world):
    """Something behind the ids: a published standard and a draft in review."""
    lifecycle.published()
    lifecycle.at("expert_review", title="In review")
    return world


@pytest.mark.django_db
@anonymous_schema.parametrize()
@HYPOTHESIS
def test_api_anonymous(case, sample_data):
    conftest.SCHEMATHESIS_CASES["anonymous"] += 1
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@member_schema.parametrize()
@HYPOTHESIS
def test_api_as_member(case, sample_data):
    if not hasattr(sample_data, "_member_secret"):
        sample_data._member_secret = token_create(
            actor=sample_data.member, name="schemathesis"
        ).secret
    conftest.SCHEMATHESIS_CASES["member"] += 1
    case.call_and_validate(
        checks=CHECKS,
        headers={"Authorization": f"Bearer {sample_data._member_secret}"},
    )
