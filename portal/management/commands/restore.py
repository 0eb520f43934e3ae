"""``manage.py restore ARCHIVE [--database-url URL]``: a backup back into an
empty database and the media storage, every digest checked first."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and the media storage."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--database-url",
            default=None,
            help="Restore into this (empty) database instead of DATABASE_URL's.",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Only check the archive against its manifest.",
        )

    def handle(self, *args, archive, database_url, verify_only, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"no such archive: {archive}")
        try:
            if verify_only:
                manifest = backup.verify(path)
            else:
                manifest = backup.restore(path, database_url=database_url)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        done = "verified" if verify_only else "restored"
        self.stdout.write(
            f"{path}: {done}, database and {len(manifest['media'])} media files"
        )
