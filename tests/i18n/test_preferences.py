"""A person's language and time zone: chosen on the profile page, kept in
admin, shown in dates and times of pages in their language and zone."""

from datetime import UTC, date, datetime

import pytest
from django.contrib import admin
from django.test import Client

from accounts import services
from accounts.models import Preferences
from committees.models import Meeting
from notifications.models import Kind, Notification
from portal.errors import ApplicationError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# 12:30 UTC is 20:30 in Shanghai (UTC+8, no summer time).
MOMENT = datetime(2026, 1, 15, 12, 30, tzinfo=UTC)


@pytest.fixture
def user():
    return UserFactory()


def notified(user) -> Notification:
    return Notification.objects.create(
        recipient=user, kind=Kind.PUBLISHED, message="Published.", created=MOMENT
    )


# --- the profile page -----------------------------------------------------------------


def test_the_profile_page_offers_language_and_time_zone(client, user):
    client.force_login(user)
    html = client.get("/accounts/profile/").content.decode()
    assert 'action="/accounts/profile/preferences/"' in html
    assert 'name="language"' in html
    assert '<option value="zh-hans">中文</option>' in html
    assert '<option value="Asia/Shanghai">Asia/Shanghai</option>' in html


def test_saving_chinese_and_shanghai_goes_to_the_chinese_profile(client, user):
    client.force_login(user)
    response = client.post(
        "/accounts/profile/preferences/",
        {"language": "zh-hans", "time_zone": "Asia/Shanghai"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/accounts/profile/"
    preferences = Preferences.objects.get(user=user)
    assert (preferences.language, preferences.time_zone) == ("zh-hans", "Asia/Shanghai")
    assert response.cookies["django_language"].value == "zh-hans"
    # This session follows at once; so does the person's next page.
    assert client.get("/notifications/")["Location"] == "/zh-hans/notifications/"


def test_an_unknown_time_zone_is_refused(client, user):
    client.force_login(user)
    response = client.post(
        "/accounts/profile/preferences/", {"language": "", "time_zone": "Mars/Base"}
    )
    assert response.status_code == 302
    assert not Preferences.objects.filter(user=user).exists()
    with pytest.raises(ApplicationError):
        services.preferences_set(user=user, time_zone="Mars/Base")
    with pytest.raises(ApplicationError):
        services.preferences_set(user=user, language="fr")


def test_blank_choices_mean_the_browser_and_the_portal(user):
    preferences = services.preferences_set(user=user, language="", time_zone="")
    assert (preferences.language, preferences.time_zone) == ("", "")
    preferences.full_clean()


def test_the_preferences_are_in_admin():
    assert Preferences in admin.site._registry


def test_the_admin_edits_them(user):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    Preferences.objects.create(user=user, language="zh-hans")
    response = client.get(f"/admin/accounts/preferences/{user.pk}/change/")
    assert response.status_code == 200


# --- time zones ---------------------------------------------------------------------


def test_a_time_on_a_page_is_in_the_persons_zone_with_its_name(client, user):
    notified(user)
    client.force_login(user)
    html = client.get("/notifications/").content.decode()
    assert "12:30 p.m. UTC" in html
    services.preferences_set(user=user, time_zone="Asia/Shanghai")
    client.force_login(user)  # a new sign-in: the session learns the zone
    html = client.get("/notifications/").content.decode()
    assert "8:30 p.m. CST" in html
    assert "12:30 p.m. UTC" not in html


def test_the_zone_of_one_person_does_not_leak_to_the_next_request(client, user):
    services.preferences_set(user=user, time_zone="Asia/Shanghai")
    client.force_login(user)
    client.get("/notifications/")
    other = UserFactory()
    notified(other)
    second = Client()
    second.force_login(other)
    assert "12:30 p.m. UTC" in second.get("/notifications/").content.decode()


# --- formats -------------------------------------------------------------------


def test_a_chinese_page_writes_dates_and_times_the_chinese_way(client, user):
    notified(user)
    services.preferences_set(user=user, language="zh-hans", time_zone="Asia/Shanghai")
    client.force_login(user)
    html = client.get("/zh-hans/notifications/").content.decode()
    assert "2026年1月15日 20:30 CST" in html


def test_a_date_on_a_chinese_public_page(client):
    Meeting.objects.create(title="Plenary", slug="plenary", date=date(2026, 12, 2))
    assert "2026年12月2日" in client.get("/zh-hans/meetings/").content.decode()
    assert "Dec. 2, 2026" in client.get("/meetings/").content.decode()
