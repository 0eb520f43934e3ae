"""The daily run: surveillance and expiry reminders, suspension of a
missed surveillance, expiry."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notices
from ..models import Certificate, Programme, Reminder, Status
from .lifecycle import _system_transition

THRESHOLDS = ((0, "0"), (30, "30"), (90, "90"))


def _threshold(days_left: int) -> str | None:
    for days, label in THRESHOLDS:
        if 0 <= days_left <= days:
            return label
    return None


def qms_daily(*, today: date | None = None) -> dict:
    """What the beat runs each day: reminders of surveillance audits and of
    expiry at 90, 30 and 0 days; a certificate whose surveillance date has
    passed without a passed surveillance audit is suspended; one past its
    expiry date expires. Each is done once (safe to run again)."""
    today = today or timezone.localdate()
    done = {"reminders": 0, "suspended": 0, "expired": 0}
    horizon = today + timedelta(days=90)
    certificates = (
        Certificate.objects.current()
        .filter(programme__status__in=[Status.CERTIFIED, Status.SUSPENDED])
        .select_related("programme__organisation")
    )
    for certificate in certificates:
        programme = certificate.programme
        with transaction.atomic():
            if certificate.expires_on < today:
                locked = Programme.objects.select_for_update().get(pk=programme.pk)
                if locked.status in (Status.CERTIFIED, Status.SUSPENDED):
                    _system_transition(
                        locked, "expire", comment=_("The certificate expired.")
                    )
                    done["expired"] += 1
                continue
            if (
                certificate.surveillance_due < today
                and programme.status == Status.CERTIFIED
                and certificate.surveillance_due < certificate.expires_on
            ):
                locked = Programme.objects.select_for_update().get(pk=programme.pk)
                if locked.status == Status.CERTIFIED:
                    _system_transition(
                        locked,
                        "suspend",
                        comment=_("The surveillance audit was not passed in time."),
                    )
                    done["suspended"] += 1
                continue
        for subject, due in (
            ("surveillance", certificate.surveillance_due),
            ("expiry", certificate.expires_on),
        ):
            if due > horizon:
                continue
            if subject == "surveillance" and due >= certificate.expires_on:
                continue
            threshold = _threshold((due - today).days)
            if threshold is None:
                continue
            try:
                with transaction.atomic():
                    _row, created = Reminder.objects.get_or_create(
                        certificate=certificate,
                        subject=subject,
                        due=due,
                        threshold=threshold,
                    )
                    if not created:
                        continue
                    notices.notify(
                        programme,
                        notices.Notice.SURVEILLANCE_DUE
                        if subject == "surveillance"
                        else notices.Notice.EXPIRY_DUE,
                        notices.representative_ids(programme)
                        | notices.leader_ids()
                        | notices.auditor_ids(),
                        extra={"due": due, "days": (due - today).days},
                    )
                    done["reminders"] += 1
            except IntegrityError:
                continue
    return done
