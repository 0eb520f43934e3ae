"""Factories for the portal's models. Apps add their own in tests/<app>/."""

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from committees.models import Field, Organisation, Person, Role
from standards.models import Standard, Version
from workplan.models import WorkItem


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pw-for-tests-1")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    is_member = True


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Field {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class WorkItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkItem

    order = factory.Sequence(lambda n: 1000 + n)
    title = factory.Sequence(lambda n: f"Work item {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        first = factory.Faker("first_name")
        last = factory.Faker("last_name")

    # A first and a last name: Faker's "name" sometimes adds a prefix or a
    # suffix ("Mrs.", "Jr."), whose full stop made the tests that a
    # notification is one sentence fail at random.
    name = factory.LazyAttribute(lambda person: f"{person.first} {person.last}")
    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    person = factory.SubFactory(PersonFactory)
    kind = Role.Kind.EXPERT
    field = factory.SubFactory(FieldFactory)


def user_with_role(kind, *, field=None, organisation=None, username=None):
    """A user whose person holds one current role of ``kind``."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(**kwargs)
    person = PersonFactory(
        user=user, organisation=organisation or OrganisationFactory()
    )
    Role.objects.create(
        person=person,
        kind=kind,
        field=field,
        organisation=organisation if kind == Role.Kind.MEMBER_REPRESENTATIVE else None,
    )
    return user


class StandardFactory(factory.django.DjangoModelFactory):
    """A draft. Move it on through the services, never by setting ``status``."""

    class Meta:
        model = Standard

    title = factory.Sequence(lambda n: f"Evaluation of large language models, part {n}")
    scope = "This standard specifies how to evaluate large language models."
    field = factory.SubFactory(FieldFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Version

    standard = factory.SubFactory(StandardFactory)
    number = factory.Sequence(lambda n: n + 1)
    body = "# Scope\n\nThis standard specifies evaluation.\n"
    change_summary = "First version"
