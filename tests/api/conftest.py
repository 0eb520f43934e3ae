import pytest
from rest_framework.test import APIClient

from accounts import services as token_services
from portal.api_http import PROBLEM_MEMBERS
from tests.standards.conftest import (  # noqa: F401
    Lifecycle,
    World,
    lifecycle,
    no_pdf_renders,
    world,
)

# How many requests schemathesis made, reported at the end of the run.
SCHEMATHESIS_CASES = {"anonymous": 0, "member": 0}


def pytest_sessionfinish(session):
    """In a pytest-xdist worker, hand the counts to the controlling process,
    which reports them (``pytest_testnodedown`` in tests/conftest.py)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["schemathesis_cases"] = dict(SCHEMATHESIS_CASES)


def pytest_terminal_summary(terminalreporter):
    total = sum(SCHEMATHESIS_CASES.values())
    if total:
        terminalreporter.write_line(
            f"schemathesis: {total} cases run "
            f"({SCHEMATHESIS_CASES['anonymous']} anonymous, "
            f"{SCHEMATHESIS_CASES['member']} as a member representative)"
        )


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    """Throttling counts live in the cache: every test starts from zero."""


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user():
    """An API client authenticated with a fresh bearer token of ``user``."""

    def make(user):
        client = APIClient()
        if user is not None:
            secret = token_services.token_create(actor=user, name="tests").secret
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make


def assert_error(response, status, code=None, field=None):
    """The body is the API's error shape, an RFC 9457 problem
    (``application/problem+json``) with the API's ``code``, ``message`` and
    ``errors`` as extension members, with the given status."""
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    # ``condition`` only when a condition of the lifecycle refused it.
    assert set(body) - {"condition"} == {"code", "message", "errors"} | PROBLEM_MEMBERS
    if "condition" in body:
        from standards.api.serializers import CONDITION_CODES

        assert body["condition"] in CONDITION_CODES, body
    assert body["message"]
    assert body["status"] == status, body
    assert body["detail"] == body["message"], body
    assert body["title"] and body["type"].endswith(f"#problem-{body['code']}"), body
    if code:
        assert body["code"] == code, body
    if field:
        assert field in body["errors"], body
    return body


__all__ = ["Lifecycle", "World"]
