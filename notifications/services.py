"""Notifications: who is told what, the outbox, and sending.

Rows are written inside the action's transaction (``notify_history_entry`` is
a history hook of ``standards.services``), so a notification exists exactly
when its action committed. After commit a task sends them; the periodic sweep
sends whatever is still unsent (for instance because the broker was down).
Sending claims a row with a conditional UPDATE first, so a notification is
e-mailed at most once however often its task runs.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.selectors import recipient_locale, recipient_locales
from committees.models import Field, Role
from committees.selectors import display_name
from portal.errors import ApplicationError
from portal.i18n import speaking_to
from portal.naming import portal_name
from portal.queue import enqueue
from standards import permissions
from standards.actions import action_label, action_sentence
from standards.models import HistoryEntry, Standard, Status

from . import selectors
from .models import (
    Category,
    Delivery,
    EmailSettings,
    Kind,
    Notification,
    NotificationPreference,
    ReviewReminder,
    Watch,
)

logger = logging.getLogger(__name__)
User = get_user_model()

# --- who is told what -------------------------------------------------------

# History actions that concern the field's deputy leaders: a draft is
# submitted to them, or its authors answered the experts.
DEPUTY_ACTIONS = {"submit", "comment_answered"}
# History actions that leave the next step to the draft's authors.
AUTHOR_ACTIONS = {
    "request_changes": Kind.DRAFT_RETURNED,
    "fail_audit": Kind.DRAFT_RETURNED,
    "comment_added": Kind.COMMENT_RECEIVED,
}


def _users_with_role(kind: str, **filters) -> set[int]:
    return set(
        Role.objects.current()
        .filter(kind=kind, person__user__isnull=False, **filters)
        .values_list("person__user_id", flat=True)
    )


def _field_ids(standard: Standard) -> list[int]:
    return [standard.field_id] + (
        [standard.field.parent_id] if standard.field.parent_id else []
    )


def author_ids(standard: Standard) -> set[int]:
    ids = set(
        standard.authors.filter(user__isnull=False).values_list("user_id", flat=True)
    )
    if standard.created_by_id:
        ids.add(standard.created_by_id)
    return ids


def deputy_ids(standard: Standard) -> set[int]:
    return _users_with_role(Role.Kind.DEPUTY_LEADER, field_id__in=_field_ids(standard))


def leader_ids() -> set[int]:
    return _users_with_role(Role.Kind.LEADER)


def auditor_ids() -> set[int]:
    return _users_with_role(Role.Kind.AUDITOR)


def expert_ids(standard: Standard) -> set[int]:
    return set(standard.assignments.values_list("expert_id", flat=True))


def watcher_ids(standard: Standard) -> set[int]:
    return set(
        Watch.objects.filter(
            Q(standard=standard) | Q(field_id__in=_field_ids(standard))
        ).values_list("user_id", flat=True)
    )


def recipients_for(entry: HistoryEntry) -> list[tuple[int, str]]:
    """(user id, kind) pairs told of ``entry``: one kind per person, the most
    specific one, and never the person who acted."""
    standard = entry.standard
    action = entry.action
    wanted: list[tuple[Iterable[int], str]] = []
    if action == "experts_assigned":
        # Each expert is told once of their assignment, whoever else was
        # assigned in the same action.
        told = set(
            Notification.objects.filter(
                standard=standard, kind=Kind.EXPERT_ASSIGNED
            ).values_list("recipient_id", flat=True)
        )
        wanted.append((expert_ids(standard) - told, Kind.EXPERT_ASSIGNED))
    if action == "version_uploaded":
        wanted.append((expert_ids(standard), Kind.NEW_VERSION))
    if action in DEPUTY_ACTIONS:
        wanted.append((deputy_ids(standard), Kind.REVIEW_NEEDED))
    if action == "advance_to_audit":
        wanted.append((auditor_ids(), Kind.AUDIT_NEEDED))
    if action == "certify":
        wanted.append((leader_ids(), Kind.CERTIFIED))
    if action == "publish":
        wanted.append((watcher_ids(standard), Kind.PUBLISHED))
    if action == "abolish":
        wanted.append((watcher_ids(standard), Kind.ABOLISHED))
    # Authors hear of every change of their draft; a draft sent back to
    # them and an expert's comment wait on them.
    if action in AUTHOR_ACTIONS:
        wanted.append((author_ids(standard), AUTHOR_ACTIONS[action]))
    wanted.append((author_ids(standard), Kind.DRAFT_CHANGED))

    result: dict[int, str] = {}
    for ids, kind in wanted:
        for user_id in ids:
            result.setdefault(user_id, kind)
    result.pop(entry.actor_id, None)
    # Nobody hears of what they may not see (a watcher of a field is not
    # told of a draft that is 404 to them, not even of its abolition).
    allowed = permissions.told_of(entry, result)
    return sorted((k, v) for k, v in result.items() if k in allowed)


# The kind refines the action's sentence (standards.actions) where the
# recipient is the object of the action.
KIND_MESSAGES = {
    Kind.EXPERT_ASSIGNED: gettext_lazy(
        "%(who)s assigned you as an expert for “%(standard)s”."
    ),
}


def message_for(entry: HistoryEntry, *, kind: str = "", user=None) -> str:
    """One sentence of who did what to which standard, for ``user`` (the
    standard is named as they know it), then the entry's comment, if any."""
    standard = entry.standard
    who = display_name(entry.actor) if entry.actor else _("The portal")
    template = KIND_MESSAGES.get(kind) or action_sentence(entry.action)
    values = {
        "who": who,
        "standard": selectors.standard_name_for(standard, user or AnonymousUser()),
    }
    if template is None:  # an action this module has no sentence for
        text = _("%(who)s changed “%(standard)s”: %(what)s.") % {
            **values,
            "what": action_label(entry.action).lower(),
        }
    else:
        text = str(template) % values
    if entry.comment:
        comment = entry.comment if len(entry.comment) <= 500 else entry.comment[:499]
        text += "\n\n" + comment
    return text


