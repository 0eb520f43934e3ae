import pytest
from django.urls import reverse
from django.utils.html import escape

from committees.models import Meeting, Person, Role
from tests.factories import FieldFactory, RoleFactory


@pytest.fixture
def working_group(db, working_group_once):
    """Loaded once for the module (each test's writes are rolled back)."""


# The session-free committees page: the leaders, the top-level fields, their
# deputies, their subfields and the subfields' deputies.
QUERIES = 5


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_committees_page_shows_the_leader_and_every_deputy_under_its_field(
    client, working_group
):
    html = _page(client, reverse("committees:committees"))
    assert "Jianfeng Zhan" in html
    assert "Founding Chair" in html
    assert "Ziming Zou" in html
    assert "National Space Science Center, Chinese Academy of Sciences" in html
    assert "AI Inference Systems Subfield" in html
    for role in Role.objects.filter(kind="deputy_leader").select_related("person"):
        assert role.person.name in html
    # Subfields come after their field, deputies after their subfield.
    assert (
        html.index("Systems and Chips Field")
        < html.index("AI Inference Systems Subfield")
        < html.index("Li Ruan")
    )


@pytest.mark.django_db
def test_committees_page_queries_do_not_grow_with_the_fields(
    client, working_group, django_assert_num_queries
):
    url = reverse("committees:committees")
    with django_assert_num_queries(QUERIES):
        _page(client, url)

    for n in range(3):
        field = FieldFactory(name=f"Quantum Field {n}")
        subfield = FieldFactory(name=f"Quantum Subfield {n}", parent=field)
        for where in (field, subfield, subfield):
            RoleFactory(kind=Role.Kind.DEPUTY_LEADER, field=where)
    added = Role.objects.filter(field__name__startswith="Quantum")
    assert added.count() == 9

    with django_assert_num_queries(QUERIES):
        html = _page(client, url)
    assert "Quantum Field 2" in html and "Quantum Subfield 2" in html
    for role in added.select_related("person"):
        assert escape(role.person.name) in html


@pytest.mark.django_db
def test_field_page_shows_subfields_deputies_and_work_items(client, working_group):
    html = _page(client, reverse("committees:field", args=["medical-field"]))
    assert "Medical Field" in html
    assert "Pharmaceutical Subfield" in html
    assert "Yi Zhao" in html
    assert "Medical LLM" in html

    html = _page(
        client, reverse("committees:field", args=["energy-efficiency-subfield"])
    )
    assert "Weiwei Lin" in html
    assert "Industrial Field" in html  # its parent, in the breadcrumbs
    assert "Power Consumption LLM" in html


@pytest.mark.django_db
def test_unknown_field_is_not_found(client, working_group):
    assert client.get(reverse("committees:field", args=["no-such"])).status_code == 404


@pytest.mark.django_db
def test_members_page_lists_the_members_in_the_seed_order(client, working_group):
    html = _page(client, reverse("committees:members"))
    assert "38 organisations" in html
    assert html.index(
        "Institute of Software, Chinese Academy of Sciences"
    ) < html.index("Airt.ai")
    assert html.index("Capital Medical University") < html.index(
        "Institute of Psychology, Chinese Academy of Sciences"
    )
    assert "Zhongke Zhicheng (Guangzhou) Information Technology Co., Ltd." in html
    assert "Beihang University" not in html  # named in the committees only


@pytest.mark.django_db
def test_procedures_page_shows_the_steps_and_the_lifecycle(client, working_group):
    html = _page(client, reverse("committees:procedures"))
    for step in [
        "Prepare and document",
        "Feedback from Experts",
        "Audit and certification",
        "Publish and renew",
        "Abolish and renew",
    ]:
        assert step in html
    for label in ["Submit", "Request changes", "Advance to audit", "Fail the audit"]:
        assert label in html
    for transition in ["certify", "publish", "start_renewal", "reaffirm", "abolish"]:
        assert f'id="transition-{transition}"' in html
    assert "status-expert_review" in html
    assert "any state but abolished" in html


@pytest.mark.django_db
def test_meetings_page_lists_the_first_meeting(client, working_group):
    html = _page(client, reverse("committees:meetings"))
    assert "First Work Group Meeting" in html
    assert "2024-12-05" in html


@pytest.mark.django_db
def test_meeting_without_minutes_says_they_are_not_published_yet(client, working_group):
    meeting = Meeting.objects.get()
    html = _page(client, meeting.get_absolute_url())
    assert "First Work Group Meeting" in html
    assert "have not been published in the portal yet" in html


@pytest.mark.django_db
def test_meeting_minutes_are_rendered_as_sanitised_markdown(client, working_group):
    meeting = Meeting.objects.get()
    Meeting.objects.filter(pk=meeting.pk).update(
        minutes="## Decisions\n\n* adopt the plan\n\n<script>alert(1)</script>",
        status="minutes_approved",
    )
    meeting.attendance.create(
        person=Person.objects.get(name="Ziming Zou"), status="present"
    )
    meeting.action_items.create(text="Draft the **evaluation** standard")

    html = _page(client, meeting.get_absolute_url())

    assert "<h3>Decisions</h3>" in html
    assert "<li>adopt the plan</li>" in html
    assert "<script>alert(1)" not in html
    assert "Ziming Zou" in html
    assert "Draft the **evaluation** standard" in html


@pytest.mark.django_db
def test_sample_people_are_marked_on_the_committees_page(client, demo):
    html = _page(client, reverse("committees:committees"))
    assert "Demo Leader (sample)" in html
    assert 'class="badge sample"' in html
