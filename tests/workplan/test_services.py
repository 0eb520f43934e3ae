"""The rules of changing the work plan (workplan.services with
workplan.permissions): who may, what is recorded, which input is refused."""

import datetime

import pytest

from committees.models import Role
from portal.errors import ApplicationError
from tests.factories import user_with_role
from workplan import permissions, services
from workplan.models import HistoryAction, HistoryEntry, Milestone, WorkItem

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def refused(code, call, **kwargs):
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- who may --------------------------------------------------------------------------


def test_the_owner_edits_their_item(plan):
    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.owner, status="active"
    )
    assert WorkItem.objects.get(pk=plan.item.pk).status == "active"


def test_a_deputy_leader_of_the_items_field_edits_it(plan):
    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.deputy, status="at_risk"
    )
    assert WorkItem.objects.get(pk=plan.item.pk).status == "at_risk"


def test_the_leader_edits_every_item(plan):
    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.leader, status="done"
    )
    assert WorkItem.objects.get(pk=plan.item.pk).status == "done"


def test_a_deputy_leader_of_another_field_is_refused(plan):
    error = refused(
        "forbidden",
        services.work_item_update,
        work_item_id=plan.item.pk,
        actor=plan.other_deputy,
        status="done",
    )
    assert "Only the leader" in str(error.message)
    assert WorkItem.objects.get(pk=plan.item.pk).status == "planned"
    assert not HistoryEntry.objects.exists()


def test_a_deputy_leader_of_another_field_cannot_add_a_milestone(plan):
    refused(
        "forbidden",
        services.milestone_create,
        work_item_id=plan.item.pk,
        actor=plan.other_deputy,
        title="First draft",
        due="2027-01-01",
    )
    assert not Milestone.objects.exists()


def test_a_member_and_an_anonymous_caller_are_refused(plan):
    from django.contrib.auth.models import AnonymousUser

    for actor in (plan.member, AnonymousUser()):
        refused(
            "forbidden",
            services.work_item_update,
            work_item_id=plan.item.pk,
            actor=actor,
            status="done",
        )


def test_an_owner_who_is_no_longer_a_deputy_leader_is_refused(plan):
    Role.objects.filter(person__user=plan.owner).update(end=datetime.date(2020, 1, 1))
    refused(
        "forbidden",
        services.work_item_update,
        work_item_id=plan.item.pk,
        actor=plan.owner,
        status="done",
    )


def test_only_the_leader_names_the_owner(plan):
    new_owner = plan.other_deputy.person
    error = refused(
        "forbidden",
        services.work_item_update,
        work_item_id=plan.item.pk,
        actor=plan.deputy,
        owner=new_owner.pk,
    )
    assert error.field == "owner"
    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.leader, owner=new_owner.pk
    )
    assert WorkItem.objects.get(pk=plan.item.pk).owner == new_owner


def test_a_deputy_may_send_the_current_owner_unchanged(plan):
    services.work_item_update(
        work_item_id=plan.item.pk,
        actor=plan.deputy,
        owner=plan.owner.person.pk,
        status="active",
    )
    assert WorkItem.objects.get(pk=plan.item.pk).status == "active"


def test_the_owner_must_be_a_deputy_leader(plan):
    error = refused(
        "invalid",
        services.work_item_update,
        work_item_id=plan.item.pk,
        actor=plan.leader,
        owner=plan.member.person.pk,
    )
    assert error.field == "owner"


def test_an_unknown_item_is_not_found(plan):
    for pk in (999_999, "x", 2**70):
        refused(
            "not_found",
            services.work_item_update,
            work_item_id=pk,
            actor=plan.leader,
            status="done",
        )


def test_the_permission_twins_agree(plan):
    other = WorkItem.objects.create(title="Ethics", slug="ethics", order=2)
    other.fields.add(plan.other_field)
    loose = WorkItem.objects.create(title="Basics", slug="basics", order=3)
    users = [
        plan.leader,
        plan.deputy,
        plan.owner,
        plan.other_deputy,
        plan.member,
        user_with_role(Role.Kind.EXPERT, field=plan.field),
    ]
    for user in users:
        editable = set(permissions.editable_work_items(user))
        for item in (plan.item, other, loose):
            assert bool(permissions.can_edit_work_item(item, user)) == (
                item in editable
            ), (user.username, item.title)


