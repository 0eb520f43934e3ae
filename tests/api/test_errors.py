"""Every error of the API is JSON with a code and a message, never HTML."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.throttling import AnonRateThrottle

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_unknown_address_under_api_is_json_404(api):
    assert_error(api.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_error(api.get("/api/nothing"), 404, "not_found")
    assert_error(api.get("/api/v1/standards/%0A/history/"), 404, "not_found")


def test_unknown_address_is_json_even_for_a_write_with_a_session(client, world):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.member)
    assert_error(csrf_client.delete("/api/v1/auth/tokens/x,y/"), 404, "not_found")


def test_unknown_standard_is_404(api):
    assert_error(api.get("/api/v1/standards/999999/"), 404, "not_found")


def test_writing_without_authentication_is_401(api, world):
    response = api.post("/api/v1/standards/", {"title": "x", "field": world.field.pk})
    assert_error(response, 401, "not_authenticated")
    assert "WWW-Authenticate" in response


def test_wrong_method_is_405(as_user, world, lifecycle):
    standard = lifecycle.draft()
    response = as_user(world.member).put(f"/api/v1/standards/{standard.pk}/", {})
    assert_error(response, 405, "method_not_allowed")


def test_unsupported_content_type_is_415(as_user, world):
    response = as_user(world.member).post(
        "/api/v1/standards/", "<x/>", content_type="application/xml"
    )
    assert_error(response, 415, "unsupported_type")


def test_malformed_json_is_400(as_user, world):
    response = as_user(world.member).post(
        "/api/v1/standards/", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_bad_input_is_400_with_field_errors(as_user, world):
    body = assert_error(
        as_user(world.member).post("/api/v1/standards/", {"field": "x"}),
        400,
        "invalid",
    )
    assert set(body["errors"]) >= {"title", "field"}


def test_rule_refusal_with_a_field_is_400_naming_it(as_user, world):
    body = assert_error(
        as_user(world.member).post(
            "/api/v1/standards/", {"title": "T", "field": 999999}
        ),
        400,
        "invalid",
        field="field",
    )
    assert body["errors"]["field"]


def test_throttled_is_429_with_retry_after(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    for _ in range(2):
        assert api.get("/api/v1/fields/").status_code == 200
    response = api.get("/api/v1/fields/")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1


def test_oversize_attachment_is_413(as_user, world, lifecycle, settings):
    settings.MAX_ATTACHMENT_BYTES = 10
    standard = lifecycle.draft()
    upload = SimpleUploadedFile("big.md", b"# a long text\n" * 10)
    response = as_user(world.member).post(
        f"/api/v1/standards/{standard.pk}/versions/",
        {"body": "text", "files": [upload]},
        format="multipart",
    )
    assert_error(response, 413, "too_large", field="files")
    assert standard.versions.count() == 1


def test_renamed_executable_is_415(as_user, world, lifecycle):
    standard = lifecycle.draft()
    upload = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00\x03\x00\x00\x00" * 64)
    response = as_user(world.member).post(
        f"/api/v1/standards/{standard.pk}/versions/",
        {"body": "text", "files": [upload]},
        format="multipart",
    )
    assert_error(response, 415, "unsupported_type", field="files")
    assert standard.versions.count() == 1


def test_forbidden_is_403(as_user, world, lifecycle):
    standard = lifecycle.draft()
    response = as_user(world.deputy).post(
        f"/api/v1/standards/{standard.pk}/versions/", {"body": "text"}
    )
    assert_error(response, 403, "forbidden")


def test_conflict_is_409(as_user, world, lifecycle):
    standard = lifecycle.draft()
    response = as_user(world.auditor).post(
        f"/api/v1/standards/{standard.pk}/transitions/certify/", {}
    )
    assert_error(response, 409, "conflict")


def test_session_write_without_csrf_is_403_json(client, world):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.member)
    response = csrf_client.post(
        "/api/v1/standards/", {"title": "x"}, content_type="application/json"
    )
    assert_error(response, 403, "forbidden")
