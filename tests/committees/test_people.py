"""A person has one name everywhere: the header, the whose-turn banner, the
history, notifications and e-mails, PDFs and the API all say the name the
committees list (``Person.name``), never the account's own first and last
names."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as token_services
from committees.selectors import display_name
from notifications.models import Notification
from standards import pdf
from standards.models import Audit, Standard, Status
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

TRIAGE = "Evaluation of LLM triage in intensive care (sample)"
EXPERT = "Demo Expert 1 (sample)"


def _text(html: str, pattern: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def _api(user) -> APIClient:
    client = APIClient()
    secret = token_services.token_create(actor=user, name="tests").secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_demo_person_has_one_name_on_every_surface(demo, client):
    expert = get_user_model().objects.get(username="expert1")
    # The account's own names differ from the person's: the case observed.
    assert expert.get_full_name() == "Eva Expert"
    assert expert.person.name == EXPERT
    standard = Standard.objects.get(title=TRIAGE, status=Status.EXPERT_REVIEW)

    client.force_login(expert)
    html = client.get(reverse("standards:draft", args=[standard.pk])).content.decode()
    header = _text(html, r'<span class="account-name">\s*([^<]*?)\s*<')
    banner = _text(html, r'class="banner info whose-turn-banner"(.*?)</section>')
    history = re.findall(
        r'<p class="meta">\s*<time[^>]*>[^<]*</time>\s*·\s*([^<\n]+)', html
    )

    assert header == EXPERT
    assert f"Experts ({EXPERT}, Demo Expert 2 (sample))" in banner
    assert EXPERT in [name.strip() for name in history]
    assert "Eva Expert" not in html

    # The authors were told of the comment by the same name, in the app and
    # by e-mail (the e-mail's body is the notification's text).
    told = list(
        Notification.objects.filter(
            standard=standard, recipient__username="member2"
        ).values_list("message", flat=True)
    )
    assert any(message.startswith(f"{EXPERT} commented on") for message in told), told
    assert not any("Eva Expert" in message for message in told), told

    api = _api(expert)
    entries = api.get(f"/api/v1/standards/{standard.pk}/history/").json()["results"]
    [commented] = [e for e in entries if e["action"] == "comment_added"]
    assert commented["actor"] == {
        "id": expert.pk,
        "person_id": expert.person.pk,
        "name": EXPERT,
    }
    detail = api.get(f"/api/v1/standards/{standard.pk}/").json()
    experts_turn = next(t for t in detail["whose_turn"] if t["role"] == "experts")
    assert EXPERT in experts_turn["people"]
    person = api.get(f"/api/v1/people/{expert.person.pk}/").json()
    assert person["name"] == EXPERT and person["user_id"] == expert.pk

    # The PDFs: the edition's history of approval, the audit's certificate.
    published = Standard.objects.filter(status=Status.PUBLISHED).first()
    edition = published.editions.order_by("-edition").first()
    html = pdf.edition_html(edition)
    assert "Demo Leader (sample)" in html and "Lena Leader" not in html
    audit = Audit.objects.filter(outcome=Audit.Outcome.CERTIFIED).first()
    html = pdf.certificate_html(audit)
    assert "Demo Auditor (sample)" in html and "Arun Auditor" not in html


def test_display_name_is_the_person_then_the_full_name_then_the_username():
    person = PersonFactory(name="Ada Lovelace (Analytical Engines)")
    person.user.first_name, person.user.last_name = "Augusta", "King"
    assert display_name(person.user) == "Ada Lovelace (Analytical Engines)"

    no_person = UserFactory(first_name="Charles", last_name="Babbage")
    assert display_name(no_person) == "Charles Babbage"

    bare = UserFactory(username="difference-engine", first_name="", last_name="")
    assert display_name(bare) == "difference-engine"
    assert display_name(None) == ""


def test_naming_users_of_loaded_rows_costs_no_query(django_assert_num_queries):
    PersonFactory(name="Grace Hopper")
    UserFactory(username="no-person", first_name="", last_name="")
    users = list(get_user_model().objects.select_related("person"))
    with django_assert_num_queries(0):
        names = {display_name(user) for user in users}
    assert names == {"Grace Hopper", "no-person"}