# --- what is recorded -----------------------------------------------------------------


def test_every_change_is_in_the_history_with_who_and_what(plan):
    services.work_item_update(
        work_item_id=plan.item.pk,
        actor=plan.owner,
        status="active",
        start="2026-01-01",
        end=datetime.date(2027, 6, 30),
        description="Evaluation of medical LLM.",
    )
    entry = HistoryEntry.objects.get()
    assert entry.actor == plan.owner
    assert entry.action == HistoryAction.EDITED
    assert entry.changes == [
        {"field": "description", "from": "", "to": "Evaluation of medical LLM."},
        {"field": "status", "from": "planned", "to": "active"},
        {"field": "start", "from": "", "to": "2026-01-01"},
        {"field": "end", "from": "", "to": "2027-06-30"},
    ]


def test_saving_without_a_change_records_nothing(plan):
    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.owner, status="planned"
    )
    assert not HistoryEntry.objects.exists()


def test_milestones_added_changed_and_removed_are_recorded(plan):
    milestone = services.milestone_create(
        work_item_id=plan.item.pk,
        actor=plan.deputy,
        title="First draft",
        title_zh="初稿",
        due="2027-03-01",
    )
    services.milestone_update(
        work_item_id=plan.item.pk,
        milestone_id=milestone.pk,
        actor=plan.owner,
        due="2027-04-01",
    )
    services.milestone_delete(
        work_item_id=plan.item.pk, milestone_id=milestone.pk, actor=plan.leader
    )
    entries = list(HistoryEntry.objects.order_by("pk"))
    assert [(e.action, e.actor, e.subject) for e in entries] == [
        (HistoryAction.MILESTONE_ADDED, plan.deputy, "First draft"),
        (HistoryAction.MILESTONE_CHANGED, plan.owner, "First draft"),
        (HistoryAction.MILESTONE_REMOVED, plan.leader, "First draft"),
    ]
    assert entries[1].changes == [
        {"field": "due", "from": "2027-03-01", "to": "2027-04-01"}
    ]
    assert {"field": "title", "from": "First draft", "to": ""} in entries[2].changes
    assert not Milestone.objects.exists()


def test_history_entries_are_never_changed_or_deleted(plan):
    from django.core.exceptions import ValidationError

    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.owner, status="done"
    )
    entry = HistoryEntry.objects.get()
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_a_milestone_of_another_item_is_not_found(plan):
    other = WorkItem.objects.create(title="Ethics", slug="ethics", order=2)
    milestone = Milestone.objects.create(
        work_item=other, title="First draft", due=datetime.date(2027, 1, 1)
    )
    refused(
        "not_found",
        services.milestone_update,
        work_item_id=plan.item.pk,
        milestone_id=milestone.pk,
        actor=plan.leader,
        title="Moved",
    )


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"start": "2027-13-01"}, "start"),
        ({"start": "soon"}, "start"),
        ({"start": "2027-06-01", "end": "2027-01-01"}, "end"),
        ({"description": "x" * 20_001}, "description"),
    ],
)
def test_bad_input_is_refused_on_its_field(plan, changes, field):
    error = refused(
        "invalid",
        services.work_item_update,
        work_item_id=plan.item.pk,
        actor=plan.owner,
        **changes,
    )
    assert error.field == field
    assert not HistoryEntry.objects.exists()


def test_an_end_before_the_start_already_set_is_refused(plan):
    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.owner, start="2027-06-01"
    )
    error = refused(
        "invalid",
        services.work_item_update,
        work_item_id=plan.item.pk,
        actor=plan.owner,
        end="2027-01-01",
    )
    assert error.field == "end"


