"""Numbering that cannot jam (issue 20): counters follow the numbers in use,
the allocator never gives a number in use, and an integrity error is told
for what it is."""

import importlib
import json
import logging
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from portal.errors import ApplicationError
from standards import importing
from standards.models import Audit, Edition, NumberCounter, Standard
from standards.services import common, numbering

pytestmark = pytest.mark.django_db

PREFIX = settings.STANDARD_NUMBER_PREFIX
CHANGED_MEANWHILE = "changed meanwhile"


def year() -> int:
    return timezone.localdate().year


def import_numbers(world, numbers, django_capture_on_commit_callbacks):
    """Import published standards with these numbers, as the importer does."""
    records = [
        {
            "number": number,
            "title": f"Imported {number}",
            "field": world.field.slug,
            "organisation": world.organisation.slug,
            "editions": [{"published_on": f"{year()}-01-02", "text": "# Text\n"}],
        }
        for number in numbers
    ]
    with django_capture_on_commit_callbacks(execute=True):
        report = importing.standards_import(
            entries=importing.read_json(json.dumps({"standards": records})),
            actor=world.leader,
            source="test",
        )
    assert report.count("created") == len(numbers), report.as_text()


def test_after_importing_ten_numbers_publishing_gets_the_eleventh(
    world, lifecycle, no_pdf_renders, django_capture_on_commit_callbacks
):
    import_numbers(
        world,
        [f"{PREFIX} {n:04d}:{year()}" for n in range(1, 11)],
        django_capture_on_commit_callbacks,
    )

    published = lifecycle.published(title="The first native one")

    assert published.number == f"{PREFIX} 0011:{year()}"
    assert published.editions.get().number == published.number


def test_a_counter_set_behind_still_gives_a_free_number_and_names_the_repair(
    world, lifecycle, no_pdf_renders, caplog
):
    first = lifecycle.published(title="First")
    second = lifecycle.published(title="Second")
    assert second.number == f"{PREFIX} 0002:{year()}"
    NumberCounter.objects.filter(prefix=PREFIX, year=year()).update(last=0)

    with caplog.at_level(logging.WARNING, logger="standards.services.numbering"):
        third = lifecycle.published(title="Third")

    assert third.number == f"{PREFIX} 0003:{year()}"
    assert first.number != third.number
    assert "was behind the numbers in use" in caplog.text
    assert "repair_number_counters" in caplog.text
    # And the next one follows on without skipping again.
    assert lifecycle.published(title="Fourth").number == f"{PREFIX} 0004:{year()}"


def test_the_benchmarks_wrong_counter_prefix_does_not_jam_publishing(
    world, lifecycle, no_pdf_renders, django_capture_on_commit_callbacks
):
    """The trap found on the benchmark's data set: numbers in use, and the
    counters written under another prefix ("standard")."""
    import_numbers(
        world, [f"{PREFIX} 0001:{year()}"], django_capture_on_commit_callbacks
    )
    NumberCounter.objects.all().delete()
    NumberCounter.objects.create(prefix="standard", year=year(), last=1)

    published = lifecycle.published(title="After the benchmark")

    assert published.number == f"{PREFIX} 0002:{year()}"


def test_a_missing_counter_starts_at_the_highest_number_in_use(world):
    Standard.objects.create(
        title="Hand-made",
        field=world.field,
        organisation=world.organisation,
        number=f"{PREFIX} 0042:{year()}",
    )

    with transaction.atomic():
        assert numbering._next_number("standard", year()) == 43
    assert NumberCounter.objects.get(prefix=PREFIX, year=year()).last == 43


def test_certificate_numbers_skip_those_in_use_too(world, lifecycle, no_pdf_renders):
    standard = lifecycle.certified(title="Certified once")
    audit = Audit.objects.get(standard=standard)
    assert audit.certificate_number == f"{PREFIX}-C 0001:{year()}"
    NumberCounter.objects.filter(prefix=f"{PREFIX}-C").update(last=0)

    other = lifecycle.certified(title="Certified after a bad repair")

    assert Audit.objects.get(standard=other).certificate_number == (
        f"{PREFIX}-C 0002:{year()}"
    )


