"""The work plan as the seed loads it (owners, descriptions, in both
languages) and as the demo plans it (dates, milestones, a timeline)."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from committees.models import Role
from workplan.models import HistoryEntry, Milestone, WorkItem
from workplan.seed import WORK_PLAN

pytestmark = pytest.mark.django_db


def test_every_item_of_the_seed_has_a_deputy_leader_as_owner(working_group):
    items = list(WorkItem.objects.select_related("owner"))
    assert len(items) == 17 == len(WORK_PLAN)
    for item in items:
        planned = WORK_PLAN[item.title]
        assert item.owner is not None, item.title
        assert item.owner.name == planned.owner
        assert Role.objects.filter(
            person=item.owner,
            kind=Role.Kind.DEPUTY_LEADER,
            field__name=planned.owner_field,
        ).exists(), item.title
        assert item.description == planned.description
        assert item.description_zh, item.title
    # An item with a field is owned by a deputy leader of that field or of
    # one of its subfields.
    for item in WorkItem.objects.prefetch_related("fields"):
        fields = {f.pk for f in item.fields.all()}
        if fields:
            owner_fields = set(
                Role.objects.filter(
                    person=item.owner, kind=Role.Kind.DEPUTY_LEADER
                ).values_list("field_id", "field__parent_id")[0]
            )
            assert fields & owner_fields, item.title


def test_the_seed_keeps_an_editors_owner_and_description(working_group):
    item = WorkItem.objects.get(title="Medical LLM")
    item.description = "Our own words."
    item.owner = None
    item.save()

    call_command("load_working_group", verbosity=0)

    item.refresh_from_db()
    assert (item.description, item.owner) == ("Our own words.", None)


def test_the_description_reads_in_chinese(client, working_group):
    with translation.override("zh-hans"):
        url = WorkItem.objects.get(title="Medical LLM").get_absolute_url()
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "医疗大模型标准" in html


def test_the_demo_plans_every_item_with_milestones_through_the_services(client, demo):
    items = WorkItem.objects.prefetch_related("milestones")
    assert all(item.start and item.end for item in items)
    assert Milestone.objects.count() == 3 * 17
    assert Milestone.objects.overdue().count() == 3
    assert set(WorkItem.objects.values_list("status", flat=True)) == {
        "planned",
        "active",
        "at_risk",
        "done",
    }
    # Their history names who planned them: the demo deputy leader the
    # Medical LLM, the leader the others.
    medical = HistoryEntry.objects.filter(work_item__title="Medical LLM")
    assert {e.actor.username for e in medical} == {"deputy"}
    html = client.get(reverse("workplan:index")).content.decode()
    assert html.count('<polygon class="milestone') == 51
    assert html.count('class="milestone milestone-overdue"') == 3
    assert 'class="timeline-today"' in html


def test_running_the_demo_again_adds_nothing(demo, settings):
    before = Milestone.objects.count(), HistoryEntry.objects.count()
    call_command("load_demo", password="demo-pass-1", verbosity=0)
    assert (Milestone.objects.count(), HistoryEntry.objects.count()) == before
