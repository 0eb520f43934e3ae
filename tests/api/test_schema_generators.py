"""What code generators need of the schema: one body type per operation
(JSON; multipart only where a file is sent), every field of an answer
required, named enums, and the token scheme's scopes and expiry."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_request_bodies_are_json_and_multipart_only_for_files(schema):
    multipart = set()
    for path, method, operation in _operations(schema):
        body = operation.get("requestBody")
        if body is None:
            continue
        types = list(body["content"])
        assert len(types) == 1, (method, path, types)
        if types == ["multipart/form-data"]:
            multipart.add(path)
        else:
            assert types == ["application/json"], (method, path, types)
    assert multipart == {
        "/api/v1/standards/{id}/versions/",
        "/api/v1/qms/programmes/{id}/documents/",
    }


def test_every_field_of_an_answer_is_required(schema):
    components = schema["components"]["schemas"]
    for name in ("Standard", "StandardDetail", "Version", "PaginatedStandardList"):
        component = components[name]
        assert set(component["required"]) == set(component["properties"]), name
    assert "status" in components["Standard"]["required"]
    # Request bodies keep their optional fields.
    assert "change_summary" not in components["VersionCreateInputRequest"].get(
        "required", []
    )


def _ref(prop) -> str:
    return prop.get("$ref") or prop["allOf"][0]["$ref"]


def test_status_and_roles_are_named_enums(schema):
    lifecycle = schema["components"]["schemas"]["LifecycleTransition"]["properties"]
    assert _ref(lifecycle["target"]).endswith("/StatusEnum")
    role = schema["components"]["schemas"]["LifecycleRole"]["properties"]["code"]
    assert _ref(role).endswith("/RoleKindEnum")


def test_the_token_scheme_tells_scopes_and_expiry(schema):
    description = schema["components"]["securitySchemes"]["bearerAuth"]["description"]
    assert "`read`" in description and "`read_write`" in description
    assert "PORTAL_API_TOKEN_DAYS" in description


def test_the_lifecycle_is_in_the_schema(schema):
    operation = schema["paths"]["/api/v1/lifecycle/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"][
        "$ref"
    ].endswith("/Lifecycle")


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def test_what_may_be_null_says_so_as_openapi_31_does(schema):
    # OpenAPI 3.0's `allOf: [$ref]` + `nullable` without a type is ignored
    # by validators: datamodel-code-generator's models then refused the nulls
    # of real answers (Standard.work_item, HistoryEntry.actor ...).
    assert schema["openapi"].startswith("3.1")
    nodes = list(_nodes(schema))
    assert not [node for node in nodes if "nullable" in node]
    work_item = schema["components"]["schemas"]["Standard"]["properties"]["work_item"]
    assert {"type": "null"} in work_item["oneOf"]
    following = schema["components"]["schemas"]["PaginatedStandardList"]["properties"]
    assert following["next"]["type"] == ["string", "null"]
