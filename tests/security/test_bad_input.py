"""Bad input is answered with a 4xx, never a 500: integers beyond 64 bits,
JSON nested too deep, and a database busy with another write."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from portal.api import _field_errors, exception_handler
from portal.middleware import ApplicationErrorMiddleware
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond a 64-bit integer


@pytest.mark.parametrize("name", ["field", "work_item", "organisation"])
def test_integer_filter_beyond_64_bits_is_400(api, name):
    response = api.get(f"/api/v1/standards/?{name}={HUGE}")
    assert_error(response, 400, "invalid", field=name)


def test_author_ids_beyond_64_bits_on_create_are_400(as_user, world):
    response = as_user(world.member).post(
        "/api/v1/standards/",
        {"title": "T", "field": world.field.pk, "authors": [int(HUGE)]},
        format="json",
    )
    assert_error(response, 400, "invalid", field="authors")


def test_expert_ids_beyond_64_bits_on_assign_are_400(as_user, world, lifecycle):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)
    response = as_user(world.deputy).post(
        f"/api/v1/standards/{standard.pk}/assignments/",
        {"experts": [int(HUGE)]},
        format="json",
    )
    assert_error(response, 400, "invalid", field="experts")


def test_author_ids_beyond_64_bits_on_the_draft_form_are_refused(client, world):
    client.force_login(world.member)
    response = client.post(
        "/drafts/new/",
        {"title": "T", "field": world.field.pk, "authors": HUGE},
    )
    # Post-redirect-get: the form's own page shows it again, with its errors.
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 400
    assert page.context["form"].errors["authors"]


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("levels", [51, 100_000])
def test_json_nested_too_deep_is_400_on_the_anonymous_token_endpoint(api, levels):
    response = api.post(
        "/api/v1/auth/tokens/", deep(levels), content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_json_nested_too_deep_is_400_for_a_signed_in_write(as_user, world):
    body = '{"title": ' + deep(100_000) + "}"
    response = as_user(world.member).post(
        "/api/v1/standards/", body, content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_json_nested_too_deep_is_400_where_uploads_are_read_too(
    as_user, world, lifecycle
):
    standard = lifecycle.draft()
    response = as_user(world.member).post(
        f"/api/v1/standards/{standard.pk}/versions/",
        deep(100_000),
        content_type="application/json",
    )
    assert_error(response, 400, "parse_error")


def test_json_within_the_depth_limit_is_read(api):
    response = api.post(
        "/api/v1/auth/tokens/",
        '{"username": "x", "password": "y", "name": ' + deep(40) + "}",
        content_type="application/json",
    )
    assert response.status_code in (400, 401)
    assert response.json()["code"] != "parse_error"


# --- a database busy with another write ---------------------------------------


def test_parallel_transitions_and_uploads_on_sqlite_are_never_500(tmp_path):
    """The embedded run (SQLite, one writer at a time): four requests at the
    same moment, three rounds. One submit wins, the others are told 409;
    parallel uploads wait for each other (or are told 409), none fails."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "DJANGO_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.security.sqlite_race", "3", "4"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    statuses = json.loads(done.stdout.strip().splitlines()[-1])
    for answers in statuses["transitions"]:
        assert sorted(answers) == [200, 409, 409, 409], statuses
    for answers in statuses["uploads"]:
        assert set(answers) <= {201, 409} and 201 in answers, statuses


def test_sqlite_transactions_take_the_write_lock_when_they_begin():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS']['transaction_mode'])"
    )
    env = {**os.environ, "DATABASE_URL": "sqlite:////tmp/portal-never-created.db"}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    env["DJANGO_TESTING"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "IMMEDIATE", done.stderr[-2000:]


LOCKED = OperationalError("database is locked")


def test_a_locked_database_is_a_409_of_the_api_with_its_json_shape(rf):
    response = exception_handler(LOCKED, {})
    assert response.status_code == 409
    assert response.data["code"] == "conflict"
    assert "try again" in response.data["message"].lower()
    assert set(response.data) == {"code", "message", "errors"}


def test_a_locked_database_is_a_409_page(rf, world):
    request = rf.post("/drafts/new/")
    request.user = world.member
    request.session = {}
    response = ApplicationErrorMiddleware(lambda r: None).process_exception(
        request, LOCKED
    )
    assert response.status_code == 409
    assert b"Try again" in response.content


def test_other_database_errors_are_not_taken_for_a_busy_database(rf):
    response = exception_handler(OperationalError("no such table: x"), {})
    assert response.status_code == 500


# --- one error shape, no Python reprs ------------------------------------------


def test_an_empty_upload_is_refused_in_plain_words(as_user, world, lifecycle):
    standard = lifecycle.draft()
    empty = SimpleUploadedFile("empty.md", b"", content_type="text/markdown")
    response = as_user(world.member).post(
        f"/api/v1/standards/{standard.pk}/versions/",
        {"body": "# Text\n", "files": [empty]},
        format="multipart",
    )
    body = assert_error(response, 400, "invalid", field="files")
    assert "ErrorDetail" not in response.content.decode()
    assert all(isinstance(m, str) for m in body["errors"]["files"])
    assert "empty" in body["errors"]["files"][0]
    assert body["message"].startswith("files: ")


def test_nested_errors_become_plain_messages():
    from rest_framework.exceptions import ErrorDetail

    errors = _field_errors(
        {
            "authors": {0: [ErrorDetail("A valid integer is required.", "invalid")]},
            "title": [ErrorDetail("This field is required.", "required")],
        }
    )
    assert errors == {
        "authors": ["0: A valid integer is required."],
        "title": ["This field is required."],
    }
