"""The lifecycle as data: ``/api/v1/lifecycle/`` is generated from the state
machine and the permission rules, agrees with the procedures page and with
DESIGN.md's table, and ``transitions/`` tells every transition with whether
the caller may take it and why not."""

import re
from pathlib import Path

import pytest
from django_fsm import can_proceed

from standards import permissions
from standards.models import TRANSITION_NAMES, Comment, Standard, Status

pytestmark = pytest.mark.django_db

DESIGN = Path(__file__).resolve().parents[3] / "shared" / "DESIGN.md"


@pytest.fixture
def described(api):
    response = api.get("/api/v1/lifecycle/")
    assert response.status_code == 200
    return response.json()


def test_the_lifecycle_is_the_state_machines(described):
    assert [s["code"] for s in described["states"]] == Status.values
    assert [t["name"] for t in described["transitions"]] == list(TRANSITION_NAMES)
    for transition in described["transitions"]:
        for state in Status.values:
            possible = can_proceed(getattr(Standard(status=state), transition["name"]))
            assert possible == (state in transition["sources"]), (transition, state)
        # A transition's target is the state it leads to.
        standard = Standard(status=transition["sources"][0])
        field = Standard._meta.get_field("status")
        targets = {
            t.target
            for t in field.get_all_transitions(Standard)
            if t.name == transition["name"]
        }
        assert targets == {transition["target"]}, standard


def test_roles_and_conditions_come_from_the_permission_rules(described):
    by_name = {t["name"]: t for t in described["transitions"]}
    assert [r["code"] for r in by_name["submit"]["roles"]] == ["member_representative"]
    assert [r["code"] for r in by_name["publish"]["roles"]] == ["leader"]
    assert {r["code"] for r in by_name["certify"]["roles"]} == {"auditor", "leader"}
    same_right = {}
    for name, right in permissions.TRANSITION_RIGHTS.items():
        same_right.setdefault(right, set()).add(
            tuple(r["code"] for r in by_name[name]["roles"])
        )
    assert all(len(roles) == 1 for roles in same_right.values())
    codes = {c["code"] for c in by_name["advance_to_audit"]["conditions"]}
    assert {"enough_recommendations", "blocking_comments_resolved"} <= codes
    assert by_name["request_changes"]["comment_required"] is True
    assert by_name["certify"]["conditions"] == []


def test_the_procedures_page_shows_the_same_lifecycle(client, described):
    page = client.get("/procedures/").content.decode()
    rows = re.findall(r'<tr id="transition-([a-z_]+)">(.*?)</tr>', page, re.S)
    assert [name for name, _row in rows] == list(TRANSITION_NAMES)
    for (name, row), transition in zip(rows, described["transitions"], strict=True):
        assert transition["label"] in row
        assert f"status-{transition['target']}" in row
        assert transition["who"].replace("'", "&#x27;") in row


def _design_table():
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("## Lifecycle of a standard", 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| (.+?) \| (.+?) \|$", section, re.M)
    return {name: (moves, who) for name, moves, who, _condition in rows}


def _roles(words: str) -> set[str]:
    words = words.lower()
    roles = set()
    for phrase, code in [
        ("deputy leader", "deputy_leader"),
        ("member representative", "member_representative"),
        ("auditor", "auditor"),
        ("leader", "leader"),
    ]:
        if phrase in words:
            roles.add(code)
            words = words.replace(phrase, "")
    return roles


@pytest.mark.skipif(not DESIGN.exists(), reason="DESIGN.md is outside this clone")
def test_designs_lifecycle_table_agrees(described):
    table = _design_table()
    assert list(table) == [t["name"] for t in described["transitions"]]
    for transition in described["transitions"]:
        moves, who = table[transition["name"]]
        sources, target = (part.strip() for part in moves.split("→"))
        assert target == transition["target"], transition["name"]
        if sources.startswith("any state but"):
            assert set(transition["sources"]) == set(Status.values) - {target}
        else:
            assert [sources] == transition["sources"], transition["name"]
        assert _roles(who) == {r["code"] for r in transition["roles"]}, who


# --- transitions/: every one, allowed or why not ----------------------------------


def _transitions(client, standard):
    response = client.get(f"/api/v1/standards/{standard.pk}/transitions/")
    assert response.status_code == 200, response.content
    return {t["name"]: t for t in response.json()}


def test_submit_without_a_scope_is_listed_as_not_allowed(as_user, world, lifecycle):
    standard = lifecycle.draft()
    Standard.objects.filter(pk=standard.pk).update(scope="")
    listed = _transitions(as_user(world.member), standard)
    assert list(listed) == list(TRANSITION_NAMES)
    assert listed["submit"]["allowed"] is False
    assert "scope" in listed["submit"]["reasons"][0]["message"].lower()
    assert listed["certify"]["allowed"] is False
    assert listed["certify"]["reasons"][0]["code"] in {"conflict", "forbidden"}


def test_advance_with_an_open_blocking_comment_is_not_allowed(
    as_user, world, lifecycle
):
    standard = lifecycle.reviewed()
    deputy = as_user(world.deputy)
    assert _transitions(deputy, standard)["advance_to_audit"]["allowed"] is True
    version = standard.versions.order_by("-number").first()
    Comment.objects.create(
        standard=standard,
        version=version,
        expert=world.expert1,
        text="Unsafe threshold.",
        blocking=True,
        reply="rejected",
    )
    listed = _transitions(deputy, standard)
    assert listed["advance_to_audit"]["allowed"] is False
    reason = listed["advance_to_audit"]["reasons"][0]
    assert reason["code"] == "conflict"
    assert "blocking" in reason["message"]
    assert listed["request_changes"] == {**listed["request_changes"], "allowed": True}
    assert listed["request_changes"]["reasons"] == []


def test_the_conditions_of_the_lifecycle_say_which_are_typed(described):
    checks = {t["name"]: t["conditions"] for t in described["transitions"]}
    assert [c["code"] for c in checks["submit"]] == [
        "version_required",
        "new_version_after_failed_audit",
        "title_and_scope_required",
    ]
    assert not any(c["typed"] for c in checks["submit"])
    assert [c["typed"] for c in checks["abolish"]] == [True, True]


def test_reasons_carry_the_code_of_each_unmet_condition(as_user, world, lifecycle):
    standard = lifecycle.in_review()
    listed = _transitions(as_user(world.deputy), standard)
    reasons = listed["advance_to_audit"]["reasons"]
    assert [r["condition"] for r in reasons] == ["enough_recommendations"]
    codes = {
        c["code"]
        for t in as_user(None).get("/api/v1/lifecycle/").json()["transitions"]
        for c in t["conditions"]
    }
    assert reasons[0]["condition"] in codes
    # Refused by role, not by a condition: no condition code.
    assert listed["publish"]["reasons"][0]["condition"] is None


def test_a_refused_transition_answers_with_its_condition(as_user, world, lifecycle):
    standard = lifecycle.in_review()
    response = as_user(world.deputy).post(
        f"/api/v1/standards/{standard.pk}/transitions/advance_to_audit/",
        {},
        format="json",
    )
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "conflict"
    assert body["condition"] == "enough_recommendations"
    assert "recommendations" in body["detail"]
