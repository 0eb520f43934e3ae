"""The numbers a publication or a certification gives: one counter per
prefix and year, locked until the transaction ends.

A counter can never jam the portal: a counter that is missing starts from
the highest number in use for its prefix and year, not from zero; an import
raises the counters of the numbers it brings in (``counter_raise``); and the
allocator never hands out a number in use. Should a counter still be behind
(a database repaired by hand, rows written in bulk), it skips forward to the
first free number and logs a warning naming the repair
(``manage.py repair_number_counters``, ``counters_repair``), instead of
failing every publication on the unique number for ever.
"""

import logging
import re

from django.conf import settings

from ..models import Audit, NumberCounter, Standard

logger = logging.getLogger(__name__)

REPAIR_COMMAND = "manage.py repair_number_counters"

# "LLMSWG 0007:2026", "LLMSWG-C 0003:2026": prefix, sequence, year.
NUMBER_RE = re.compile(r"^(?P<prefix>\S+) (?P<sequence>\d{1,9}):(?P<year>\d{4})$")


def number_prefix(kind: str) -> str:
    """The prefix numbers of ``kind`` are written with: the configured
    prefix for standards, ``<prefix>-<kind>`` for the others (``C``:
    certificates)."""
    base = settings.STANDARD_NUMBER_PREFIX
    return base if kind == "standard" else f"{base}-{kind}"


def counter_prefix(prefix: str) -> str:
    """The counter row's prefix of numbers written with ``prefix``."""
    return prefix[: NumberCounter._meta.get_field("prefix").max_length]


def number_text(kind: str, sequence: int, year: int) -> str:
    """How a number of ``kind`` reads (``LLMSWG 0007:2026``)."""
    return f"{number_prefix(kind)} {sequence:04d}:{year}"


def parse_number(number: str) -> tuple[str, int, int] | None:
    """``(prefix, sequence, year)`` of a number, ``None`` if it is not one."""
    match = NUMBER_RE.match((number or "").strip())
    if not match:
        return None
    return match["prefix"], int(match["sequence"]), int(match["year"])


def _numbers_in_use(prefix: str, year: int):
    """Every number written with ``prefix`` in ``year``: the standards' and
    the certificates' (the two unique columns numbers go in)."""
    suffix = f":{year}"
    head = f"{prefix} "
    yield from Standard.objects.filter(
        number__startswith=head, number__endswith=suffix
    ).values_list("number", flat=True)
    yield from Audit.objects.filter(
        certificate_number__startswith=head, certificate_number__endswith=suffix
    ).values_list("certificate_number", flat=True)


def highest_in_use(prefix: str, year: int) -> int:
    """The highest sequence in use for ``prefix`` and ``year`` (0: none)."""
    highest = 0
    for number in _numbers_in_use(prefix, year):
        parsed = parse_number(number)
        if parsed and parsed[0] == prefix and parsed[2] == year:
            highest = max(highest, parsed[1])
    return highest


def _in_use(kind: str, number: str) -> bool:
    if kind == "standard":
        return Standard.objects.filter(number=number).exists()
    return Audit.objects.filter(certificate_number=number).exists()


def _locked_counter(prefix: str, year: int) -> NumberCounter:
    """The counter row of ``prefix`` and ``year``, locked until the
    transaction ends; created (at the highest number in use) when missing."""
    counter = (
        NumberCounter.objects.select_for_update()
        .filter(prefix=counter_prefix(prefix), year=year)
        .first()
    )
    if counter is None:
        NumberCounter.objects.get_or_create(
            prefix=counter_prefix(prefix),
            year=year,
            defaults={"last": highest_in_use(prefix, year)},
        )
        counter = NumberCounter.objects.select_for_update().get(
            prefix=counter_prefix(prefix), year=year
        )
    return counter


def _next_number(kind: str, year: int) -> int:
    """The next free number of a counter, locked until the transaction ends,
    so two publications at once get distinct numbers without gaps. A number
    already in use is never given: the counter skips past the numbers in use
    (and a warning names the repair)."""
    prefix = number_prefix(kind)
    counter = _locked_counter(prefix, year)
    sequence = counter.last + 1
    if _in_use(kind, number_text(kind, sequence, year)):
        behind = counter.last
        sequence = highest_in_use(prefix, year) + 1
        while _in_use(kind, number_text(kind, sequence, year)):
            sequence += 1  # a number the scan could not read (another form)
        logger.warning(
            "The number counter %s %s was behind the numbers in use (at %d); "
            "skipped to %d. Run `%s` to bring every counter up to date.",
            counter.prefix,
            year,
            behind,
            sequence,
            REPAIR_COMMAND,
        )
    counter.last = sequence
    counter.save(update_fields=["last"])
    return sequence


def counter_raise(prefix: str, year: int) -> tuple[int, int]:
    """Bring the counter of ``prefix`` and ``year`` up to the highest number
    in use (never down), locked until the transaction ends; ``(before,
    after)``. Called for every number an import brings in."""
    counter = _locked_counter(prefix, year)
    before = counter.last
    highest = highest_in_use(prefix, year)
    if highest > before:
        counter.last = highest
        counter.save(update_fields=["last"])
    return before, counter.last


def counters_repair() -> list[tuple[str, int, int, int]]:
    """Bring every counter up to the highest number in use for its prefix
    and year, and create the missing ones; the counters changed, as
    ``(prefix, year, before, after)``."""
    in_use: set[tuple[str, int]] = set()
    for number in Standard.objects.exclude(number=None).values_list(
        "number", flat=True
    ):
        parsed = parse_number(number)
        if parsed:
            in_use.add((parsed[0], parsed[2]))
    for number in Audit.objects.exclude(certificate_number=None).values_list(
        "certificate_number", flat=True
    ):
        parsed = parse_number(number)
        if parsed:
            in_use.add((parsed[0], parsed[2]))
    changed = []
    for prefix, year in sorted(in_use):
        existed = NumberCounter.objects.filter(
            prefix=counter_prefix(prefix), year=year
        ).exists()
        before, after = counter_raise(prefix, year)
        if not existed:
            before = 0
        if after != before or not existed:
            changed.append((counter_prefix(prefix), year, before, after))
    return changed


def counter_reserve(number: str) -> None:
    """Lock the counter of ``number`` (a number brought in by an import)
    until the transaction ends, and raise it to that number if it is behind:
    the next publication of its year then gets the number after it. Taken
    before the number is written, so a publication at the same moment waits
    for the import instead of racing it to the same number."""
    parsed = parse_number(number)
    if parsed is None:
        return
    prefix, sequence, year = parsed
    counter = _locked_counter(prefix, year)
    if counter.last < sequence:
        counter.last = sequence
        counter.save(update_fields=["last"])
