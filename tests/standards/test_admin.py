import pytest
from django.contrib import messages
from django.contrib.admin import helpers
from django.urls import reverse

from standards import services
from standards.models import (
    Attachment,
    Audit,
    Comment,
    Edition,
    HistoryEntry,
    NumberCounter,
    Recommendation,
    Standard,
    Status,
    Version,
)

from .conftest import markdown_file

MODELS = [
    Standard,
    Version,
    Attachment,
    Comment,
    Recommendation,
    Audit,
    Edition,
    HistoryEntry,
    NumberCounter,
]


@pytest.fixture
def full_world(lifecycle, world):
    """One standard published with an attachment, an answered comment,
    recommendations, an audit, an edition and numbers."""
    standard = lifecycle.draft()
    services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="# Scope\n\nVersion two.\n",
        files=[markdown_file()],
    )
    lifecycle.go(standard, "submit", world.member)
    services.experts_assign(
        standard_id=standard.pk, actor=world.deputy, experts=[world.expert1]
    )
    services.experts_assign(
        standard_id=standard.pk, actor=world.deputy, experts=[world.expert2]
    )
    comment = services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="Define the metric."
    )
    services.comment_answer(
        comment_id=comment.pk, actor=world.member, reply="accepted", reply_text="Done."
    )
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    lifecycle.go(standard, "advance_to_audit", world.deputy)
    lifecycle.go(standard, "certify", world.auditor)
    lifecycle.go(standard, "publish", world.leader)
    return standard


@pytest.fixture
def leader_client(client, world):
    """The leader, given staff rights, acting in the admin."""
    world.leader.is_staff = True
    world.leader.is_superuser = True
    world.leader.save()
    client.force_login(world.leader)
    return client


def changelist(model):
    return reverse(f"admin:standards_{model._meta.model_name}_changelist")


def change(obj):
    return reverse(f"admin:standards_{obj._meta.model_name}_change", args=[obj.pk])


def run_action(client, action, standards, **extra):
    return client.post(
        changelist(Standard),
        {
            "action": action,
            helpers.ACTION_CHECKBOX_NAME: [s.pk for s in standards],
            **extra,
        },
        follow=True,
    )


def shown_messages(response):
    return [(m.level, str(m)) for m in response.context["messages"]]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_superuser_lists_and_opens_every_model(admin_client, full_world, model):
    assert model.objects.exists()
    response = admin_client.get(changelist(model))
    assert response.status_code == 200
    response = admin_client.get(change(model.objects.first()))
    assert response.status_code == 200


def test_standard_page_shows_history_read_only(admin_client, full_world):
    response = admin_client.get(change(full_world))
    assert response.status_code == 200
    content = response.content.decode()
    assert "advance_to_audit" in content
    # Nothing of the lifecycle can be posted: status is not a form field.
    assert 'name="status"' not in content
    assert 'name="history-0-comment"' not in content


def test_history_cannot_be_added_changed_or_deleted(admin_client, full_world):
    entry = HistoryEntry.objects.first()
    model_admin_url = reverse("admin:standards_historyentry_add")
    assert admin_client.get(model_admin_url).status_code == 403
    response = admin_client.post(change(entry), {"comment": "rewritten"})
    assert response.status_code == 403
    delete = reverse("admin:standards_historyentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.comment != "rewritten"


def test_admin_action_takes_the_transition_through_the_services(
    leader_client, lifecycle, world
):
    standard = lifecycle.certified()
    response = run_action(leader_client, "publish", [standard])
    assert response.status_code == 200
    standard.refresh_from_db()
    assert standard.status == Status.PUBLISHED
    assert standard.number
    entry = standard.history.last()
    assert (entry.action, entry.from_state, entry.to_state) == (
        "publish",
        Status.CERTIFIED,
        Status.PUBLISHED,
    )
    assert entry.actor == world.leader
    assert entry.comment == "Taken in the admin by leader"
    assert (messages.SUCCESS, "Publish: done for 1 standard(s).") in shown_messages(
        response
    )


def test_refused_admin_action_shows_the_reason_and_changes_nothing(
    leader_client, lifecycle, world
):
    draft = lifecycle.draft()
    certified = lifecycle.certified(title="Ready to publish")
    history_before = draft.history.count()
    response = run_action(leader_client, "publish", [draft, certified])
    shown = shown_messages(response)
    errors = [text for level, text in shown if level == messages.ERROR]
    assert len(errors) == 1
    assert draft.title in errors[0] and "not possible" in errors[0]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.history.count() == history_before
    certified.refresh_from_db()
    assert certified.status == Status.PUBLISHED


def test_a_superuser_without_a_role_in_the_group_is_refused(admin_client, lifecycle):
    standard = lifecycle.certified()
    response = run_action(admin_client, "publish", [standard])
    levels = [level for level, _text in shown_messages(response)]
    assert levels == [messages.ERROR]
    standard.refresh_from_db()
    assert standard.status == Status.CERTIFIED


def test_abolish_asks_for_a_reason_first(leader_client, lifecycle, world):
    replacement = lifecycle.published(title="The replacement")
    standard = lifecycle.published(title="The old one")

    response = run_action(leader_client, "abolish", [standard])
    assert response.status_code == 200
    assert b"Reason for abolition" in response.content
    standard.refresh_from_db()
    assert standard.status == Status.PUBLISHED

    response = run_action(leader_client, "abolish", [standard], apply="1")
    assert b"This field is required" in response.content
    standard.refresh_from_db()
    assert standard.status == Status.PUBLISHED

    response = run_action(
        leader_client,
        "abolish",
        [standard],
        apply="1",
        reason="Superseded by a better standard.",
        replaced_by=replacement.pk,
    )
    standard.refresh_from_db()
    assert standard.status == Status.ABOLISHED
    assert standard.replaced_by == replacement
    assert standard.abolition_reason == "Superseded by a better standard."
    assert standard.history.last().actor == world.leader


def test_editing_a_draft_in_the_admin_is_recorded(leader_client, lifecycle, world):
    standard = lifecycle.draft()
    response = leader_client.get(change(standard))
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value()}
    data["authors"] = [a.pk for a in standard.authors.all()]
    data["title"] = "A corrected title"
    for prefix in ("versions", "assignments", "editions", "history"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    response = leader_client.post(change(standard), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    standard.refresh_from_db()
    assert standard.title == "A corrected title"
    assert standard.status == Status.DRAFT
    entry = standard.history.last()
    assert entry.action == "edited" and "title" in entry.comment


def test_admin_edit_racing_a_transition_is_refused_without_an_error(
    leader_client, lifecycle, world
):
    from django.db.models.signals import pre_save

    standard = lifecycle.draft()
    response = leader_client.get(change(standard))
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value()}
    data["authors"] = [a.pk for a in standard.authors.all()]
    data["title"] = "A corrected title"
    for prefix in ("versions", "assignments", "editions", "history"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"

    def someone_submits_meanwhile(sender, instance, **kwargs):
        # Another writer moves the row on between the admin's read and write.
        Standard.objects.filter(pk=instance.pk).update(status=Status.EXPERT_REVIEW)

    pre_save.connect(someone_submits_meanwhile, sender=Standard)
    try:
        response = leader_client.post(change(standard), data)
    finally:
        pre_save.disconnect(someone_submits_meanwhile, sender=Standard)
    assert response.status_code == 302
    shown = shown_messages(leader_client.get(change(standard)))
    assert any(
        level == messages.ERROR and "changed meanwhile" in text for level, text in shown
    )
    standard.refresh_from_db()
    assert standard.title != "A corrected title"
