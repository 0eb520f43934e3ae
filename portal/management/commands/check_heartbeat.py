"""Exit 1 when a heartbeat is missing or stale: the health check of the
worker and beat containers (docker-compose.yml)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.health import HEARTBEATS, heartbeat_age


class Command(BaseCommand):
    help = "Fail when the named heartbeats (beat, worker:pdf, ...) are stale."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="+", choices=HEARTBEATS)
        parser.add_argument(
            "--max-age", type=float, default=settings.PORTAL_HEARTBEAT_MAX_AGE
        )

    def handle(self, *args, names, max_age, **options):
        stale = []
        for name in names:
            age = heartbeat_age(name)
            if age is None or age > max_age:
                stale.append(f"{name}: {'never' if age is None else f'{age:.0f} s'}")
            else:
                self.stdout.write(f"{name}: {age:.0f} s ago")
        if stale:
            raise CommandError("stale heartbeat: " + ", ".join(stale))
