"""The vocabulary of integrators' events, and what each event says.

An event is derived from the history entry an action records (the one
registry of actions is ``standards.actions``): ``EVENT_OF_ACTION`` says which
actions are events and of which kind. Actions missing from it (creating or
editing a draft, uploading a version, answering or resolving a comment) are
not events.

The payload is built once, when the event is written, and never changes: the
feed and every delivery send the same JSON. It holds only what whoever may
see the event may read: a public event (published, reaffirmed, renewal
started, abolished, once the standard has an edition) names the standard by
its public record, as the API does for everyone outside the draft audience.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from committees.selectors import display_name, person_of
from standards.actions import Action, is_public_action
from standards.models import (
    Audit,
    Comment,
    Edition,
    HistoryEntry,
    Recommendation,
    Status,
    Version,
)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for expert review")
    EXPERTS_ASSIGNED = "experts_assigned", _("Experts assigned")
    COMMENTED = "commented", _("Expert comment")
    RECOMMENDED = "recommended", _("Expert recommendation")
    CHANGES_REQUESTED = "changes_requested", _("Returned with changes requested")
    ADVANCED_TO_AUDIT = "advanced_to_audit", _("Advanced to audit")
    AUDIT_FAILED = "audit_failed", _("Audit failed")
    CERTIFIED = "certified", _("Certified")
    PUBLISHED = "published", _("Published")
    REAFFIRMED = "reaffirmed", _("Reaffirmed")
    RENEWAL_STARTED = "renewal_started", _("Renewal started")
    ABOLISHED = "abolished", _("Abolished")


EVENT_OF_ACTION: dict[str, str] = {
    Action.SUBMIT: EventKind.SUBMITTED,
    Action.EXPERTS_ASSIGNED: EventKind.EXPERTS_ASSIGNED,
    Action.COMMENT_ADDED: EventKind.COMMENTED,
    Action.RECOMMENDATION_GIVEN: EventKind.RECOMMENDED,
    Action.RECOMMENDATION_CONFIRMED: EventKind.RECOMMENDED,
    Action.REQUEST_CHANGES: EventKind.CHANGES_REQUESTED,
    Action.ADVANCE_TO_AUDIT: EventKind.ADVANCED_TO_AUDIT,
    Action.FAIL_AUDIT: EventKind.AUDIT_FAILED,
    Action.CERTIFY: EventKind.CERTIFIED,
    Action.PUBLISH: EventKind.PUBLISHED,
    Action.REAFFIRM: EventKind.REAFFIRMED,
    Action.START_RENEWAL: EventKind.RENEWAL_STARTED,
    Action.ABOLISH: EventKind.ABOLISHED,
}


def event_kind_of(action: str) -> str | None:
    return EVENT_OF_ACTION.get(action)


def _api_url(name: str, **kwargs) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(f"api:{name}", kwargs=kwargs)


def _user(user) -> dict | None:
    """A user as the API names one everywhere (``UserRefSerializer``): never
    by username, which the API does not hand out."""
    if user is None:
        return None
    person = person_of(user)
    return {
        "id": user.pk,
        "person_id": person.pk if person else None,
        "name": display_name(user),
    }


def _standard(entry: HistoryEntry) -> dict:
    """The standard as the event's audience knows it at this moment."""
    standard = entry.standard
    public = is_public_action(entry.action) and standard.has_edition
    if public:
        title = standard.public_title
        # Outside the draft audience a renewal's state is working material.
        status = Status.PUBLISHED if standard.under_renewal else standard.status
    else:
        title, status = standard.title, standard.status
    public_status = standard.public_status
    return {
        "id": standard.pk,
        "number": standard.number,
        "title": title,
        "status": str(status),
        "public_status": str(public_status) if public_status else None,
        "url": _api_url("standard", pk=standard.pk),
    }


def _version(version: Version | None) -> dict | None:
    if version is None:
        return None
    return {"id": version.pk, "number": version.number}


def _current_version(standard) -> Version | None:
    return standard.versions.order_by("-number").first()


def _data(entry: HistoryEntry, kind: str) -> dict:
    """What a subscriber needs of the step, beside the standard."""
    standard = entry.standard
    data: dict = {
        "action": entry.action,
        "from_state": entry.from_state or None,
        "to_state": entry.to_state or None,
        "comment": entry.comment,
    }
    if kind == EventKind.SUBMITTED:
        data["version"] = _version(_current_version(standard))
    elif kind == EventKind.EXPERTS_ASSIGNED:
        data["experts"] = [
            _user(a.expert)
            for a in standard.assignments.select_related("expert").order_by("pk")
        ]
    elif kind == EventKind.COMMENTED:
        comment = (
            Comment.objects.filter(standard=standard, expert_id=entry.actor_id)
            .select_related("version")
            .order_by("-pk")
            .first()
        )
        if comment is not None:
            data["comment_id"] = comment.pk
            data["blocking"] = comment.blocking
            data["section"] = comment.section
            data["version"] = _version(comment.version)
    elif kind == EventKind.RECOMMENDED:
        recommendation = (
            Recommendation.objects.filter(standard=standard, expert_id=entry.actor_id)
            .select_related("version")
            .order_by("-created", "-pk")
            .first()
        )
        if recommendation is not None:
            data["recommendation_id"] = recommendation.pk
            data["decision"] = recommendation.decision
            data["version"] = _version(recommendation.version)
    elif kind in (EventKind.AUDIT_FAILED, EventKind.CERTIFIED):
        audit = (
            Audit.objects.filter(standard=standard)
            .select_related("version")
            .order_by("-created", "-pk")
            .first()
        )
        if audit is not None:
            data["audit_id"] = audit.pk
            data["outcome"] = audit.outcome
            data["certificate_number"] = audit.certificate_number or None
            data["version"] = _version(audit.version)
    elif kind == EventKind.PUBLISHED:
        edition = Edition.objects.filter(standard=standard).order_by("-edition").first()
        if edition is not None:
            data["edition"] = {
                "id": edition.pk,
                "edition": edition.edition,
                "number": edition.number,
                "published_on": edition.published_on.isoformat(),
                "url": _api_url("edition", pk=edition.pk),
            }
        data["review_due"] = _date(standard.review_due)
    elif kind == EventKind.REAFFIRMED:
        data["review_due"] = _date(standard.review_due)
    elif kind == EventKind.ABOLISHED:
        data["replaced_by"] = standard.replaced_by_id
    return data


def _date(value) -> str | None:
    return value.isoformat() if value else None


def payload_for(entry: HistoryEntry, kind: str) -> dict:
    """The event's JSON but its id: kind, time, standard, actor, data."""
    return {
        "kind": kind,
        "occurred_at": entry.created.isoformat(),
        "standard": _standard(entry),
        "actor": _user(entry.actor),
        "data": _data(entry, kind),
    }
