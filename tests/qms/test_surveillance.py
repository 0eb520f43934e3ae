"""Surveillance, suspension and expiry, with a frozen clock."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from notifications.models import Notification
from qms import selectors, services
from qms.models import Status

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: dt.date):
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(9, 0), tzinfo=ZONE), tick=False
    )


@pytest.fixture
def certified(qms_world, walk):
    with at(dt.date(2026, 3, 2)):
        programme = walk.to(Status.CERTIFIED)
    certificate = programme.certificates.get()
    assert certificate.issued_on == dt.date(2026, 3, 2)
    assert certificate.surveillance_due == dt.date(2027, 3, 2)
    assert certificate.expires_on == dt.date(2029, 3, 2)
    return programme


def _reminders(user, kind="qms_surveillance_due"):
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_surveillance_reminders_at_90_30_and_0_days_once_each(qms_world, certified):
    w = qms_world
    services.qms_daily(today=dt.date(2026, 12, 1))  # 91 days before: nothing
    assert _reminders(w.member) == 0
    for day, count in [
        (dt.date(2026, 12, 2), 1),  # 90 days
        (dt.date(2026, 12, 3), 1),  # the same threshold is not repeated
        (dt.date(2027, 1, 31), 2),  # 30 days
        (dt.date(2027, 3, 2), 3),  # due today
    ]:
        services.qms_daily(today=day)
        services.qms_daily(today=day)
        assert _reminders(w.member) == count, day
    assert _reminders(w.leader) == 3 and _reminders(w.auditor) == 3
    assert _reminders(w.stranger) == 0
    assert (
        "due on" in Notification.objects.filter(recipient=w.member).latest("pk").message
    )


def test_a_missed_surveillance_suspends_the_certificate(qms_world, certified):
    result = services.qms_daily(today=dt.date(2027, 3, 3))
    assert result["suspended"] == 1
    certified.refresh_from_db()
    assert certified.status == Status.SUSPENDED
    with at(dt.date(2027, 3, 3)):
        row = selectors.register().get()
        assert row.status_value == "suspended"
    assert Notification.objects.filter(
        recipient=qms_world.member, kind="qms_suspended"
    ).exists()
    # Run again: nothing more happens.
    assert services.qms_daily(today=dt.date(2027, 3, 4))["suspended"] == 0


def test_a_passed_surveillance_moves_the_next_one_a_year_on(qms_world, walk, certified):
    with at(dt.date(2027, 2, 1)):
        walk.passed_audit(certified, kind="surveillance")
    certificate = certified.certificates.get()
    assert certificate.surveillance_due == dt.date(2028, 3, 2)
    services.qms_daily(today=dt.date(2027, 3, 3))
    certified.refresh_from_db()
    assert certified.status == Status.CERTIFIED


def test_a_failed_surveillance_suspends_at_once(qms_world, walk, certified):
    with at(dt.date(2027, 2, 1)):
        walk.passed_audit(certified, kind="surveillance", outcome="failed")
    certified.refresh_from_db()
    assert certified.status == Status.SUSPENDED
    assert certified.certificates.get().suspended_on == dt.date(2027, 2, 1)


def test_a_certificate_expires_after_three_years(qms_world, walk, certified):
    # Surveillance passed each year, so only expiry is at stake.
    for year in (2027, 2028):
        with at(dt.date(year, 2, 1)):
            walk.passed_audit(certified, kind="surveillance")
    certificate = certified.certificates.get()
    assert certificate.surveillance_due == dt.date(2029, 3, 2)
    services.qms_daily(today=dt.date(2028, 12, 2))
    assert _reminders(qms_world.member, "qms_expiry_due") == 1
    # On the day after expiry the register says expired before the daily run.
    with at(dt.date(2029, 3, 3)):
        assert selectors.register().get().status_value == "expired"
        assert certified.certificates.get().status == "expired"
    services.qms_daily(today=dt.date(2029, 3, 3))
    certified.refresh_from_db()
    assert certified.status == Status.EXPIRED
    assert Notification.objects.filter(
        recipient=qms_world.member, kind="qms_expired"
    ).exists()
