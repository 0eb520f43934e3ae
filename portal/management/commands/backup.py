"""``manage.py backup [--output DIR]``: the database and the media in one
archive with a manifest of SHA-256 digests (portal.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = (
        "Write a backup archive: pg_dump (custom format), every media file "
        "and a manifest of their SHA-256 digests."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default="var/backups",
            help="A folder (the archive is named by its time) or a .tar file.",
        )

    def handle(self, *args, output, **options):
        try:
            archive = backup.backup(Path(output))
            manifest = backup.verify(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{archive}: database {manifest['database']['size']} bytes, "
            f"{len(manifest['media'])} media files"
        )
