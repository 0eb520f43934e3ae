import pytest
from django.urls import reverse

from standards.models import Standard
from tests.factories import StandardFactory
from workplan.models import WorkItem


@pytest.fixture
def working_group(db, working_group_once):
    """Loaded once for the module (each test's writes are rolled back)."""


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_work_plan_lists_every_item_with_its_fields(client, working_group):
    html = _page(client, reverse("workplan:index"))
    for item in WorkItem.objects.all():
        assert item.title in html
    assert "AI Inference Systems Subfield" in html
    assert html.index("General LLM") < html.index("Evaluation Science and Engineering")


@pytest.mark.django_db
def test_work_plan_counts_standards_by_state_in_a_fixed_number_of_queries(
    client, working_group, django_assert_num_queries
):
    medical = WorkItem.objects.get(title="Medical LLM")
    general = WorkItem.objects.get(title="General LLM")
    field = medical.fields.get()
    in_audit = StandardFactory(work_item=medical, field=field)
    StandardFactory(work_item=medical, field=field)
    StandardFactory(work_item=general, field=field)
    # Only the count matters here, not how the standard got to audit.
    Standard.objects.filter(pk=in_audit.pk).update(status="audit")

    # Session-less: items with owners, their fields, milestones, counts.
    with django_assert_num_queries(4):
        response = client.get(reverse("workplan:index"))

    counts = {item.title: item.state_counts for item in response.context["items"]}
    assert counts["Medical LLM"] == [("draft", "Draft", 1), ("audit", "Audit", 1)]
    assert counts["General LLM"] == [("draft", "Draft", 1)]
    assert counts["Sovereign LLM"] == []


@pytest.mark.django_db
def test_work_item_page_shows_fields_and_progress(client, working_group):
    item = WorkItem.objects.get(title="Power Consumption LLM")
    html = _page(client, item.get_absolute_url())
    assert "Power Consumption LLM" in html
    assert "Energy Efficiency Subfield" in html
    assert "No standard of this work item has been published yet." in html


@pytest.mark.django_db
def test_work_item_page_shows_its_published_standards(client, working_group):
    item = WorkItem.objects.get(title="Medical LLM")
    StandardFactory(
        work_item=item,
        field=item.fields.get(),
        title="Evaluation of medical LLM",
        number="LLMSWG 0001:2026",
        has_edition=True,
    )
    StandardFactory(work_item=item, field=item.fields.get(), title="A private draft")

    html = _page(client, item.get_absolute_url())

    assert "Evaluation of medical LLM" in html
    assert "A private draft" not in html


@pytest.mark.django_db
def test_unknown_work_item_is_not_found(client, working_group):
    assert client.get(reverse("workplan:item", args=["no-such"])).status_code == 404
