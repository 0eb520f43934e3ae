import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from committees import selectors
from committees.models import Organisation, Person, Role

User = get_user_model()
DEMO_USERS = ["leader", "deputy", "member", "member2", "expert1", "expert2", "auditor"]


def _load_demo(password="demo-pass-1", **kwargs):
    out = io.StringIO()
    call_command("load_demo", password=password, stdout=out, **kwargs)
    return out.getvalue()


def _counts():
    return {
        model._meta.label: model.objects.count()
        for model in (User, Person, Role, Organisation)
    }


@pytest.mark.django_db
def test_demo_accounts_hold_their_roles(demo):
    def roles(username):
        return selectors.user_roles(User.objects.get(username=username))

    medical = Role.objects.get(kind="deputy_leader", person__user__username="deputy")
    assert medical.field.name == "Medical Field"
    assert roles("leader").leader
    assert roles("deputy").is_deputy
    assert roles("auditor").auditor
    for username in ["expert1", "expert2"]:
        role = Role.objects.get(person__user__username=username)
        assert (role.kind, role.field.name) == ("expert", "Medical Field")
    for username, org in [
        ("member", "Peking University"),
        ("member2", "Tsinghua University"),
    ]:
        person = Person.objects.get(user__username=username)
        assert person.organisation.name == org
        role = person.roles.get()
        assert (role.kind, role.organisation.name) == ("member_representative", org)

    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


@pytest.mark.django_db
def test_demo_data_is_marked_as_sample(demo):
    people = Person.objects.filter(user__username__in=DEMO_USERS)
    assert people.count() == len(DEMO_USERS)
    for person in people:
        assert person.is_sample
        assert "(sample)" in person.name
    assert not Person.objects.get(name="Jianfeng Zhan").user
    for org in Organisation.objects.filter(is_sample=True):
        assert "(sample)" in org.name
        assert not org.is_member


@pytest.mark.django_db
def test_loading_the_demo_twice_keeps_the_rows_and_resets_passwords(demo, settings):
    before = _counts()
    user = User.objects.get(username="member")
    user.set_password("changed-by-someone")
    user.save()

    _load_demo(password="another-pass-2")

    assert _counts() == before
    for username in [*DEMO_USERS, "admin"]:
        assert User.objects.get(username=username).check_password("another-pass-2")


@pytest.mark.django_db
def test_demo_prints_the_logins(working_group, settings):
    settings.DEBUG = True
    out = _load_demo()
    for username in [*DEMO_USERS, "admin"]:
        assert username in out
    assert "demo-pass-1" in out


@pytest.mark.django_db
def test_demo_loads_the_working_group_when_missing(settings):
    settings.DEBUG = True
    _load_demo()
    assert (
        Role.objects.filter(kind="deputy_leader", person__is_sample=False).count() == 29
    )


@pytest.mark.django_db
def test_demo_refuses_to_run_without_debug(working_group, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Never run in production"):
        _load_demo()
    assert not User.objects.filter(username="leader").exists()


@pytest.mark.django_db
def test_demo_runs_without_debug_when_forced(working_group, settings):
    settings.DEBUG = False
    _load_demo(force=True)
    assert User.objects.filter(username="leader").exists()
