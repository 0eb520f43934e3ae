"""The work plan's pages: the timeline as SVG (milestones, today's line,
overdue ones highlighted), the item page with its milestones and history,
editing in the browser, and the dashboard's items at risk."""

import datetime
import re

import pytest
from django.urls import reverse

from workplan import services
from workplan.models import HistoryEntry, Milestone, WorkItem

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2027, 3, 10, 9, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)


def svg_of(html: str, css_class: str = "timeline") -> str:
    return re.search(rf'<svg class="{css_class}".*?</svg>', html, re.DOTALL)[0]


def planned(plan):
    services.work_item_update(
        work_item_id=plan.item.pk,
        actor=plan.owner,
        start="2026-09-01",
        end="2027-12-31",
        status="active",
    )
    for title, due, done_on in (
        ("First draft", "2026-12-01", "2026-11-28"),
        ("Expert review", "2027-03-01", None),
        ("Publication", "2027-12-31", None),
    ):
        services.milestone_create(
            work_item_id=plan.item.pk,
            actor=plan.owner,
            title=title,
            due=due,
            done_on=done_on,
        )


def test_the_work_plan_timeline_shows_each_milestone_and_todays_line(
    client, plan, frozen
):
    planned(plan)
    html = client.get(reverse("workplan:index")).content.decode()
    svg = svg_of(html)

    assert 'role="img"' in svg
    assert '<title id="plan-timeline-title">Timeline of the work plan</title>' in svg
    assert "today is 2027-03-10. 3 milestones, 1 overdue." in svg
    marks = re.findall(
        r'<polygon class="milestone milestone-(\w+)"[^>]*data-due="([\d-]+)"', svg
    )
    assert marks == [
        ("done", "2026-12-01"),
        ("overdue", "2027-03-01"),
        ("open", "2027-12-31"),
    ]
    assert "<title>Expert review: due 2027-03-01, overdue</title>" in svg
    assert "<title>First draft: due 2026-12-01, done 2026-11-28</title>" in svg
    today = re.search(
        r'<g class="timeline-today" data-date="2027-03-10">.*?</g>', svg, re.DOTALL
    )
    assert today and ">Today</text>" in today[0]
    # Its label as text, for the reader and the screen reader.
    assert '<text class="timeline-label" x="8"' in svg and "Medical LLM" in svg
    # Today's line stands between the overdue milestone and the next one.
    x = {
        state: float(re.search(rf'milestone-{state}" points="([\d.]+)', svg)[1])
        for state in ("overdue", "open")
    }
    today_x = float(re.search(r'<line x1="([\d.]+)"', today[0])[1])
    assert x["overdue"] < today_x < x["open"]


def test_the_work_plan_lists_owner_status_and_next_milestone(client, plan, frozen):
    planned(plan)
    html = client.get(reverse("workplan:index")).content.decode()
    row = re.search(
        r'<tr>\s*<td>\d+</td>\s*<th scope="row">'
        r'<a href="/workplan/medical-llm/">.*?</tr>',
        html,
        re.DOTALL,
    )[0]
    assert plan.owner.person.name in row
    assert "Active" in row
    assert "Expert review" in row and "overdue" in row


def test_without_dates_there_is_no_timeline(client, plan):
    html = client.get(reverse("workplan:index")).content.decode()
    assert "No dates have been planned yet." in html
    assert '<svg class="timeline"' not in html


def test_the_item_page_draws_one_labelled_row_per_milestone(client, plan, frozen):
    planned(plan)
    html = client.get(plan.item.get_absolute_url()).content.decode()
    svg = svg_of(html)
    labels = re.findall(r'<text class="timeline-label" x="8" y="[\d.]+">([^<]+)', svg)
    assert labels == ["Medical LLM", "First draft", "Expert review", "Publication"]
    assert 'data-date="2027-03-10"' in svg
    # The same facts in the table beside it.
    table = re.search(r'<table class="table milestones">.*?</table>', html, re.DOTALL)[
        0
    ]
    assert table.count("<tr>") == 4
    assert 'class="overdue"' in table


