"""Models generated from the served schema with datamodel-code-generator (the
other generator integrators use, for pydantic) accept the API's real answers:
each answer below is validated against the model its operation's schema names,
so a field the schema calls required but the API leaves out, or a null it does
not declare, fails here."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import resolve

from notifications import services as notification_services
from standards.models import Comment

pytestmark = [pytest.mark.client, pytest.mark.django_db]


def _generate(schema: dict, tmp_path: Path):
    source = tmp_path / "schema.json"
    source.write_text(json.dumps(schema))
    output = tmp_path / "api_models.py"
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("datamodel-codegen")),
            "--input",
            str(source),
            "--input-file-type",
            "openapi",
            "--output",
            str(output),
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--strict-nullable",
            "--disable-timestamp",
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    spec = importlib.util.spec_from_file_location("api_models", output)
    module = importlib.util.module_from_spec(spec)
    sys.modules["api_models"] = module  # pydantic resolves its forward references there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["api_models"]
    return module


def _response_model(schema: dict, path: str, models):
    """The generated model of the 200 answer of GET ``path``."""
    route = resolve(path).route
    template = "/" + route.replace("<int:", "{").replace("<str:", "{").replace(">", "}")
    for pattern, operations in schema["paths"].items():
        if pattern.replace("{id}", "{pk}") == template or pattern == template:
            content = operations["get"]["responses"]["200"]["content"]
            ref = content["application/json"]["schema"]
            if ref.get("type") == "array":
                name = ref["items"]["$ref"].rsplit("/", 1)[1]
                return name, True, getattr(models, name)
            name = ref["$ref"].rsplit("/", 1)[1]
            return name, False, getattr(models, name)
    raise AssertionError(f"{path} ({template}) is not in the schema")


def test_models_generated_from_the_schema_accept_real_answers(
    as_user, world, lifecycle, tmp_path
):
    published = lifecycle.published(title="Evaluating medical LLMs")
    in_review = lifecycle.in_review(title="Red-teaming clinical assistants")
    version = in_review.versions.order_by("-number").first()
    Comment.objects.create(
        standard=in_review, version=version, expert=world.expert1, text="Clarify."
    )
    notification_services.watch_standard(standard_id=published.pk, user=world.member)

    anonymous = as_user(None)
    schema = anonymous.get("/api/schema/", {"format": "json"}).json()
    models = _generate(schema, tmp_path)

    member = as_user(world.member)
    deputy = as_user(world.deputy)
    answers = [
        (anonymous, "/api/v1/"),
        (anonymous, "/api/v1/lifecycle/"),
        (anonymous, "/api/v1/standards/"),
        (anonymous, f"/api/v1/standards/{published.pk}/"),
        (anonymous, "/api/v1/editions/"),
        (anonymous, "/api/v1/fields/"),
        (anonymous, "/api/v1/organisations/"),
        (anonymous, "/api/v1/work-items/"),
        (member, f"/api/v1/standards/{in_review.pk}/"),
        (member, f"/api/v1/standards/{in_review.pk}/versions/"),
        (member, f"/api/v1/standards/{in_review.pk}/comments/"),
        (member, f"/api/v1/standards/{in_review.pk}/history/"),
        (deputy, f"/api/v1/standards/{in_review.pk}/transitions/"),
        (deputy, f"/api/v1/standards/{in_review.pk}/assignments/"),
        (member, "/api/v1/notifications/"),
    ]
    validated = []
    for client, path in answers:
        response = client.get(path)
        assert response.status_code == 200, (path, response.content)
        name, many, model = _response_model(schema, path, models)
        body = response.json()
        for item in body if many else [body]:
            model.model_validate(item)
        validated.append(name)
    # Each answer was checked against a model of its own kind, not a catch-all.
    assert "StandardDetail" in validated or any("Standard" in n for n in validated)
    assert len(validated) == len(answers)
