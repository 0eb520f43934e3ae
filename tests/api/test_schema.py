"""The OpenAPI schema is valid OpenAPI 3, generated without warnings, and
describes every operation with its errors and the token scheme."""

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_generates_without_warnings(tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )


def test_schema_declares_the_bearer_scheme_and_errors(schema):
    scheme = schema["components"]["securitySchemes"]["bearerAuth"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    operation = schema["paths"]["/api/v1/standards/{id}/transitions/{name}/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "429"} <= set(
        operation["responses"]
    )
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    upload = schema["paths"]["/api/v1/standards/{id}/versions/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"413", "415"} <= set(upload["responses"])


def test_every_operation_has_a_summary_or_description(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary") or operation.get("description"), (
                method,
                path,
            )
