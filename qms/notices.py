"""What the QMS tells whom, through the portal's notification outbox
(``notifications.services.notifications_create``): one registry of notice
kinds, each with its sentence, written in each recipient's language."""

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from committees.models import Role
from committees.selectors import display_name
from notifications.models import Kind


class Notice:
    """The QMS's kinds of notification: members of the one registry of kinds,
    ``notifications.models.Kind`` (labels, e-mail preferences, categories)."""

    COMMITTEE_NEEDED = Kind.QMS_COMMITTEE_NEEDED
    COMMITTEE_APPOINTED = Kind.QMS_COMMITTEE_APPOINTED
    COMMENT = Kind.QMS_COMMENT
    DECISION_NEEDED = Kind.QMS_DECISION_NEEDED
    CHANGES_REQUESTED = Kind.QMS_CHANGES_REQUESTED
    AUDIT_NEEDED = Kind.QMS_AUDIT_NEEDED
    AUDIT_SCHEDULED = Kind.QMS_AUDIT_SCHEDULED
    FINDING_DUE = Kind.QMS_FINDING_DUE
    CERTIFICATE_ISSUED = Kind.QMS_CERTIFICATE_ISSUED
    SURVEILLANCE_DUE = Kind.QMS_SURVEILLANCE_DUE
    EXPIRY_DUE = Kind.QMS_EXPIRY_DUE
    SUSPENDED = Kind.QMS_SUSPENDED
    REINSTATED = Kind.QMS_REINSTATED
    WITHDRAWN = Kind.QMS_WITHDRAWN
    EXPIRED = Kind.QMS_EXPIRED


def name_of(user) -> str:
    return display_name(user)


def _role_users(kind, **filters) -> set[int]:
    return set(
        Role.objects.current()
        .filter(kind=kind, person__user__isnull=False, **filters)
        .values_list("person__user_id", flat=True)
    )


def leader_ids() -> set[int]:
    return _role_users(Role.Kind.LEADER)


def deputy_ids() -> set[int]:
    return _role_users(Role.Kind.DEPUTY_LEADER)


def auditor_ids() -> set[int]:
    return _role_users(Role.Kind.AUDITOR) | _role_users(Role.Kind.SECRETARIAT)


def representative_ids(programme) -> set[int]:
    return _role_users(
        Role.Kind.MEMBER_REPRESENTATIVE, organisation_id=programme.organisation_id
    )


def committee_ids(programme) -> set[int]:
    return set(programme.committee.values_list("expert_id", flat=True))


def sentence(programme, notice: str, extra: dict) -> str:
    """The notice's text, in the active language, with the page to open."""
    organisation = str(programme.organisation)
    when = extra.get("due")
    when = formats.date_format(when, "DATE_FORMAT") if when else ""
    text = {
        Notice.COMMITTEE_NEEDED: _(
            "The QMS of %(organisation)s is documented and submitted: appoint "
            "its expert committee."
        ),
        Notice.COMMITTEE_APPOINTED: _(
            "You are appointed to the expert committee of the QMS of "
            "%(organisation)s: review it and vote."
        ),
        Notice.COMMENT: _(
            "A committee member commented on the QMS of %(organisation)s."
        ),
        Notice.DECISION_NEEDED: _(
            "A majority of the committee approves the QMS of %(organisation)s: "
            "record the decision."
        ),
        Notice.CHANGES_REQUESTED: _(
            "Changes are requested to the QMS of %(organisation)s."
        ),
        Notice.AUDIT_NEEDED: _(
            "The QMS of %(organisation)s is approved: schedule its external audit."
        ),
        Notice.AUDIT_SCHEDULED: _(
            "An external audit of the QMS of %(organisation)s is scheduled."
        ),
        Notice.FINDING_DUE: _(
            "An audit finding on the QMS of %(organisation)s needs its corrective "
            "action by %(when)s."
        ),
        Notice.CERTIFICATE_ISSUED: _(
            "The QMS of %(organisation)s is certified; its certificate is issued."
        ),
        Notice.SURVEILLANCE_DUE: _(
            "The surveillance audit of the QMS of %(organisation)s is due on %(when)s."
        ),
        Notice.EXPIRY_DUE: _(
            "The QMS certificate of %(organisation)s expires on %(when)s: "
            "recertify before then."
        ),
        Notice.SUSPENDED: _("The QMS certificate of %(organisation)s is suspended."),
        Notice.REINSTATED: _("The QMS certificate of %(organisation)s is reinstated."),
        Notice.WITHDRAWN: _("The QMS certificate of %(organisation)s is withdrawn."),
        Notice.EXPIRED: _("The QMS certificate of %(organisation)s has expired."),
    }[notice] % {"organisation": organisation, "when": when}
    link = settings.PORTAL_BASE_URL.rstrip("/") + programme.get_absolute_url()
    return f"{text}\n\n{link}"


def notify(programme, notice: str, user_ids, *, extra: dict | None = None) -> None:
    """Write one outbox row per recipient who may see the programme (sent
    after the action commits), each in the recipient's language."""
    from accounts.selectors import recipient_locales
    from notifications.services import notifications_create
    from portal.i18n import speaking_to

    from .permissions import programme_audience

    ids = set(user_ids)
    if not ids:
        return
    ids &= set(
        programme_audience(programme).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if not ids:
        return
    locales = recipient_locales(ids)
    extra = extra or {}

    def message(user_id: int, kind: str) -> str:
        with speaking_to(locales[user_id]):
            return sentence(programme, notice, extra)

    notifications_create(
        recipients=[(user_id, str(notice)) for user_id in sorted(ids)],
        standard=None,
        message=message,
    )
