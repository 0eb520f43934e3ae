"""Every change to the work plan: one function per action, each in one
transaction, checking ``workplan.permissions`` and recording what changed in
the item's history (who, when, each value from and to).

Refusals are the portal's ``ApplicationError``: ``forbidden`` (403) for
someone who may not, ``not_found`` (404) for an unknown item or milestone,
``conflict`` (409) for an item changed since the caller read it, ``invalid``
(400, with the field) for bad input.
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from committees.models import Person
from portal.errors import ApplicationError, Conflict
from qms.models import Programme

from . import permissions
from .models import HistoryAction, HistoryEntry, Milestone, WorkItem
from .selectors import owner_candidates

TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 20_000

# Not given: left as it is (``None`` is a value: "no date", "no owner").
UNSET: Any = object()


# --- locking and input ------------------------------------------------------------


def _lock(work_item_id) -> WorkItem:
    try:
        return (
            WorkItem.objects.select_for_update()
            .prefetch_related("fields")
            .get(pk=work_item_id)
        )
    except (WorkItem.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ApplicationError(_("No such work item."), code="not_found") from None


def _check_unchanged(item: WorkItem, expected_updated) -> None:
    """Refuse when the item changed since the caller read it (the time of its
    last change, as the form or the API gave it)."""
    if expected_updated in (None, ""):
        return
    if isinstance(expected_updated, str):
        try:
            expected_updated = datetime.datetime.fromisoformat(expected_updated)
        except ValueError:
            raise Conflict(_("This work item changed meanwhile.")) from None
    if expected_updated != item.updated:
        raise Conflict(
            _(
                "This work item changed meanwhile: someone else saved it. "
                "Reload the page to see their change, then make yours again."
            )
        )


def _text(value, *, field: str, required: bool = False, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("This field is required."), field=field)
    if len(value) > limit:
        raise ApplicationError(
            _("At most %(limit)d characters.") % {"limit": limit}, field=field
        )
    return value


def _date(value, *, field: str, required: bool = False) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ApplicationError(_("This field is required."), field=field)
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ApplicationError(_("Enter a date as YYYY-MM-DD."), field=field)
    return parsed


def _status(value) -> str:
    if value in WorkItem.Status.values:
        return value
    raise ApplicationError(_("Choose a status of the list."), field="status")


def _owner(value) -> Person | None:
    """A person who is a deputy leader now, or none."""
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Person) else value
    try:
        return owner_candidates().get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ApplicationError(
            _("The owner must be a deputy leader of the working group."),
            field="owner",
        ) from None


def _programmes(values) -> list[Programme]:
    """QMS programmes by id (or as rows), in id order."""
    ids = {getattr(value, "pk", value) for value in values or ()}
    try:
        found = list(Programme.objects.filter(pk__in=ids).order_by("pk"))
    except (ValueError, TypeError, OverflowError):
        found = []
    if len(found) != len(ids):
        raise ApplicationError(
            _("Choose QMS programmes of the list."), field="qms_programmes"
        )
    return found


def _done_on(value) -> datetime.date | None:
    done_on = _date(value, field="done_on")
    if done_on is not None and done_on > timezone.localdate():
        raise ApplicationError(
            _("A milestone cannot be done on a day still to come."), field="done_on"
        )
    return done_on


# --- history ------------------------------------------------------------------------


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Person):
        return value.name
    return str(value)


def _diff(obj, values: dict) -> list[dict]:
    """What setting ``values`` on ``obj`` changes, each from and to."""
    changes = []
    for name, value in values.items():
        current = getattr(obj, name)
        if current != value:
            changes.append(
                {"field": name, "from": _plain(current), "to": _plain(value)}
            )
    return changes


def history_record(
    *, work_item: WorkItem, actor, action: str, changes=(), subject: str = ""
) -> HistoryEntry:
    return HistoryEntry.objects.create(
        work_item=work_item,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        subject=subject,
        changes=list(changes),
    )


# --- actions ------------------------------------------------------------------------


@transaction.atomic
def work_item_update(
    *,
    work_item_id: int,
    actor,
    expected_updated=None,
    description=UNSET,
    description_zh=UNSET,
    status=UNSET,
    start=UNSET,
    end=UNSET,
    owner=UNSET,
    qms_programmes=UNSET,
) -> WorkItem:
    """Change an item's details (description, status, target dates), by the
    leader, its owner or a deputy leader of its fields; its owner, a deputy
    leader, by the leader only. The target end is not before the start.
    Records one history entry with every value changed; none when nothing
    changed."""
    item = _lock(work_item_id)
    permissions.require(permissions.can_edit_work_item(item, actor))
    _check_unchanged(item, expected_updated)
    values: dict[str, Any] = {}
    if description is not UNSET:
        values["description"] = _text(
            description, field="description", limit=DESCRIPTION_LIMIT
        )
    if description_zh is not UNSET:
        values["description_zh"] = _text(
            description_zh, field="description_zh", limit=DESCRIPTION_LIMIT
        )
    if status is not UNSET:
        values["status"] = _status(status)
    if start is not UNSET:
        values["start"] = _date(start, field="start")
    if end is not UNSET:
        values["end"] = _date(end, field="end")
    if owner is not UNSET:
        new_owner = _owner(owner)
        if new_owner != item.owner:
            decision = permissions.can_change_owner(item, actor)
            if not decision:
                raise ApplicationError(
                    decision.message, code="forbidden", field="owner"
                )
        values["owner"] = new_owner
    start_on = values.get("start", item.start)
    end_on = values.get("end", item.end)
    if start_on and end_on and end_on < start_on:
        raise ApplicationError(_("The target end is before the start."), field="end")
    changes = _diff(item, values)
    programmes = None
    if qms_programmes is not UNSET:
        programmes = _programmes(qms_programmes)
        before = sorted(item.qms_programmes.all(), key=lambda p: p.pk)
        if before != programmes:
            # Which programmes is working material of their organisations,
            # and the history is public: it says that they changed only.
            changes.append({"field": "qms_programmes", "from": "", "to": ""})
    if not changes:
        return item
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    if programmes is not None:
        item.qms_programmes.set(programmes)
    history_record(
        work_item=item, actor=actor, action=HistoryAction.EDITED, changes=changes
    )
    return item


def _milestone_values(title, title_zh, due, done_on) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if title is not UNSET:
        values["title"] = _text(title, field="title", required=True, limit=TITLE_LIMIT)
    if title_zh is not UNSET:
        values["title_zh"] = _text(title_zh, field="title_zh", limit=TITLE_LIMIT)
    if due is not UNSET:
        values["due"] = _date(due, field="due", required=True)
    if done_on is not UNSET:
        values["done_on"] = _done_on(done_on)
    return values


@transaction.atomic
def milestone_create(
    *,
    work_item_id: int,
    actor,
    title: str,
    due,
    title_zh: str = "",
    done_on=None,
) -> Milestone:
    """Add a milestone to an item (by those who may edit it): a title and a
    due date; a done date, if given, not in the future."""
    item = _lock(work_item_id)
    permissions.require(permissions.can_edit_work_item(item, actor))
    values = _milestone_values(title, title_zh, due, done_on)
    milestone = Milestone.objects.create(work_item=item, **values)
    item.save(update_fields=["updated"])
    history_record(
        work_item=item,
        actor=actor,
        action=HistoryAction.MILESTONE_ADDED,
        subject=milestone.title,
        changes=[
            {"field": name, "from": "", "to": _plain(value)}
            for name, value in values.items()
            if value not in (None, "")
        ],
    )
    return milestone


def _lock_milestone(work_item_id, milestone_id) -> tuple[WorkItem, Milestone]:
    item = _lock(work_item_id)
    try:
        milestone = item.milestones.select_for_update().get(pk=milestone_id)
    except (Milestone.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ApplicationError(_("No such milestone."), code="not_found") from None
    return item, milestone


@transaction.atomic
def milestone_update(
    *,
    work_item_id: int,
    milestone_id: int,
    actor,
    title=UNSET,
    title_zh=UNSET,
    due=UNSET,
    done_on=UNSET,
) -> Milestone:
    """Change a milestone of an item (by those who may edit the item): mark
    it done with the day it was done, move its due date, rename it."""
    item, milestone = _lock_milestone(work_item_id, milestone_id)
    permissions.require(permissions.can_edit_work_item(item, actor))
    values = _milestone_values(title, title_zh, due, done_on)
    changes = _diff(milestone, values)
    if not changes:
        return milestone
    subject = milestone.title
    for name, value in values.items():
        setattr(milestone, name, value)
    milestone.save()
    item.save(update_fields=["updated"])
    history_record(
        work_item=item,
        actor=actor,
        action=HistoryAction.MILESTONE_CHANGED,
        subject=subject,
        changes=changes,
    )
    return milestone


@transaction.atomic
def milestone_delete(*, work_item_id: int, milestone_id: int, actor) -> None:
    """Remove a milestone of an item (by those who may edit the item); the
    history keeps what it was."""
    item, milestone = _lock_milestone(work_item_id, milestone_id)
    permissions.require(permissions.can_edit_work_item(item, actor))
    changes = [
        {"field": name, "from": _plain(getattr(milestone, name)), "to": ""}
        for name in ("title", "due", "done_on")
        if getattr(milestone, name) not in (None, "")
    ]
    milestone.delete()
    item.save(update_fields=["updated"])
    history_record(
        work_item=item,
        actor=actor,
        action=HistoryAction.MILESTONE_REMOVED,
        subject=milestone.title,
        changes=changes,
    )
