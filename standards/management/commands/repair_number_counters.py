"""``manage.py repair_number_counters``: bring every number counter up to
the highest number in use for its prefix and year (the repair the allocator
names when it finds a counter behind)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from standards.services.numbering import counters_repair


class Command(BaseCommand):
    help = (
        "Bring every number counter up to the highest number in use for its "
        "prefix and year, creating the missing ones."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = counters_repair()
        for prefix, year, before, after in changed:
            self.stdout.write(
                _("%(prefix)s %(year)d: %(before)d → %(after)d")
                % {"prefix": prefix, "year": year, "before": before, "after": after}
            )
        self.stdout.write(
            ngettext(
                "%(count)d counter repaired.",
                "%(count)d counters repaired.",
                len(changed),
            )
            % {"count": len(changed)}
            if changed
            else _("Every counter is up to date.")
        )
