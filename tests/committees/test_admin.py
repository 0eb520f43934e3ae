import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def working_group(db, working_group_once):
    """Loaded once for the module (each test's writes are rolled back)."""


ADMIN_PAGES = [
    "admin:index",
    "admin:committees_person_changelist",
    "admin:committees_meeting_changelist",
    "admin:committees_field_changelist",
    "admin:committees_organisation_changelist",
    "admin:committees_role_changelist",
    "admin:committees_actionitem_changelist",
    "admin:committees_workinggroup_changelist",
    "admin:committees_procedurestep_changelist",
    "admin:workplan_workitem_changelist",
    "admin:qms_qmsstep_changelist",
]


@pytest.mark.django_db
def test_admin_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_refuses_a_user_who_is_not_staff(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:committees_person_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_staff_see_every_model_in_the_admin(client, working_group, name):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.django_db
def test_person_admin_shows_roles_and_meeting_admin_action_items(client, working_group):
    from committees.models import Meeting, Person

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    person = Person.objects.get(name="Ziming Zou")
    page = client.get(reverse("admin:committees_person_change", args=[person.pk]))
    assert "roles-TOTAL_FORMS" in page.content.decode()
    meeting = Meeting.objects.get()
    page = client.get(reverse("admin:committees_meeting_change", args=[meeting.pk]))
    assert "action_items-TOTAL_FORMS" in page.content.decode()
