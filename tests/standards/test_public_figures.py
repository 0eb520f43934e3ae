"""Home, catalogue, dashboard and API count published standards alike: the
standards in force, under renewal or not (DESIGN.md, "Public status")."""

import random
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from standards.models import PublicStatus, Standard, Status

FIGURE = re.compile(
    r'<span class="figure">(\d+)</span> '
    r'<span class="figure-label">published standards</span>'
)
CATALOGUE_COUNT = re.compile(r'<p role="status">(\d+) standards?</p>')


@pytest.fixture(autouse=True)
def _search_hooks_only(only_search_hooks, fresh_cache):
    """The search hooks only, and an empty cache."""


def _figure(pattern, html) -> int:
    found = pattern.findall(html)
    assert len(found) == 1, found
    return int(found[0])


def published_figures(leader) -> dict[str, int]:
    """The number of published standards as each surface shows it."""
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(leader)
    api = APIClient()
    by_status = api.get("/api/v1/standards/", {"status": "published"}).json()
    by_public_status = api.get(
        "/api/v1/standards/?public_status=in_force&public_status=under_renewal"
    ).json()
    return {
        "home": _figure(FIGURE, anonymous.get("/").content.decode()),
        "catalogue": _figure(
            CATALOGUE_COUNT, anonymous.get("/standards/").content.decode()
        ),
        "catalogue, published": _figure(
            CATALOGUE_COUNT,
            anonymous.get("/standards/", {"status": "published"}).content.decode(),
        ),
        "dashboard": _figure(FIGURE, signed_in.get("/dashboard/").content.decode()),
        "API, status=published": by_status["count"],
        "API, public_status": by_public_status["count"],
    }


def expected_published() -> int:
    """Counted from the rows, by the rule of DESIGN.md: an edition, and not
    abolished."""
    return sum(
        1
        for standard in Standard.objects.all()
        if standard.has_edition and standard.status != Status.ABOLISHED
    )


@pytest.mark.django_db
def test_figures_agree_on_the_demo_data():
    call_command("load_working_group", verbosity=0)
    call_command("load_demo", "--password", "demo-pw-1", "--force", verbosity=0)
    assert Standard.objects.filter(status=Status.ABOLISHED, has_edition=True)
    assert Standard.objects.filter(has_edition=True, status=Status.DRAFT)

    figures = published_figures(get_user_model().objects.get(username="leader"))

    expected = expected_published()
    assert expected > 0
    assert figures == dict.fromkeys(figures, expected)


# What a generated standard ends as, and how to take it there.
ENDINGS = {
    "draft": lambda flow: flow.draft(),
    "expert_review": lambda flow: flow.reviewed(),
    "audit": lambda flow: flow.in_audit(),
    "certified": lambda flow: flow.certified(),
    "published": lambda flow: flow.published(),
    "reaffirmed": lambda flow: flow.go(flow.published(), "reaffirm", flow.w.deputy),
    "renewal started": lambda flow: flow.go(
        flow.published(), "start_renewal", flow.w.deputy
    ),
    "renewal in review": lambda flow: flow.go(
        flow.go(flow.published(), "start_renewal", flow.w.deputy),
        "submit",
        flow.w.member,
    ),
    "abolished": lambda flow: flow.go(
        flow.published(), "abolish", flow.w.leader, comment="Obsolete"
    ),
    "abolished under renewal": lambda flow: flow.go(
        flow.go(flow.published(), "start_renewal", flow.w.deputy),
        "abolish",
        flow.w.leader,
        comment="Dropped",
    ),
    "abolished draft": lambda flow: flow.go(
        flow.draft(), "abolish", flow.w.leader, comment="Dropped"
    ),
}
PUBLISHED_ENDINGS = {
    "published",
    "reaffirmed",
    "renewal started",
    "renewal in review",
}


@pytest.mark.parametrize("seed", [7, 2026])
def test_figures_agree_on_generated_data(lifecycle, world, seed):
    rng = random.Random(seed)
    endings = [rng.choice(sorted(ENDINGS)) for _ in range(8)]
    # Every public status, and a draft abolished unpublished, at least once.
    endings += ["renewal started", "abolished", "abolished draft", "published"]
    for ending in endings:
        ENDINGS[ending](lifecycle)

    figures = published_figures(world.leader)

    expected = sum(1 for ending in endings if ending in PUBLISHED_ENDINGS)
    assert expected_published() == expected
    assert figures == dict.fromkeys(figures, expected)
    statuses = Standard.objects.with_public_status().values_list(
        "public_status_value", flat=True
    )
    assert {PublicStatus(s) for s in statuses if s} == set(PublicStatus)
