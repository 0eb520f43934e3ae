import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from qms.models import Status

pytestmark = pytest.mark.django_db


def test_the_admin_shows_programmes_and_suspends_through_the_services(
    client, qms_world, walk
):
    from committees.models import Role
    from tests.factories import PersonFactory

    programme = walk.to(Status.CERTIFIED)
    staff = get_user_model().objects.create_user(
        "sec", password="x", is_staff=True, is_superuser=True
    )
    # A superuser alone holds no role of the QMS: the action is refused.
    client.force_login(staff)
    assert client.get(reverse("admin:qms_programme_changelist")).status_code == 200
    assert (
        client.get(
            reverse("admin:qms_programme_change", args=[programme.pk])
        ).status_code
        == 200
    )
    client.post(
        reverse("admin:qms_programme_changelist"),
        {"action": "take_suspend", "_selected_action": [programme.pk]},
    )
    programme.refresh_from_db()
    assert programme.status == Status.CERTIFIED
    person = PersonFactory(user=staff)
    Role.objects.create(person=person, kind=Role.Kind.LEADER)
    client.post(
        reverse("admin:qms_programme_changelist"),
        {"action": "take_suspend", "_selected_action": [programme.pk]},
    )
    programme.refresh_from_db()
    assert programme.status == Status.SUSPENDED
    assert programme.history.last().actor == staff
