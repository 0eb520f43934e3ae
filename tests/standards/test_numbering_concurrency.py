"""Publications at the same moment after an import, on PostgreSQL (real row
locks; see tests/standards/test_concurrency.py)."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from standards import importing, services
from standards.models import Edition, NumberCounter

from .test_concurrency import fresh, run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PREFIX = settings.STANDARD_NUMBER_PREFIX


@pytest.fixture(autouse=True)
def _needs_postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.mark.parametrize("counter", ["raised by the import", "set behind"])
def test_eight_publications_after_an_import_get_consecutive_free_numbers(
    lifecycle, world, no_pdf_renders, counter
):
    year = timezone.localdate().year
    records = [
        {
            "number": f"{PREFIX} {n:04d}:{year}",
            "title": f"Imported {n}",
            "field": world.field.slug,
            "organisation": world.organisation.slug,
            "editions": [{"published_on": f"{year}-01-02", "text": "# Text\n"}],
        }
        for n in range(1, 11)
    ]
    report = importing.standards_import(
        entries=importing.read_json(json.dumps({"standards": records})),
        actor=world.leader,
        source="test",
    )
    assert report.count("created") == 10, report.as_text()
    if counter == "set behind":
        NumberCounter.objects.filter(prefix=PREFIX, year=year).update(last=3)
    standards = [lifecycle.certified(title=f"Concurrent {i}") for i in range(8)]
    leaders = [fresh(world.leader) for _ in standards]

    results = run_at_once(
        [
            lambda s=s, leader=leader: services.standard_transition(
                standard_id=s.pk, name="publish", actor=leader
            )
            for s, leader in zip(standards, leaders, strict=True)
        ]
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    numbers = sorted(
        Edition.objects.filter(standard__in=standards).values_list("number", flat=True)
    )
    assert numbers == [f"{PREFIX} {n:04d}:{year}" for n in range(11, 19)]