# --- the outbox ---------------------------------------------------------------


def notifications_create(
    *,
    recipients: Iterable[tuple[int, str]],
    standard: Standard | None,
    message: str | Callable[[int, str], str],
) -> list[Notification]:
    """Write outbox rows in the current transaction; send them after commit.

    ``message`` is the text for everyone, or a function of (user id, kind)
    giving each recipient their own."""
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=kind,
                standard=standard,
                message=message(user_id, kind) if callable(message) else message,
            )
            for user_id, kind in recipients
        ]
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: notifications_enqueue(ids))
    return rows


def notify_history_entry(entry: HistoryEntry) -> None:
    """The history hook: tell the people concerned by ``entry``."""
    recipients = recipients_for(entry)
    if recipients:
        users = User.objects.in_bulk([user_id for user_id, _kind in recipients])
        locales = recipient_locales(user_id for user_id, _kind in recipients)

        def message(user_id: int, kind: str) -> str:
            # Stored as written: in the recipient's language.
            with speaking_to(locales[user_id]):
                return message_for(entry, kind=kind, user=users.get(user_id))

        notifications_create(
            recipients=recipients, standard=entry.standard, message=message
        )


def notifications_enqueue(ids: list[int]) -> None:
    """Hand the rows to the broker without ever making the caller wait or
    fail: one attempt with a short timeout; the sweep covers a failure."""
    from .tasks import notifications_send_task

    enqueue(notifications_send_task, ids)


# --- sending ------------------------------------------------------------------


def email_wanted(*, user, kind: str) -> bool:
    """E-mail is on for every kind unless the user turned it off."""
    return (user.pk, kind) not in _emails_refused([user.pk])


def _emails_refused(user_ids) -> set[tuple[int, str]]:
    """The (user, kind) pairs of ``user_ids`` whose e-mail is turned off."""
    return set(
        NotificationPreference.objects.filter(
            user_id__in=user_ids, email=False
        ).values_list("user_id", "kind")
    )


def _deliveries(user_ids) -> dict[int, str]:
    """How each of ``user_ids`` takes e-mail, for those who chose."""
    return dict(
        EmailSettings.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "delivery"
        )
    )


def email_delivery(*, user) -> str:
    """Immediately unless ``user`` chose a digest or no e-mail."""
    return _deliveries([user.pk]).get(user.pk, Delivery.IMMEDIATE)


def notification_send(*, notification_id: int) -> bool:
    """Dispatch one notification; True when an e-mail went out now."""
    return notifications_send(notification_ids=[notification_id]) == 1