def test_the_item_page_shows_who_changed_what_and_when(client, plan, frozen):
    planned(plan)
    html = client.get(plan.item.get_absolute_url()).content.decode()
    history = html[html.index('id="history-title"') :]
    assert "Details edited" in history
    assert "Status: Planned → Active" in history
    assert "Milestone added: Expert review" in history
    assert plan.owner.person.name in history
    assert '<time datetime="2027-03-10T09:00:00+00:00">' in history


def test_the_item_page_offers_editing_to_those_who_may_only(client, plan):
    edit = reverse("workplan:item_edit", args=[plan.item.slug])
    assert edit not in client.get(plan.item.get_absolute_url()).content.decode()
    client.force_login(plan.other_deputy)
    assert edit not in client.get(plan.item.get_absolute_url()).content.decode()
    client.force_login(plan.owner)
    assert edit in client.get(plan.item.get_absolute_url()).content.decode()


def test_pages_keep_their_query_count_however_many_milestones(
    client, plan, django_assert_max_num_queries
):
    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from portal.public_cache import bump_working_version

        # The counts by state computed afresh each time (they are kept
        # until a standard changes: portal.public_cache.cached_working).
        bump_working_version()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    planned(plan)
    index, item = reverse("workplan:index"), plan.item.get_absolute_url()
    small = count(index), count(item)
    for n in range(12):
        other = WorkItem.objects.create(
            title=f"Item {n}", slug=f"item-{n}", order=10 + n
        )
        for m in range(3):
            Milestone.objects.create(
                work_item=other, title=f"M{m}", due=datetime.date(2027, 1 + m, 1)
            )
            Milestone.objects.create(
                work_item=plan.item, title=f"M{n}{m}", due=datetime.date(2027, 1 + m, 2)
            )
        services.work_item_update(
            work_item_id=plan.item.pk, actor=plan.owner, description=f"v{n}"
        )
    assert (count(index), count(item)) == small
    with django_assert_max_num_queries(4):
        client.get(index)


# --- editing in the browser ------------------------------------------------------


def test_the_owner_edits_their_item_in_the_browser(client, plan):
    client.force_login(plan.owner)
    url = reverse("workplan:item_edit", args=[plan.item.slug])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert "owner" not in form.fields  # the leader's choice
    data = {
        **form.initial,
        "status": "at_risk",
        "start": "2027-01-01",
        "end": "2027-12-31",
    }
    data = {k: v for k, v in data.items() if v is not None}

    response = client.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == plan.item.get_absolute_url()
    item = WorkItem.objects.get(pk=plan.item.pk)
    assert (item.status, item.start) == ("at_risk", datetime.date(2027, 1, 1))
    assert HistoryEntry.objects.get().actor == plan.owner


def test_the_leader_names_the_owner_in_the_browser(client, plan):
    client.force_login(plan.leader)
    url = reverse("workplan:item_edit", args=[plan.item.slug])
    form = client.get(url).context["form"]
    assert plan.other_deputy.person in form.fields["owner"].queryset
    assert plan.member.person not in form.fields["owner"].queryset
    response = client.post(
        url, {"status": "planned", "owner": plan.other_deputy.person.pk}
    )
    assert response.status_code == 302
    assert WorkItem.objects.get(pk=plan.item.pk).owner == plan.other_deputy.person


def test_a_deputy_of_another_field_cannot_open_the_edit_page(client, plan):
    client.force_login(plan.other_deputy)
    for url in (
        reverse("workplan:item_edit", args=[plan.item.slug]),
        reverse("workplan:milestone_new", args=[plan.item.slug]),
    ):
        assert client.get(url).status_code == 403
        assert (
            client.post(
                url, {"status": "done", "title": "X", "due": "2027-01-01"}
            ).status_code
            == 403
        )
    assert WorkItem.objects.get(pk=plan.item.pk).status == "planned"
    assert not Milestone.objects.exists()


