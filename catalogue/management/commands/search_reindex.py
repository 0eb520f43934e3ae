import time

from django.core.management.base import BaseCommand

from catalogue.services import search_reindex


class Command(BaseCommand):
    help = "Rebuild the search index of the public standards."

    def handle(self, *args, **options):
        started = time.monotonic()
        count = search_reindex()
        self.stdout.write(
            f"Indexed {count} public standards in {time.monotonic() - started:.1f} s."
        )