def test_a_change_made_meanwhile_is_not_overwritten(plan):
    read_at = WorkItem.objects.get(pk=plan.item.pk).updated
    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.deputy, status="active"
    )
    error = refused(
        "conflict",
        services.work_item_update,
        work_item_id=plan.item.pk,
        actor=plan.owner,
        expected_updated=read_at.isoformat(),
        status="done",
    )
    assert "changed meanwhile" in str(error.message)
    assert WorkItem.objects.get(pk=plan.item.pk).status == "active"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": " ", "due": "2027-01-01"}, "title"),
        ({"title": "Draft", "due": ""}, "due"),
        ({"title": "Draft", "due": "2027-02-30"}, "due"),
        ({"title": "x" * 201, "due": "2027-01-01"}, "title"),
    ],
)
def test_a_milestone_needs_a_title_and_a_due_date(plan, values, field):
    error = refused(
        "invalid",
        services.milestone_create,
        work_item_id=plan.item.pk,
        actor=plan.owner,
        **values,
    )
    assert error.field == field


# --- the overdue rule, with a frozen clock --------------------------------------------


def test_a_milestone_is_overdue_the_day_after_it_is_due_until_done(plan, time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC))
    milestone = services.milestone_create(
        work_item_id=plan.item.pk,
        actor=plan.owner,
        title="First draft",
        due="2027-03-01",
    )
    assert not milestone.overdue  # due today
    assert not Milestone.objects.overdue().exists()

    time_machine.move_to(datetime.datetime(2027, 3, 2, 0, 1, tzinfo=datetime.UTC))
    milestone.refresh_from_db()
    assert milestone.overdue
    assert list(Milestone.objects.overdue()) == [milestone]

    services.milestone_update(
        work_item_id=plan.item.pk,
        milestone_id=milestone.pk,
        actor=plan.owner,
        done_on="2027-03-02",
    )
    milestone.refresh_from_db()
    assert not milestone.overdue
    assert not Milestone.objects.overdue().exists()


def test_a_milestone_cannot_be_done_tomorrow(plan, time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC))
    error = refused(
        "invalid",
        services.milestone_create,
        work_item_id=plan.item.pk,
        actor=plan.owner,
        title="First draft",
        due="2027-02-01",
        done_on="2027-03-02",
    )
    assert error.field == "done_on"
    services.milestone_create(
        work_item_id=plan.item.pk,
        actor=plan.owner,
        title="First draft",
        due="2027-02-01",
        done_on="2027-03-01",
    )


def test_items_at_risk_are_those_marked_so_and_those_behind_their_milestones(
    plan, time_machine
):
    from workplan.selectors import needs_attention

    time_machine.move_to(datetime.datetime(2027, 3, 10, 12, tzinfo=datetime.UTC))
    marked = WorkItem.objects.create(title="Marked", slug="marked", order=2)
    marked.status = WorkItem.Status.AT_RISK
    marked.save()
    finished = WorkItem.objects.create(
        title="Finished", slug="finished", order=3, status=WorkItem.Status.DONE
    )
    on_time = WorkItem.objects.create(title="On time", slug="on-time", order=4)
    for item, due in (
        (plan.item, "2027-03-01"),
        (finished, "2027-03-01"),
        (on_time, "2027-03-10"),
    ):
        Milestone.objects.create(
            work_item=item, title="Draft", due=datetime.date.fromisoformat(due)
        )

    found = {item.title: item.overdue_count for item in needs_attention()}

    assert found == {"Medical LLM": 1, "Marked": 0}


# --- QMS programmes -------------------------------------------------------------


def test_an_item_is_linked_to_qms_programmes_with_its_history(plan):
    from qms.models import Programme
    from tests.factories import OrganisationFactory

    first = Programme.objects.create(organisation=OrganisationFactory(name="Alpha"))
    second = Programme.objects.create(organisation=OrganisationFactory(name="Beta"))
    services.work_item_update(
        work_item_id=plan.item.pk,
        actor=plan.owner,
        qms_programmes=[second.pk, first.pk],
    )
    assert set(plan.item.qms_programmes.all()) == {first, second}
    assert HistoryEntry.objects.get().changes == [
        # Which ones is not public: the history says that they changed.
        {"field": "qms_programmes", "from": "", "to": ""}
    ]
    error = refused(
        "invalid",
        services.work_item_update,
        work_item_id=plan.item.pk,
        actor=plan.owner,
        qms_programmes=[first.pk, 999_999],
    )
    assert error.field == "qms_programmes"
    assert plan.item.qms_programmes.count() == 2
