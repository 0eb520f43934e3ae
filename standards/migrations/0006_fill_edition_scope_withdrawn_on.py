"""Fill the two new fields of editions published before they existed.

- ``Edition.scope``: the standard's scope, the best record there is (a
  standard's scope could not change while it was published; one edited
  during a renewal under way now gives its draft's scope).
- ``Edition.withdrawn_on``: on the last edition of an abolished standard,
  the day of its abolition's history entry (else the day it entered its
  state).
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone


def fill(apps, schema_editor):
    Edition = apps.get_model("standards", "Edition")
    Standard = apps.get_model("standards", "Standard")
    HistoryEntry = apps.get_model("standards", "HistoryEntry")
    Edition.objects.filter(scope="").update(
        scope=Subquery(
            Standard.objects.filter(pk=OuterRef("standard_id")).values("scope")[:1]
        )
    )
    abolished = Standard.objects.filter(status="abolished", has_edition=True)
    for standard in abolished.iterator():
        last = (
            Edition.objects.filter(standard=standard, withdrawn_on__isnull=True)
            .order_by("-edition")
            .first()
        )
        if last is None or last.superseded_on is not None:
            continue
        entry = (
            HistoryEntry.objects.filter(standard=standard, action="abolish")
            .order_by("-created", "-pk")
            .first()
        )
        moment = entry.created if entry else standard.status_changed
        last.withdrawn_on = timezone.localdate(moment)
        last.save(update_fields=["withdrawn_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0005_edition_scope_withdrawn_on"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