def test_repair_command_brings_every_counter_up(world):
    for number in (f"{PREFIX} 0007:2024", f"{PREFIX} 0003:2025"):
        Standard.objects.create(
            title=number,
            field=world.field,
            organisation=world.organisation,
            number=number,
        )
    NumberCounter.objects.create(prefix=PREFIX, year=2024, last=2)
    NumberCounter.objects.create(prefix=PREFIX, year=2025, last=9)
    out = StringIO()

    call_command("repair_number_counters", stdout=out)

    counters = dict(
        NumberCounter.objects.filter(prefix=PREFIX).values_list("year", "last")
    )
    assert counters == {2024: 7, 2025: 9}  # never lowered
    assert f"{PREFIX} 2024: 2 → 7" in out.getvalue()
    out = StringIO()
    call_command("repair_number_counters", stdout=out)
    assert "Every counter is up to date." in out.getvalue()


def test_the_data_migration_repairs_existing_databases(world):
    Standard.objects.create(
        title="Old",
        field=world.field,
        organisation=world.organisation,
        number=f"{PREFIX} 0005:2025",
    )
    NumberCounter.objects.create(prefix="standard", year=2025, last=5)
    migration = importlib.import_module(
        "standards.migrations.0011_repair_number_counters"
    )

    migration.repair_counters(django_apps, connection.schema_editor())

    assert NumberCounter.objects.get(prefix=PREFIX, year=2025).last == 5


# --- integrity errors told truly ---------------------------------------------


def _integrity_error(create) -> IntegrityError:
    try:
        with transaction.atomic():
            create()
    except IntegrityError as exc:
        return exc
    raise AssertionError("no integrity error")


def test_a_taken_number_is_not_changed_meanwhile(world, expect_integrity_error):
    number = f"{PREFIX} 0001:{year()}"

    def create():
        return Standard.objects.create(
            title="x", field=world.field, organisation=world.organisation, number=number
        )

    create()
    error = common.integrity_error_told(_integrity_error(create))

    assert isinstance(error, ApplicationError)
    assert CHANGED_MEANWHILE not in str(error.message)
    assert "repair_number_counters" in str(error.message)
    assert error.status == 409


def test_a_real_concurrent_change_is_changed_meanwhile(
    world, lifecycle, no_pdf_renders
):
    standard = lifecycle.published(title="Published")
    edition = standard.editions.get()

    exc = _integrity_error(
        lambda: Edition.objects.create(
            standard=standard,
            number=standard.number,
            edition=edition.edition,
            version=edition.version,
            title="again",
            published_on=edition.published_on,
        )
    )

    assert common.constraint_name(exc) == "edition_unique"
    assert CHANGED_MEANWHILE in str(common.integrity_error_told(exc).message)


@pytest.mark.postgres
def test_an_integrity_error_of_another_kind_is_logged_with_its_constraint(
    world, expect_integrity_error, caplog
):
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE standards_standard ADD CONSTRAINT test_title_not_x "
            "CHECK (title <> 'x') NOT VALID"
        )
    exc = _integrity_error(
        lambda: Standard.objects.create(
            title="x", field=world.field, organisation=world.organisation
        )
    )

    with caplog.at_level(logging.ERROR, logger="standards.services.common"):
        error = common.integrity_error_told(exc)

    assert "test_title_not_x" in caplog.text
    assert "test_title_not_x" in str(error.message)
    assert CHANGED_MEANWHILE not in str(error.message)


@pytest.mark.postgres
def test_a_publication_that_hits_an_integrity_error_of_another_kind_says_so(
    world, lifecycle, no_pdf_renders, expect_integrity_error
):
    standard = lifecycle.certified(title="Certified")
    with connection.cursor() as cursor:
        # A rule of the database nothing in the portal expects.
        cursor.execute(
            "ALTER TABLE standards_edition ADD CONSTRAINT test_no_new_edition "
            "CHECK (edition < 0) NOT VALID"
        )

    with pytest.raises(ApplicationError) as refused:
        lifecycle.go(standard, "publish", world.leader)

    assert CHANGED_MEANWHILE not in str(refused.value.message)
    assert "test_no_new_edition" in str(refused.value.message)
    standard.refresh_from_db()
    assert standard.status == "certified"
    assert standard.number is None
