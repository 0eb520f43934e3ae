"""Sample accounts for trying the portal out. Never run in production.

Every person and organisation this creates is marked ``is_sample`` and named
"(sample)", so the sample data shows as such wherever it appears. Running it
again keeps the rows and resets the demo accounts' passwords.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from committees.meeting_demo import load_sample_meetings
from committees.models import Field, Organisation, Person, Role, WorkingGroup
from workplan.demo import load_sample_plan

SAMPLE_ORGANISATION = "Demo Organisation (sample)"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    person: str
    title: str
    kind: str | None
    field: str | None = None
    organisation: str | None = None  # the role's (and the person's) organisation
    description: str = ""


ACCOUNTS = (
    DemoAccount(
        "leader",
        "Lena",
        "Leader",
        "Demo Leader (sample)",
        "Leader",
        Role.Kind.LEADER,
        description="leader of the working group",
    ),
    DemoAccount(
        "deputy",
        "Dana",
        "Deputy",
        "Demo Deputy Leader (sample)",
        "Deputy leader",
        Role.Kind.DEPUTY_LEADER,
        field="Medical Field",
        description="deputy leader of the Medical Field",
    ),
    DemoAccount(
        "member",
        "Min",
        "Member",
        "Demo Member Representative (sample)",
        "Member representative",
        Role.Kind.MEMBER_REPRESENTATIVE,
        organisation="Peking University",
        description="member representative of Peking University",
    ),
    DemoAccount(
        "member2",
        "Ming",
        "Member",
        "Demo Member Representative 2 (sample)",
        "Member representative",
        Role.Kind.MEMBER_REPRESENTATIVE,
        organisation="Tsinghua University",
        description="member representative of Tsinghua University",
    ),
    DemoAccount(
        "expert1",
        "Eva",
        "Expert",
        "Demo Expert 1 (sample)",
        "Expert",
        Role.Kind.EXPERT,
        field="Medical Field",
        description="expert of the Medical Field",
    ),
    DemoAccount(
        "expert2",
        "Emil",
        "Expert",
        "Demo Expert 2 (sample)",
        "Expert",
        Role.Kind.EXPERT,
        field="Medical Field",
        description="expert of the Medical Field",
    ),
    DemoAccount(
        "auditor",
        "Arun",
        "Auditor",
        "Demo Auditor (sample)",
        "Auditor",
        Role.Kind.AUDITOR,
        description="auditor",
    ),
)


def load_sample_drafts(users: dict) -> bool:
    """Hook: sample drafts come from ``standards.demo`` once that exists."""
    try:
        from standards.demo import load_sample_drafts as load_drafts
    except ModuleNotFoundError as exc:
        if exc.name not in {"standards.demo", "standards"}:
            raise  # a real error inside standards.demo must not be hidden
        return False
    load_drafts(users)
    return True


class Command(BaseCommand):
    help = "Create the sample demo accounts (never in production)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password of every demo account (default: a new random one).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. Never run in production.",
        )

    def handle(self, *args, password=None, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create sample accounts. Never run in "
                "production; use --force for a test installation."
            )
        password = password or secrets.token_urlsafe(12)
        if not WorkingGroup.objects.exists():
            call_command("load_working_group", stdout=self.stdout)

        with transaction.atomic():
            users = self._load_accounts(password)

        self.stdout.write(self.style.WARNING("Sample accounts (demo data only):"))
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<9} {account.description}")
        self.stdout.write(f"  {'admin':<9} superuser for /admin/")
        self.stdout.write(f"Password of every sample account: {password}")

        if load_sample_drafts(users):
            self.stdout.write("Sample drafts loaded.")

        with transaction.atomic():
            planned = load_sample_plan(users)
        if planned:
            self.stdout.write(f"Sample work plan: {planned} items planned.")

        meetings = load_sample_meetings(users)
        if meetings:
            self.stdout.write(f"Sample meetings: {meetings} created.")

        from qms.demo import load_sample_programmes

        programmes = load_sample_programmes(users)
        if programmes:
            self.stdout.write(f"Sample QMS programmes: {programmes} created.")

    def _load_accounts(self, password: str) -> dict:
        User = get_user_model()
        sample_org, _ = Organisation.objects.update_or_create(
            name=SAMPLE_ORGANISATION,
            defaults={"slug": "demo-organisation-sample", "is_sample": True},
        )
        users = {}
        for account in ACCOUNTS:
            user, _ = User.objects.update_or_create(
                username=account.username,
                defaults={
                    "first_name": account.first_name,
                    "last_name": account.last_name,
                    "email": f"{account.username}@example.org",
                    "is_active": True,
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])

            organisation = (
                self._get(Organisation, account.organisation)
                if account.organisation
                else sample_org
            )
            person, _ = Person.objects.update_or_create(
                user=user,
                defaults={
                    "name": account.person,
                    "title": account.title,
                    "organisation": organisation,
                    "is_sample": True,
                },
            )
            role = {"person": person, "kind": account.kind}
            if account.field:
                role["field"] = self._get(Field, account.field)
            if account.kind == Role.Kind.MEMBER_REPRESENTATIVE:
                role["organisation"] = organisation
            Role.objects.get_or_create(**role)
            users[account.username] = user

        admin, _ = User.objects.update_or_create(
            username="admin",
            defaults={
                "first_name": "Admin",
                "last_name": "",
                "email": "admin@example.org",
                "is_staff": True,
                "is_superuser": True,
                "is_active": True,
            },
        )
        admin.set_password(password)
        admin.save(update_fields=["password"])
        users["admin"] = admin
        return users

    @staticmethod
    def _get(model, name):
        try:
            return model.objects.get(name=name)
        except model.DoesNotExist as exc:
            raise CommandError(
                f"{model._meta.verbose_name} {name!r} is missing: run "
                "load_working_group first."
            ) from exc
