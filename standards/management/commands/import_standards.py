"""``manage.py import_standards FILE [--dry-run] [--as USERNAME]``: bring a
working group's existing standards in from a JSON or CSV file
(docs/import-format.md)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from standards.importing import ImportFileError, read_path, standards_import


class Command(BaseCommand):
    help = (
        "Import standards (numbers, editions, PDFs, history) from a JSON or CSV "
        "file; --dry-run reports what would happen and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON or CSV file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, what clashes and what is "
            "invalid, and change nothing.",
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="The account recorded as having imported (the leader or the "
            "secretariat); none by default.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        actor = None
        if options["username"]:
            try:
                actor = get_user_model().objects.get(username=options["username"])
            except get_user_model().DoesNotExist:
                raise CommandError(
                    _("No account “%(username)s”.") % {"username": options["username"]}
                ) from None
        try:
            entries = read_path(path)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        report = standards_import(
            entries=entries,
            actor=actor,
            source=path.name,
            dry_run=options["dry_run"],
        )
        self.stdout.write(report.as_text())
        if report.count("invalid") or report.count("clash"):
            # The others are imported; the exit status tells a script.
            count = report.count("invalid") + report.count("clash")
            raise CommandError(
                ngettext(
                    "%(count)d standard was not imported: see above.",
                    "%(count)d standards were not imported: see above.",
                    count,
                )
                % {"count": count},
                returncode=2,
            )
