"""Bring every number counter up to the highest number in use for its prefix
and year, and create the missing ones (issue 20).

A counter left behind (the benchmark's data set wrote its counters under the
prefix ``standard``; an import or a hand repair may do the same) made the
next publication take a number in use, fail on the unique number, and every
publication after it fail the same way. The allocator now skips numbers in
use; this repairs databases made before, as
``standards.services.numbering.counters_repair`` does (a copy: a migration
uses the models as they were when it was written).
"""

import re

from django.db import migrations

NUMBER_RE = re.compile(r"^(?P<prefix>\S+) (?P<sequence>\d{1,9}):(?P<year>\d{4})$")


def repair_counters(apps, schema_editor):
    Standard = apps.get_model("standards", "Standard")
    Audit = apps.get_model("standards", "Audit")
    NumberCounter = apps.get_model("standards", "NumberCounter")
    max_length = NumberCounter._meta.get_field("prefix").max_length
    highest: dict[tuple[str, int], int] = {}
    numbers = list(
        Standard.objects.exclude(number=None).values_list("number", flat=True)
    ) + list(
        Audit.objects.exclude(certificate_number=None).values_list(
            "certificate_number", flat=True
        )
    )
    for number in numbers:
        match = NUMBER_RE.match(number.strip())
        if match:
            key = (match["prefix"][:max_length], int(match["year"]))
            highest[key] = max(highest.get(key, 0), int(match["sequence"]))
    for (prefix, year), last in highest.items():
        counter, created = NumberCounter.objects.get_or_create(
            prefix=prefix, year=year, defaults={"last": last}
        )
        if not created and counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0010_history_imported"),
    ]

    operations = [
        migrations.RunPython(repair_counters, migrations.RunPython.noop),
    ]
