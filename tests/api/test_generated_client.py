"""A typed client generated from the served schema works: openapi-python-client
generates it from ``/api/schema/`` of a live server, every generated module
imports, and the client takes a draft through its first steps (token, draft,
version with a file, submit, list). What an integrator does from the docs
alone (README, "REST API")."""

import importlib
import io
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.client, pytest.mark.django_db(transaction=True)]

PACKAGE = "portal_api_client"
PASSWORD = "generated-client-walk-2026"


def _generate(schema_url: str, tmp_path: Path) -> Path:
    """The client package, generated with the README's configuration (PDF
    downloads as files), without the formatting hooks, which only make the
    code prettier."""
    response = httpx.get(schema_url, params={"format": "json"}, timeout=60)
    assert response.status_code == 200, response.text
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(response.json()))
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "post_hooks": [],
                "content_type_overrides": {
                    "application/pdf": "application/octet-stream"
                },
            }
        )
    )
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--path",
            str(schema),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # The generator skips what it cannot express and only warns: none allowed.
    assert "Warning" not in output, output
    return tmp_path


@pytest.fixture
def generated(live_server, tmp_path):
    root = _generate(f"{live_server.url}/api/schema/", tmp_path)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


def _every_module(package) -> list[str]:
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        importlib.import_module(info.name)
        names.append(info.name)
    return names


def _call(module: str, **kwargs):
    """Call an operation of the generated client; any answer but success
    fails the walk with the body the server gave."""
    operation = importlib.import_module(f"{PACKAGE}.api.{module}")
    response = operation.sync_detailed(**kwargs)
    assert 200 <= response.status_code < 300, (module, response.content)
    assert response.parsed is not None, (module, response.content)
    return response.parsed


def test_a_generated_client_imports_and_walks_a_draft_to_review(
    generated, live_server, world
):
    modules = _every_module(generated)
    assert len([m for m in modules if ".api." in m]) > 40, modules

    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    world.member.set_password(PASSWORD)
    world.member.save()

    # A token, from the username and password.
    anonymous = generated.Client(
        base_url=live_server.url, raise_on_unexpected_status=True
    )
    created = _call(
        "auth.auth_tokens_create",
        client=anonymous,
        body=models.TokenCreateInputRequest(
            username=world.member.username, password=PASSWORD, name="generated client"
        ),
    )
    assert created.token
    client = generated.AuthenticatedClient(
        base_url=live_server.url, token=created.token, raise_on_unexpected_status=True
    )

    # A draft in the member's field...
    draft = _call(
        "standards.standards_create",
        client=client,
        body=models.StandardCreateInputRequest(
            title="Evaluating clinical LLM assistants",
            scope="How to evaluate them.",
            field=world.field.pk,
        ),
    )
    assert draft.status == models.StatusEnum.DRAFT

    # ...a version with a file, sent as multipart...
    version = _call(
        "standards.standards_versions_create",
        id=draft.id,
        client=client,
        body=models.VersionCreateInputRequest(
            body="# Scope\n\nHow to evaluate clinical assistants.\n",
            change_summary="First text",
            files=[
                types.File(
                    payload=io.BytesIO(b"# Notes\n\nBackground.\n"),
                    file_name="notes.md",
                    mime_type="text/markdown",
                )
            ],
        ),
    )
    assert version.number == 1
    assert [a.extension for a in version.attachments] == ["md"]

    # ...submitted for expert review...
    names = importlib.import_module(
        f"{PACKAGE}.models.standards_transitions_create_name"
    )
    submitted = _call(
        "standards.standards_transitions_create",
        id=draft.id,
        name=names.StandardsTransitionsCreateName.SUBMIT,
        client=client,
        body=models.TransitionInputRequest(comment="Ready for review"),
    )
    assert submitted.status == models.StatusEnum.EXPERT_REVIEW

    # ...and found in the list, with the state it is in.
    page = _call(
        "standards.standards_list",
        client=client,
        status=[models.StatusEnum.EXPERT_REVIEW],
    )
    assert [(s.id, s.status) for s in page.results] == [
        (draft.id, models.StatusEnum.EXPERT_REVIEW)
    ]
    # Closed, so that the live server's threads let go of the test database.
    for used in (anonymous, client):
        used.get_httpx_client().close()
