"""Schemathesis against the API's own schema, in-process through the WSGI app:
anonymous and as a signed-in member representative, a bounded number of
examples per operation. No answer may be a server error, and every answer
must conform to the schema (status code, content type, headers, body)."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import token_create
from tests.standards.conftest import Lifecycle, make_world

from . import conftest

# Part of the slow suite (`make test-slow`, run by CI after `make test`):
# about 4,400 requests, a minute and a half of the two cores.
pytestmark = pytest.mark.fuzz

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


# The fuzzing phase runs for every operation, anonymous and as a member. The
# member's writes also get the coverage phase (boundary values of every
# parameter and body field, missing and unexpected ones, other methods); for
# reads it adds many near-identical cases for little, so it stays off there
# to keep the suite within its time.
anonymous_schema = _load()
anonymous_schema.config.phases.coverage.enabled = False
member_reads_schema = _load()
member_reads_schema.config.phases.coverage.enabled = False
member_reads = member_reads_schema.include(method="GET")
member_writes = _load().exclude(method="GET")


HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests through the WSGI app would close the database connection at
    their end, and with it the test's transaction (on PostgreSQL); Django's
    own test client disconnects the same handler."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def sample_data(module_db, django_db_blocker):
    """Something behind the ids: a published standard and a draft in review,
    made once for the module (each test's own writes are rolled back)."""
    with django_db_blocker.unblock():
        world = make_world()
        lifecycle = Lifecycle(world)
        lifecycle.published()
        lifecycle.at("expert_review", title="In review")
    return world


@pytest.fixture
def member_secret(sample_data):
    return token_create(actor=sample_data.member, name="schemathesis").secret


@pytest.mark.django_db
@anonymous_schema.parametrize()
@HYPOTHESIS
def test_api_anonymous(case, sample_data):
    conftest.SCHEMATHESIS_CASES["anonymous"] += 1
    case.call_and_validate(checks=CHECKS)


def _call_as_member(case, secret):
    conftest.SCHEMATHESIS_CASES["member"] += 1
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Bearer {secret}"})


@pytest.mark.django_db
@member_reads.parametrize()
@HYPOTHESIS
def test_api_reads_as_member(case, member_secret):
    _call_as_member(case, member_secret)


@pytest.mark.django_db
@member_writes.parametrize()
@HYPOTHESIS
def test_api_writes_as_member(case, member_secret):
    _call_as_member(case, member_secret)
