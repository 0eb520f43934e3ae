"""Progress bars of the work plan: each work item's standards by state, as a
stacked bar with its share published, without extra queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Field, Role
from standards.models import Standard
from tests.factories import StandardFactory, user_with_role
from workplan.models import WorkItem
from workplan.selectors import progress_of


@pytest.fixture
def working_group(db, working_group_once):
    """Loaded once for the module (each test's writes are rolled back)."""


def test_progress_of_counts_by_state():
    progress = progress_of(
        [("draft", "Draft", 1), ("audit", "Audit", 1), ("published", "Published", 2)]
    )
    assert progress.total == 4
    assert progress.published == 2
    assert progress.percent == 50
    assert [(s.status, s.count, s.x, s.width) for s in progress.segments] == [
        ("draft", 1, 0.0, 25.0),
        ("audit", 1, 25.0, 25.0),
        ("published", 2, 50.0, 50.0),
    ]


def test_progress_of_nothing_is_empty():
    progress = progress_of([])
    assert (progress.total, progress.published, progress.percent) == (0, 0, 0)
    assert progress.segments == []


def test_progress_of_thirds_rounds_the_percent():
    progress = progress_of([("draft", "Draft", 2), ("published", "Published", 1)])
    assert progress.percent == 33
    assert [s.width for s in progress.segments] == [66.67, 33.33]


def add_standards(item, *, published=0, drafts=0, audit=0):
    field = item.fields.first() or Field.objects.first()
    for status, n in (("published", published), ("draft", drafts), ("audit", audit)):
        for _ in range(n):
            standard = StandardFactory(
                work_item=item, field=field, has_edition=status == "published"
            )
            # Only the count matters here, not how the standard got there.
            Standard.objects.filter(pk=standard.pk).update(status=status)


@pytest.mark.django_db
def test_work_plan_shows_a_progress_bar_per_item_with_accessible_text(
    client, working_group
):
    medical = WorkItem.objects.get(title="Medical LLM")
    add_standards(medical, published=1, drafts=1, audit=1)

    html = client.get(reverse("workplan:index")).content.decode()

    assert html.count('class="progress-bar"') == 1  # only items with standards
    bar = re.search(r'<svg class="progress-bar".*?</svg>', html, re.DOTALL)[0]
    assert 'aria-hidden="true"' in bar
    assert '<rect class="status-draft" x="0.00" y="0" width="33.33"' in bar
    assert '<rect class="status-audit" x="33.33" y="0" width="33.33"' in bar
    assert '<rect class="status-published" x="66.66" y="0" width="33.33"' in bar
    assert "1 of 3 standards published (33%)" in html


@pytest.mark.django_db
def test_work_item_page_shows_its_progress_bar(client, working_group):
    item = WorkItem.objects.get(title="Medical LLM")
    add_standards(item, published=1)

    html = client.get(item.get_absolute_url()).content.decode()

    assert '<rect class="status-published" x="0.00" y="0" width="100.00"' in html
    assert "1 of 1 standard published (100%)" in html


@pytest.mark.django_db
def test_progress_bars_keep_the_work_plan_query_count(
    client, working_group, django_assert_num_queries
):
    for n, item in enumerate(WorkItem.objects.all()):
        add_standards(item, published=n % 3, drafts=n % 2 + 1, audit=n % 4)

    # Session-less: items with owners, their fields, milestones, counts.
    with django_assert_num_queries(4):
        response = client.get(reverse("workplan:index"))

    assert response.content.decode().count('class="progress-bar"') == (
        WorkItem.objects.count()
    )


@pytest.mark.django_db
def test_dashboard_shows_the_work_plan_progress_in_a_fixed_number_of_queries(
    client, working_group
):
    client.force_login(user_with_role(Role.Kind.LEADER, username="the-leader"))
    medical = WorkItem.objects.get(title="Medical LLM")
    add_standards(medical, published=1, drafts=1)

    def dashboard():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("standards:dashboard"))
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    html, small = dashboard()
    # "My work" (waiting, reviews, periodic reviews, recently published),
    # then the pipeline: 16, then 18 since it shows the meetings' action
    # items and the work plan items at risk (issue 17).
    assert small == 18
    assert "Progress of the work plan" in html
    assert "1 of 2 standards published (50%)" in html
    assert html.count('class="progress-bar"') == 1

    for n, item in enumerate(WorkItem.objects.all()):
        add_standards(item, published=n % 2, drafts=2, audit=1)
    html, large = dashboard()
    assert html.count('class="progress-bar"') == WorkItem.objects.count()
    assert small == large


@pytest.mark.django_db
def test_a_standard_under_renewal_counts_as_published_as_the_public_sees_it(
    working_group,
):
    from workplan.selectors import counts_by_state

    # An item of its own, after the seed's.
    item = WorkItem.objects.create(title="Evaluation", slug="evaluation", order=1000)
    renewal, draft = StandardFactory(work_item=item), StandardFactory(work_item=item)
    # A renewal: it has an edition in force and its state is a draft's again.
    Standard.objects.filter(pk=renewal.pk).update(has_edition=True, status="draft")
    counts = counts_by_state([item])[item.pk]
    assert [(code, n) for code, _label, n in counts] == [("draft", 1), ("published", 1)]
    assert draft.status == "draft"
