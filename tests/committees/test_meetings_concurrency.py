"""Decisions recorded at the same moment on PostgreSQL (real row locks)."""

import pytest
from django.db import connection

from committees import meeting_services as services
from committees.models import Decision
from tests.standards.test_concurrency import fresh, run_at_once

from .meeting_helpers import People, held

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_decisions_at_the_same_moment_get_distinct_numbers_without_gaps():
    people = People()
    meeting = held(people)
    calls = [
        (
            lambda n=n: services.decision_add(
                meeting_id=meeting.pk, actor=fresh(people.secretariat), text=f"D {n}"
            )
        )
        for n in range(6)
    ]
    results = run_at_once(calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(
        Decision.objects.filter(meeting=meeting).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5, 6]
    references = {d.reference for d in Decision.objects.filter(meeting=meeting)}
    assert references == {f"2025-03-06/D{n}" for n in range(1, 7)}
