"""Reads about meetings that pages, the API, feeds and "My work" share."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from . import meeting_permissions as rules
from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingStatus,
    Organisation,
)


def meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("chair")


def meeting_with_record(queryset=None) -> QuerySet[Meeting]:
    """A meeting with its agenda, documents, attendance, decisions and
    actions, in a bounded number of queries."""
    queryset = queryset if queryset is not None else Meeting.objects.all()
    return queryset.select_related("chair", "approved_at_meeting").prefetch_related(
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.select_related(
                "standard", "work_item", "programme__organisation"
            ).prefetch_related("documents"),
        ),
        "documents",
        Prefetch(
            "attendance",
            queryset=Attendance.objects.select_related("person__organisation"),
        ),
        Prefetch(
            "decision_records",
            queryset=Decision.objects.select_related(
                "standard", "work_item", "agenda_item"
            ),
        ),
        Prefetch(
            "action_items",
            queryset=ActionItem.objects.select_related("owner", "decision"),
        ),
    )


@dataclass(frozen=True)
class AttendanceSummary:
    present: list
    apologies: list
    organisations: list[Organisation]
    quorum: int | None

    @property
    def quorate(self) -> bool | None:
        """Whether enough member organisations were represented (None when
        the meeting has no quorum rule)."""
        if self.quorum is None:
            return None
        return sum(1 for o in self.organisations if o.is_member) >= self.quorum


def attendance_summary(meeting: Meeting) -> AttendanceSummary:
    rows = list(meeting.attendance.all())
    present = [a.person for a in rows if a.status == Attendance.Status.PRESENT]
    organisations = {
        p.organisation.pk: p.organisation for p in present if p.organisation
    }
    return AttendanceSummary(
        present=present,
        apologies=[a.person for a in rows if a.status == Attendance.Status.APOLOGIES],
        organisations=sorted(organisations.values(), key=lambda o: o.name),
        quorum=meeting.quorum,
    )


def meetings_of_standard(standard) -> list[Meeting]:
    """The meetings whose agenda discussed ``standard`` (or decided on it),
    newest first, not the cancelled ones."""
    return list(
        Meeting.objects.filter(
            Q(agenda_items__standard=standard) | Q(decision_records__standard=standard)
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .distinct()
        .order_by("-date", "-pk")
    )


def approved_minutes(limit: int = 20) -> list[Meeting]:
    return list(
        Meeting.objects.filter(status=MeetingStatus.MINUTES_APPROVED).order_by(
            "-minutes_approved_at", "-pk"
        )[:limit]
    )


def actions_for_work(user, today=None) -> tuple[list, list]:
    """For "My work", in one query: the open action items ``user``'s person
    owns (soonest due first), and the overdue open ones they look after
    (their own, or every one for the secretariat and the leader)."""
    from .selectors import user_roles

    today = today or timezone.localdate()
    person_id = user_roles(user).person_id
    if person_id is None:
        return [], []
    overdue = Q(due__lt=today)
    wanted = (
        Q(owner_id=person_id) | overdue
        if rules.is_organiser(user)
        else Q(owner_id=person_id)
    )
    rows = list(
        ActionItem.objects.filter(wanted, status=ActionItem.Status.OPEN)
        .select_related("meeting", "owner")
        .order_by("due", "pk")[:200]
    )
    mine = [a for a in rows if a.owner_id == person_id]
    late = [a for a in rows if a.due is not None and a.due < today][:50]
    return mine, late


# How many standards the agenda form offers to choose from (the most recently
# changed); any other is linked by typing its id.
AGENDA_STANDARD_CHOICES = 100


@dataclass(frozen=True)
class AgendaLinkChoices:
    standards: list[tuple[int, str]]
    work_items: list[tuple[int, str]]
    programmes: list[tuple[int, str]]


def agenda_link_choices(user) -> AgendaLinkChoices:
    """What ``user`` may link an agenda item to, for the agenda form: the most
    recently changed standards they may see (a draft by its own title, for
    those who see every draft; else the published ones by their public
    title), the work items, and the QMS programmes they may see."""
    from portal.localized import localized
    from qms.permissions import visible_programmes
    from standards import permissions as standard_rules
    from workplan.models import WorkItem

    from .selectors import user_roles

    newest = ("-updated", "-pk")
    if user_roles(user).sees_every_draft:
        rows = standard_rules.visible_standards(user).order_by(*newest)
        title = "title"
    else:
        rows = (
            standard_rules.public_record_standards()
            .prefetch_related("editions")
            .order_by(*newest)
        )
        title = "public_title"
    standards = [
        (s.pk, " ".join(filter(None, (s.number, localized(s, title)))))
        for s in rows[:AGENDA_STANDARD_CHOICES]
    ]
    work_items = [(w.pk, localized(w, "title")) for w in WorkItem.objects.all()]
    programmes = [
        (p.pk, localized(p.organisation, "name"))
        for p in visible_programmes(user)
        .select_related("organisation")
        .order_by("organisation__name")
    ]
    return AgendaLinkChoices(standards, work_items, programmes)


def later_held_meetings(meeting: Meeting) -> list[Meeting]:
    """The meetings held on or after ``meeting``'s day, which may have
    approved its minutes (planned and cancelled ones cannot have)."""
    return list(
        Meeting.objects.filter(date__gte=meeting.date)
        .exclude(pk=meeting.pk)
        .exclude(status__in=(MeetingStatus.PLANNED, MeetingStatus.CANCELLED))
    )