def notifications_send(*, notification_ids: Iterable[int]) -> int:
    """Dispatch a batch of notifications; how many e-mails went out now.

    The rows are claimed first (``sent_at`` set, in one transaction, on the
    rows still unsent that no other run holds), so two runs never both send
    one. Then the batch is read with its recipients and their e-mail choices
    in two queries, and the mails go out over one connection to the mail
    server. A mail that fails is released for the sweep to try again, up to
    ``NOTIFICATIONS_MAX_ATTEMPTS``; the others of the batch are still sent.
    """
    claimed = _claim(list(notification_ids))
    if not claimed:
        return 0
    notifications = list(
        Notification.objects.filter(pk__in=claimed)
        .select_related("recipient", "standard")
        .order_by("pk")
    )
    user_ids = {n.recipient_id for n in notifications}
    refused = _emails_refused(user_ids)
    delivery = _deliveries(user_ids)
    wanted = [
        n
        for n in notifications
        if n.recipient.is_active
        and n.recipient.email
        and (n.recipient_id, n.kind) not in refused
        and delivery.get(n.recipient_id, Delivery.IMMEDIATE) != Delivery.OFF
    ]
    # Those who take a daily digest get these in it, not now.
    for_digest = [
        n.pk for n in wanted if delivery.get(n.recipient_id) == Delivery.DIGEST
    ]
    if for_digest:
        Notification.objects.filter(pk__in=for_digest).update(in_digest=True)
        wanted = [n for n in wanted if n.pk not in set(for_digest)]
    if not wanted:
        return 0
    sent, failed = [], {}
    locales = recipient_locales(n.recipient_id for n in wanted)
    try:
        with get_connection(fail_silently=False) as connection:
            for notification in wanted:
                try:
                    with speaking_to(locales[notification.recipient_id]):
                        email = _email(notification)
                    connection.send_messages([email])
                except Exception as exc:  # noqa: BLE001 — retried by the sweep
                    failed[notification.pk] = exc
                else:
                    sent.append(notification.pk)
    except Exception as exc:  # noqa: BLE001 — the mail server cannot be reached
        failed.update({n.pk: exc for n in wanted if n.pk not in sent})
    Notification.objects.filter(pk__in=sent).update(emailed=True, last_error="")
    for pk, exc in failed.items():
        logger.warning("notification %s not sent: %s", pk, exc)
        Notification.objects.filter(pk=pk).update(
            sent_at=None, last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
    return len(sent)


def _claim(ids: list[int]) -> list[int]:
    """Mark the unsent ones of ``ids`` as being sent; the ones marked."""
    if not ids:
        return []
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                pk__in=ids,
                sent_at__isnull=True,
                attempts__lt=settings.NOTIFICATIONS_MAX_ATTEMPTS,
            )
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=claimed).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1
        )
    return claimed


def _email(notification: Notification) -> EmailMessage:
    """The e-mail of one notification; made in the recipient's language and
    time zone (``speaking_to``), so are its subject, time and link."""
    subject = f"[{portal_name()}] {notification.get_kind_display()}"
    body = notification.message
    link = notification.link()
    if link:
        body += "\n\n" + settings.PORTAL_BASE_URL.rstrip("/") + link
    body += "\n\n" + _("Time: %(when)s") % {"when": _when(notification.created)}
    return EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email]
    )


