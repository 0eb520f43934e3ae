"""Reads of the work plan that pages share: each work item's standards by
state and its progress, in a fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.text import capfirst

from committees.models import Person, Role
from portal.public_cache import cached_working
from standards.models import Standard, Status
from standards.permissions import DRAFT_CYCLE

from .models import Milestone, WorkItem


def counts_by_state(items) -> dict[int, list[tuple[str, str, int]]]:
    """Per work item, its standards counted by state, in lifecycle order; a
    standard under renewal counts as published, as the public sees it (its
    edition stays in force; the renewal's state is working material).

    One grouped query for all items, whatever their number, kept until any
    standard changes (``cached_working``).
    """
    ids = tuple(sorted(getattr(item, "pk", item) for item in items))
    rows = cached_working("work-item-counts", ids, lambda: _counted_by_state(ids))
    by_item: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_item[row["work_item"]][row["shown"]] += row["n"]
    return {
        item_id: [
            (status.value, status.label, counts[status.value])
            for status in Status
            if counts.get(status.value)
        ]
        for item_id, counts in by_item.items()
    }


def _counted_by_state(ids: tuple[int, ...]) -> list[dict]:
    return list(
        Standard.objects.filter(work_item__in=ids)
        .annotate(
            shown=Case(
                When(
                    has_edition=True,
                    status__in=DRAFT_CYCLE,
                    then=Value(Status.PUBLISHED.value),
                ),
                default=F("status"),
                output_field=CharField(),
            )
        )
        .values("work_item", "shown")
        .annotate(n=Count("pk"))
        .order_by()
    )


@dataclass(frozen=True)
class Segment:
    status: str
    label: str
    count: int
    x: float  # where it starts, in % of the bar
    width: float  # its share, in % of the bar


@dataclass(frozen=True)
class Progress:
    """A work item's standards as a stacked bar, one segment per state."""

    total: int
    published: int
    segments: list[Segment]

    @property
    def percent(self) -> int:
        """The share published, in whole per cent."""
        return round(100 * self.published / self.total) if self.total else 0


def progress_of(state_counts: list[tuple[str, str, int]]) -> Progress:
    """The progress bar of the counts by state of ``_counts_by_state``;
    no query."""
    total = sum(n for _code, _label, n in state_counts)
    segments = []
    x = 0.0
    for code, label, n in state_counts:
        width = round(100 * n / total, 2) if total else 0.0
        segments.append(Segment(code, label, n, round(x, 2), width))
        x += width
    published = sum(n for code, _l, n in state_counts if code == Status.PUBLISHED)
    return Progress(total=total, published=published, segments=segments)


def items_with_progress(queryset=None) -> list[WorkItem]:
    """Work items in plan order, each with ``state_counts`` and ``progress``;
    two queries, whatever the number of items and standards."""
    items = list(WorkItem.objects.all() if queryset is None else queryset)
    counts = counts_by_state(items)
    for item in items:
        item.state_counts = counts.get(item.pk, [])
        item.progress = progress_of(item.state_counts)
    return items


# --- owners, milestones, risks and history ----------------------------------------


def owner_candidates():
    """The people who may own a work item: the current deputy leaders."""
    deputies = Role.objects.current().filter(kind=Role.Kind.DEPUTY_LEADER)
    return (
        Person.objects.filter(pk__in=deputies.values("person"))
        .select_related("organisation")
        .order_by("name")
    )


def plan_items() -> list[WorkItem]:
    """The work plan as its pages show it: items in plan order with their
    fields, owner, milestones and progress; four queries, whatever their
    number."""
    items = items_with_progress(
        WorkItem.objects.select_related("owner").prefetch_related(
            "fields", "milestones"
        )
    )
    for item in items:
        item.next_milestone = next(
            (m for m in item.milestones.all() if m.done_on is None), None
        )
    return items


def item_detail(slug: str) -> WorkItem:
    """One item with its fields (and their parents), owner, milestones and
    progress; ``WorkItem.DoesNotExist`` when there is none."""
    item = (
        WorkItem.objects.select_related("owner__organisation")
        .prefetch_related("fields__parent", "milestones")
        .get(slug=slug)
    )
    item.state_counts = counts_by_state([item]).get(item.pk, [])
    item.progress = progress_of(item.state_counts)
    return item


def needs_attention(today=None):
    """The items the dashboard shows as at risk: those marked at risk, and
    any other not done with an overdue milestone (``Milestone.is_overdue``'s
    QuerySet twin); each with ``overdue_count``. One query."""
    overdue = Milestone.objects.overdue(today).filter(work_item=OuterRef("pk"))
    counted = overdue.order_by().values("work_item").annotate(n=Count("pk")).values("n")
    return (
        WorkItem.objects.filter(
            Q(status=WorkItem.Status.AT_RISK)
            | (Q(Exists(overdue)) & ~Q(status=WorkItem.Status.DONE))
        )
        .select_related("owner")
        .annotate(
            overdue_count=Coalesce(
                Subquery(counted, output_field=IntegerField()), Value(0)
            )
        )
        .order_by("order")
    )


# Changes the history names without their values: long texts, and the QMS
# programmes (working material of their organisations).
NAMED_ONLY = ("description", "description_zh", "qms_programmes")


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


def _field_label(name: str) -> str:
    for model in (WorkItem, Milestone):
        try:
            return capfirst(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            continue
    return name


def _shown(name: str, value: str) -> str:
    """A stored value as the reader reads it: a status by its label, a
    date in the reader's format."""
    if not value:
        return "—"
    if name == "status":
        return str(dict(WorkItem.Status.choices).get(value, value))
    if name in ("start", "end", "due", "done_on"):
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return value


def history_of(item) -> list:
    """The item's history, oldest first, each entry with ``rows``: the
    changed values' labels and their values before and after, as shown.
    One query."""
    entries = list(
        item.history.select_related("actor__person").order_by("created", "pk")
    )
    for entry in entries:
        entry.rows = [
            ChangeRow(
                _field_label(change.get("field", "")),
                _shown(change.get("field", ""), change.get("from", "")),
                _shown(change.get("field", ""), change.get("to", "")),
            )
            for change in entry.changes
            if change.get("field") not in NAMED_ONLY
        ]
        entry.text_changed = [
            _field_label(change["field"])
            for change in entry.changes
            if change.get("field") in NAMED_ONLY
        ]
    return entries