def test_signing_in_is_asked_first(client, plan):
    url = reverse("workplan:item_edit", args=[plan.item.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_bad_input_comes_back_on_the_form(client, plan):
    client.force_login(plan.owner)
    url = reverse("workplan:item_edit", args=[plan.item.slug])
    response = client.post(
        url, {"status": "planned", "start": "2027-06-01", "end": "2027-01-01"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "end": ["The target end is before the start."]
    }
    response = client.post(url, {"status": "whenever"})
    assert response.status_code == 400
    assert "status" in response.context["form"].errors


def test_a_stale_form_is_refused_with_a_conflict(client, plan):
    client.force_login(plan.owner)
    url = reverse("workplan:item_edit", args=[plan.item.slug])
    stale = client.get(url).context["form"].initial["updated"]
    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.deputy, status="active"
    )
    response = client.post(url, {"status": "done", "updated": stale})
    assert response.status_code == 409
    assert "changed meanwhile" in response.content.decode()
    assert WorkItem.objects.get(pk=plan.item.pk).status == "active"


def test_milestones_are_added_edited_and_removed_in_the_browser(client, plan, frozen):
    client.force_login(plan.deputy)
    new = reverse("workplan:milestone_new", args=[plan.item.slug])
    assert client.get(new).status_code == 200
    response = client.post(
        new, {"title": "First draft", "title_zh": "初稿", "due": "2027-04-01"}
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get()

    edit = reverse("workplan:milestone_edit", args=[plan.item.slug, milestone.pk])
    response = client.post(
        edit, {"title": "First draft", "due": "2027-04-01", "done_on": "2027-03-11"}
    )
    assert response.status_code == 400  # tomorrow
    assert "done_on" in response.context["form"].errors
    response = client.post(
        edit, {"title": "First draft", "due": "2027-04-01", "done_on": "2027-03-09"}
    )
    assert response.status_code == 302
    assert Milestone.objects.get().done_on == datetime.date(2027, 3, 9)

    delete = reverse("workplan:milestone_delete", args=[plan.item.slug, milestone.pk])
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    assert not Milestone.objects.exists()
    assert client.post(delete).status_code == 404


def test_a_milestone_of_another_item_is_not_found(client, plan):
    other = WorkItem.objects.create(title="Ethics", slug="ethics", order=2)
    milestone = Milestone.objects.create(
        work_item=other, title="Draft", due=datetime.date(2027, 1, 1)
    )
    client.force_login(plan.leader)
    url = reverse("workplan:milestone_edit", args=[plan.item.slug, milestone.pk])
    assert client.get(url).status_code == 404
    url = reverse("workplan:milestone_delete", args=[plan.item.slug, milestone.pk])
    assert client.post(url).status_code == 404
    assert Milestone.objects.filter(pk=milestone.pk).exists()


# --- the dashboard ------------------------------------------------------------------


def test_the_dashboard_shows_the_items_at_risk(client, plan, frozen):
    planned(plan)  # one milestone overdue
    WorkItem.objects.create(
        title="Marked at risk", slug="marked", order=2, status="at_risk"
    )
    WorkItem.objects.create(title="On time", slug="on-time", order=3, status="active")
    client.force_login(plan.leader)

    html = client.get(reverse("standards:dashboard")).content.decode()

    at_risk = re.search(r'<ul class="due-list at-risk".*?</ul>', html, re.DOTALL)[0]
    assert "Medical LLM" in at_risk and "1 milestone overdue" in at_risk
    assert "Marked at risk" in at_risk
    assert "On time" not in at_risk


def test_linked_qms_programmes_show_to_those_who_see_them(client, plan):
    from qms.models import Programme
    from tests.factories import OrganisationFactory

    programme = Programme.objects.create(
        organisation=OrganisationFactory(name="Alpha University")
    )
    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.leader, qms_programmes=[programme.pk]
    )
    url = plan.item.get_absolute_url()
    html = client.get(url).content.decode()
    assert "Alpha University" not in html
    assert "QMS programmes changed" in html
    client.force_login(plan.deputy)  # deputy leaders see every programme
    html = client.get(url).content.decode()
    assert programme.get_absolute_url() in html
    assert "Alpha University" in html
