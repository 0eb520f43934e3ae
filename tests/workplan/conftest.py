from dataclasses import dataclass

import pytest
from django.core.management import call_command

from committees.models import Role
from tests.factories import FieldFactory, PersonFactory, WorkItemFactory, user_with_role


@pytest.fixture
def working_group(db):
    """The working group loaded from the seed text, as `make run` does."""
    call_command("load_working_group", verbosity=0)


@pytest.fixture
def demo(working_group, settings):
    settings.DEBUG = True
    call_command("load_demo", password="demo-pass-1", verbosity=0)


@dataclass
class Plan:
    """A field with a subfield, another field, their deputy leaders, the
    leader, a member, and a work item of the first field owned by a deputy
    leader of its subfield."""

    field: object
    subfield: object
    other_field: object
    leader: object
    deputy: object  # of ``field`` (so of ``subfield`` too)
    owner: object  # deputy of ``subfield``, owner of ``item``
    other_deputy: object  # of ``other_field``
    member: object
    item: object


@pytest.fixture
def plan(db):
    field = FieldFactory(name="Medical Field")
    subfield = FieldFactory(name="Ophthalmology Subfield", parent=field)
    other_field = FieldFactory(name="Ethics Field")
    owner = user_with_role(
        Role.Kind.DEPUTY_LEADER, field=subfield, username="owner-deputy"
    )
    item = WorkItemFactory(title="Medical LLM", slug="medical-llm")
    item.fields.add(field)
    item.owner = owner.person
    item.save()
    return Plan(
        field=field,
        subfield=subfield,
        other_field=other_field,
        leader=user_with_role(Role.Kind.LEADER, username="the-leader"),
        deputy=user_with_role(
            Role.Kind.DEPUTY_LEADER, field=field, username="field-deputy"
        ),
        owner=owner,
        other_deputy=user_with_role(
            Role.Kind.DEPUTY_LEADER, field=other_field, username="other-deputy"
        ),
        member=PersonFactory().user,
        item=item,
    )
