"""Every error of the API is an RFC 9457 problem (application/problem+json):
type, title, status, detail and instance, with the API's own code, message
and field errors kept beside them — whichever layer refuses the request."""

import pytest
from django.test import Client

from portal.api_http import PROBLEMS

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_a_problem_names_its_type_title_and_occurrence(api):
    response = api.get("/api/v1/standards/999999/?x=1")

    body = assert_error(response, 404, "not_found")
    assert body["type"] == "http://testserver/api/problems/#problem-not_found"
    assert body["title"] == "Not found"
    assert body["instance"] == "/api/v1/standards/999999/?x=1"


def test_field_errors_stay_an_extension_member(as_user, world):
    response = as_user(world.member).post("/api/v1/standards/", {"field": "x"})

    body = assert_error(response, 400, "invalid", field="title")
    assert body["detail"] == body["message"]
    assert body["title"] == "Invalid input"


def test_an_unknown_address_is_a_problem(api):
    assert_error(api.post("/api/v1/nothing-here/", {}), 404, "not_found")


def test_an_upload_refused_before_the_view_is_a_problem(as_user, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = as_user(world.member).post(
        "/api/v1/standards/", {"title": "x" * 500, "field": world.subfield.pk}
    )

    assert_error(response, 413, "too_large")


def test_a_csrf_refusal_of_a_session_write_is_a_problem(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)

    response = client.post(
        "/api/v1/standards/", {"title": "x"}, content_type="application/json"
    )

    assert_error(response, 403, "forbidden")


def test_a_problem_is_answered_in_the_callers_language(api):
    response = api.get("/api/v1/standards/999999/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    body = assert_error(response, 404, "not_found")
    assert response["Content-Language"] == "zh-hans"
    assert body["instance"] == "/api/v1/standards/999999/"


def test_the_browsable_api_keeps_its_html(api):
    response = api.get("/api/v1/standards/999999/", HTTP_ACCEPT="text/html")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_every_code_has_a_status_and_a_title():
    for code, (status, title) in PROBLEMS.items():
        assert 400 <= status < 600 and str(title), code


def test_the_schema_documents_errors_as_problems(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/standards/{id}/transitions/{name}/"]["post"]

    for status in ("400", "404", "409", "412", "428", "422"):
        content = operation["responses"][status]["content"]
        assert list(content) == ["application/problem+json"], status
    problem = schema["components"]["schemas"]["Error"]
    assert {"type", "title", "status", "detail", "instance", "code"} <= set(
        problem["properties"]
    )
    codes = problem["properties"]["code"]["description"]
    for code in PROBLEMS:
        assert f"`{code}`" in codes
    headers = operation["parameters"]
    names = {p["name"] for p in headers if p["in"] == "header"}
    assert {"Idempotency-Key", "If-Match"} <= names


def test_every_problem_type_is_documented_where_its_uri_points(api):
    """A problem's ``type`` (``/api/problems/#problem-<code>``) dereferences to
    a page that explains that code at that anchor, in the reader's language."""
    import re
    from urllib.parse import urlsplit

    from portal.api_http import PROBLEM_EXPLANATIONS

    body = assert_error(api.get("/api/v1/standards/999999/"), 404, "not_found")
    uri = urlsplit(body["type"])
    page = Client().get(uri.path)
    assert page.status_code == 200
    html = page.content.decode()
    assert set(PROBLEM_EXPLANATIONS) == set(PROBLEMS)
    for code, (status, title) in PROBLEMS.items():
        entry = re.search(
            rf'<dt id="problem-{code}"><code>{code}</code> \({status}\)</dt>'
            r"\s*<dd>(.*?)</dd>",
            html,
            re.S,
        )
        assert entry, code
        assert str(title) in entry.group(1)
    assert f'id="{uri.fragment}"' in html
    chinese = Client(headers={"accept-language": "zh-hans"}).get(uri.path)
    assert "问题类型" in chinese.content.decode()
