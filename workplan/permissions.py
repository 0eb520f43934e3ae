"""Who may do what with the work plan: every rule, in this one module.

The work plan is public: everyone reads its items, their milestones,
timeline and history. Changing an item (its details, status, dates and
milestones) is for

- the leader of the working group, on every item;
- the item's owner, while a deputy leader;
- the deputy leaders of the item's fields (a deputy leader of a field also
  acts on its subfields, as for standards).

Only the leader names or changes an item's owner.

Each rule is a predicate of an item and a user, with its QuerySet twin
beside it where a list needs the same rule; a test checks that they agree.
Services refuse with these rules (``require``); pages and the API ask them
what to offer.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from committees.selectors import user_roles
from standards.permissions import ALLOWED, Decision, require  # noqa: F401


def _refuse(code: str, message) -> Decision:
    return Decision(False, code, str(message))


def _field_ids(item) -> set[int]:
    """The item's fields, from its prefetched fields when there are some."""
    cache = getattr(item, "_prefetched_objects_cache", {})
    if "fields" in cache:
        return {field.pk for field in cache["fields"]}
    return set(item.fields.values_list("pk", flat=True))


def is_owner(item, user) -> bool:
    roles = user_roles(user)
    return roles.person_id is not None and item.owner_id == roles.person_id


def can_edit_work_item(item, user) -> Decision:
    """The leader edits every item; a deputy leader edits the items they
    own and those of their fields."""
    if not user.is_authenticated:
        return _refuse("forbidden", _("Sign in to edit the work plan."))
    roles = user_roles(user)
    if roles.leader:
        return ALLOWED
    if roles.is_deputy and (
        is_owner(item, user) or _field_ids(item) & roles.deputy_field_ids
    ):
        return ALLOWED
    return _refuse(
        "forbidden",
        _(
            "Only the leader, the item's owner and the deputy leaders of its "
            "fields may change this work item."
        ),
    )


def editable_work_items(user) -> QuerySet:
    """Twin of ``can_edit_work_item``: the items ``user`` may edit."""
    from .models import WorkItem

    items = WorkItem.objects.all()
    if not user.is_authenticated:
        return items.none()
    roles = user_roles(user)
    if roles.leader:
        return items
    if not roles.is_deputy:
        return items.none()
    return items.filter(
        Q(owner_id=roles.person_id) | Q(fields__in=roles.deputy_field_ids)
    ).distinct()


def can_change_owner(item, user) -> Decision:
    """Only the leader names an item's owner."""
    if user.is_authenticated and user_roles(user).leader:
        return ALLOWED
    return _refuse("forbidden", _("Only the leader names the owner of a work item."))