def notifications_sweep(*, now=None, limit: int = 500) -> int:
    """Send what is still unsent a little while after it was written: rows
    whose task never reached the broker, or whose sending failed."""
    now = now or timezone.now()
    delay = timedelta(seconds=settings.NOTIFICATIONS_SWEEP_DELAY)
    ids = list(
        Notification.objects.unsent()
        .filter(
            created__lte=now - delay,
            attempts__lt=settings.NOTIFICATIONS_MAX_ATTEMPTS,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return notifications_send(notification_ids=ids)


# --- the daily digest -------------------------------------------------------------


def digests_send(*, now=None) -> int:
    """Send each user who takes a daily digest one e-mail with every
    notification put aside for it and not yet sent in a digest (normally
    those of the last day); how many digests went out.

    Each user's rows are claimed first (``digested_at`` set, under a row lock
    that a concurrent run skips), so two runs at once, or a run repeated,
    never put a notification in two digests. A digest that cannot be sent
    is released whole, to go out with the next run.
    """
    now = now or timezone.now()
    user_ids = (
        Notification.objects.digest_pending()
        .filter(created__lte=now)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(digest_send(user_id=user_id, now=now) for user_id in list(user_ids))


def digest_send(*, user_id: int, now=None) -> int:
    """Send ``user_id`` their digest; 1 when one went out, else 0."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .digest_pending()
            .filter(recipient_id=user_id, created__lte=now)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=claimed).update(digested_at=now)
    if not claimed:
        return 0
    notifications = list(
        Notification.objects.filter(pk__in=claimed)
        .select_related("recipient", "standard")
        .order_by("-created", "-pk")
    )
    user = notifications[0].recipient
    if not (user.is_active and user.email):
        return 0
    try:
        with speaking_to(recipient_locale(user)):
            email = _digest_email(user, notifications)
        email.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 — the next run tries again
        logger.warning("digest for user %s not sent: %s", user_id, exc)
        Notification.objects.filter(pk__in=claimed).update(
            digested_at=None, last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
        return 0
    Notification.objects.filter(pk__in=claimed).update(emailed=True, last_error="")
    return 1


def _when(moment) -> str:
    """A time as the reader writes it, in their zone (``speaking_to``)."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _digest_email(user, notifications: list[Notification]) -> EmailMessage:
    """The digest, made in the recipient's language and time zone."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    count = len(notifications)
    title = ngettext(
        "Your daily digest: %(count)d notification",
        "Your daily digest: %(count)d notifications",
        count,
    ) % {"count": count}
    subject = f"[{portal_name()}] {title}"
    parts = []
    for category in Category:
        items = [n for n in notifications if n.category == category]
        if not items:
            continue
        lines = [str(category.label), "=" * len(str(category.label))]
        for notification in items:
            lines.append("")
            lines.append("* " + notification.message.replace("\n", "\n  "))
            lines.append("  " + _when(notification.created))
            link = notification.link()
            if link:
                lines.append("  " + base + link)
        parts.append("\n".join(lines))
    parts.append(
        _("Choose how you receive e-mail: %(url)s")
        % {"url": base + reverse("notifications:preferences")}
    )
    return EmailMessage(
        subject, "\n\n".join(parts), settings.DEFAULT_FROM_EMAIL, [user.email]
    )


# --- reading ------------------------------------------------------------------


def notification_mark_read(*, notification_id, user) -> Notification:
    try:
        notification = Notification.objects.get(pk=notification_id, recipient=user)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such notification."), code="not_found") from None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user, standard_id=None, category=None) -> int:
    """Mark ``user``'s unread notifications read: all of them, or those
    about one standard (``standard_id``; 0 for those about none), or of one
    category; how many were unread."""
    qs = Notification.objects.unread().filter(recipient=user)
    if standard_id is not None:
        qs = qs.filter(standard_id=standard_id or None)
    if category is not None:
        if category not in Category.values:
            raise ApplicationError(_("Unknown category."), field="category")
        qs = qs.in_category(category)
    return qs.update(read_at=timezone.now())


def notifications_mark_read_on_visit(*, user, standard: Standard) -> int:
    """A signed-in person opening a standard's page has seen what their
    notifications about it say: they are marked read (theirs only).

    Returns how many unread notifications the person has left, the figure
    of the bell in the header, which the page passes on rather than count
    again (``unread_notifications_count``). One query counts both, and the
    UPDATE runs only when there is something about this standard to mark."""
    if not getattr(user, "is_authenticated", False):
        return 0
    unread, about = selectors.unread_counts(user, standard=standard)
    if about:
        about = (
            Notification.objects.unread()
            .filter(recipient=user, standard=standard)
            .update(read_at=timezone.now())
        )
    return max(unread - about, 0)


# --- watching and preferences -------------------------------------------------


def _require_signed_in(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise ApplicationError(_("Sign in to watch."), code="forbidden")


def _visible_standard(standard_id, user) -> Standard:
    try:
        standard = Standard.objects.get(pk=standard_id)
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such standard."), code="not_found") from None
    if not permissions.can_see_standard(standard, user):
        raise ApplicationError(_("No such standard."), code="not_found")
    return standard


def _field(field_id) -> Field:
    try:
        return Field.objects.get(pk=field_id)
    except (Field.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such field."), code="not_found") from None


def watch_standard(*, standard_id, user) -> Watch:
    """Any signed-in user may watch a standard they can see."""
    _require_signed_in(user)
    standard = _visible_standard(standard_id, user)
    try:
        with transaction.atomic():
            watch, _created = Watch.objects.get_or_create(user=user, standard=standard)
    except IntegrityError:  # watched at the same moment in another request
        watch = Watch.objects.get(user=user, standard=standard)
    return watch


def unwatch_standard(*, standard_id, user) -> None:
    _require_signed_in(user)
    standard = _visible_standard(standard_id, user)
    Watch.objects.filter(user=user, standard=standard).delete()


def watch_field(*, field_id, user) -> Watch:
    """Any signed-in user may watch a field; it covers its subfields."""
    _require_signed_in(user)
    field = _field(field_id)
    try:
        with transaction.atomic():
            watch, _created = Watch.objects.get_or_create(user=user, field=field)
    except IntegrityError:
        watch = Watch.objects.get(user=user, field=field)
    return watch


def unwatch_field(*, field_id, user) -> None:
    _require_signed_in(user)
    Watch.objects.filter(user=user, field_id=field_id).delete()


def delivery_set(*, user, delivery: str) -> EmailSettings:
    """E-mail notifications immediately, in a daily digest, or not at all."""
    if delivery not in Delivery.values:
        raise ApplicationError(_("Unknown way of delivery."), field="delivery")
    settings_row, _created = EmailSettings.objects.update_or_create(
        user=user, defaults={"delivery": delivery}
    )
    return settings_row


@transaction.atomic
def preferences_set(*, user, email_kinds: Iterable[str]) -> None:
    """E-mail exactly the kinds in ``email_kinds``; the rest only in-app."""
    chosen = set(email_kinds)
    unknown = chosen - set(Kind.values)
    if unknown:
        raise ApplicationError(_("Unknown kind of notification."), field="email")
    for kind in Kind.values:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": kind in chosen}
        )


# --- review reminders -----------------------------------------------------------

THRESHOLD_DAYS = (
    (0, ReviewReminder.Threshold.DUE),
    (30, ReviewReminder.Threshold.DAYS_30),
    (90, ReviewReminder.Threshold.DAYS_90),
)


def review_threshold(days_left: int) -> str | None:
    """The tightest threshold reached with ``days_left`` until review."""
    if days_left < 0:
        return ReviewReminder.Threshold.OVERDUE
    for days, threshold in THRESHOLD_DAYS:
        if days_left <= days:
            return threshold
    return None


def review_reminders_send(*, today=None) -> int:
    """Tell the field's deputy leaders and the leader that a published
    standard's review is due in 90, 30 or 0 days, or overdue: once per
    threshold and review-due date. Returns how many reminders were sent."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(days for days, _t in THRESHOLD_DAYS))
    standards = Standard.objects.filter(
        status=Status.PUBLISHED, review_due__isnull=False, review_due__lte=horizon
    ).select_related("field")
    sent = 0
    for standard in standards:
        days_left = (standard.review_due - today).days
        threshold = review_threshold(days_left)
        if threshold is None:
            continue
        try:
            with transaction.atomic():
                _reminder, created = ReviewReminder.objects.get_or_create(
                    standard=standard,
                    review_due=standard.review_due,
                    threshold=threshold,
                )
                if not created:
                    continue
                recipients = sorted(deputy_ids(standard) | leader_ids())
                notifications_create(
                    recipients=[(user_id, Kind.REVIEW_DUE) for user_id in recipients],
                    standard=standard,
                    message=_ReviewMessage(standard, days_left, recipients),
                )
        except IntegrityError:  # another run recorded it at the same moment
            continue
        sent += 1
    return sent


class _ReviewMessage:
    """The reminder's text for each recipient: in their language, the date
    as they write it."""

    def __init__(self, standard: Standard, days_left: int, recipients):
        self.standard, self.days_left = standard, days_left
        self.locales = recipient_locales(recipients)

    def __call__(self, user_id: int, kind: str) -> str:
        with speaking_to(self.locales[user_id]):
            return _review_sentence(self.standard, self.days_left)


def _review_sentence(standard: Standard, days_left: int) -> str:
    due = formats.date_format(standard.review_due, "DATE_FORMAT")
    if days_left < 0:
        return _(
            "The systematic review of “%(standard)s” is overdue by %(days)d days "
            "(due %(due)s)."
        ) % {"standard": standard, "days": -days_left, "due": due}
    if days_left == 0:
        return _("The systematic review of “%(standard)s” is due today.") % {
            "standard": standard
        }
    return _(
        "The systematic review of “%(standard)s” is due in %(days)d days (on %(due)s)."
    ) % {"standard": standard, "days": days_left, "due": due}
