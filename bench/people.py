"""The people the request mix signs in as, one per role, with work of
their own on the benchmark's data set: the leader and a deputy leader
(made by bench/generate.py), an expert assigned to drafts in review, an
auditor, and a member organisation's representative. Idempotent: run after
bench/generate.py, or again on a data set that is reused.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        DJANGO_DEBUG=1 .venv/bin/python bench/people.py
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from committees.models import Field, Organisation, Person, Role  # noqa: E402
from standards.models import ExpertAssignment, Standard, Status  # noqa: E402

PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-pass-2024")
# Drafts in review each expert is assigned to (an expert's real load).
ASSIGNMENTS = 25

# username -> (role, has a field)
PEOPLE = {
    "bench-expert": (Role.Kind.EXPERT, True),
    "bench-auditor": (Role.Kind.AUDITOR, False),
    "bench-member": (Role.Kind.MEMBER_REPRESENTATIVE, False),
}


def busiest_organisation() -> Organisation:
    """The member organisation with the most drafts: its representative's
    "my work" is the longest."""
    return (
        Organisation.objects.filter(is_member=True)
        .annotate(
            drafts=Count("standards", filter=~Q(standards__status=Status.PUBLISHED))
        )
        .order_by("-drafts", "pk")
        .first()
    )


@transaction.atomic
def ensure_people() -> dict:
    User = get_user_model()
    field = Field.objects.filter(parent__isnull=True).order_by("order", "pk").first()
    organisation = busiest_organisation()
    made = {}
    for username, (kind, with_field) in PEOPLE.items():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.save()
        person, _ = Person.objects.get_or_create(
            user=user,
            defaults={"name": f"Bench {username}", "organisation": organisation},
        )
        Role.objects.get_or_create(
            person=person,
            kind=kind,
            field=field if with_field else None,
            organisation=organisation
            if kind == Role.Kind.MEMBER_REPRESENTATIVE
            else None,
        )
        made[username] = kind
    expert = User.objects.get(username="bench-expert")
    in_review = Standard.objects.filter(
        status=Status.EXPERT_REVIEW, field__in=[field, *field.subfields.all()]
    ).order_by("pk")[:ASSIGNMENTS]
    for standard in in_review:
        ExpertAssignment.objects.get_or_create(standard=standard, expert=expert)
    made["assignments"] = expert.expert_assignments.count()
    return made


if __name__ == "__main__":
    print(json.dumps(ensure_people()))
