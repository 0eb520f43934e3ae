"""Sample QMS programmes for ``load_demo`` (never in production): one
certified with its certificate PDF, one suspended, one in external audit
with an open major finding. Taken through the real services, so every
step is in their history."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from committees.models import Organisation, Person, Role

from . import services
from .models import Programme

THIRD_ORGANISATION = "Capital Medical University"


def _manual(organisation) -> SimpleUploadedFile:
    text = (
        f"# Quality manual of {organisation} (sample)\n\n"
        "## Quality policy\n\nReliable, reproducible evaluation of LLMs.\n\n"
        "## Processes\n\nEvaluation runs; data curation; reporting.\n"
    )
    return SimpleUploadedFile("quality-manual.md", text.encode(), "text/markdown")


def _third_representative():
    """A representative for the third sample programme (no sign-in)."""
    organisation = Organisation.objects.filter(name=THIRD_ORGANISATION).first()
    if organisation is None:
        return None
    user, created = get_user_model().objects.get_or_create(
        username="qms_rep",
        defaults={"first_name": "Qiu", "last_name": "Rep", "email": ""},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    person, _ = Person.objects.update_or_create(
        user=user,
        defaults={
            "name": "Demo QMS Representative (sample)",
            "organisation": organisation,
            "is_sample": True,
        },
    )
    Role.objects.get_or_create(
        person=person,
        kind=Role.Kind.MEMBER_REPRESENTATIVE,
        organisation=organisation,
    )
    return user


class _Samples:
    def __init__(self, users: dict):
        self.u = users

    def go(self, programme, name, actor, comment=""):
        return services.programme_transition(
            programme_id=programme.pk, name=name, actor=actor, comment=comment
        )

    def to_external_audit(self, organisation, rep, scope):
        leader = self.u["leader"]
        programme = services.programme_start(organisation_id=organisation.pk, actor=rep)
        Programme.objects.filter(pk=programme.pk).update(is_sample=True)
        services.programme_update(
            programme_id=programme.pk,
            actor=rep,
            scope=scope,
            quality_policy="We deliver reliable, reproducible evaluations (sample).",
            quality_objectives="Fewer than 1 % re-runs; every report reviewed.",
        )
        self.go(programme, "declare_policy", rep)
        for name, owner, improvement in (
            ("Evaluation runs", "Head of evaluation", "Reproducible results"),
            ("Data curation", "Data steward", "Clean, documented test sets"),
        ):
            services.process_add(
                programme_id=programme.pk,
                actor=rep,
                name=name,
                owner=owner,
                improvement=improvement,
            )
        self.go(programme, "complete_processes", rep)
        services.document_upload(
            programme_id=programme.pk,
            actor=rep,
            upload=_manual(organisation),
            kind="quality_manual",
            title="Quality manual",
        )
        self.go(programme, "submit_for_approval", rep)
        for expert in (self.u["expert1"], self.u["expert2"]):
            services.committee_appoint(
                programme_id=programme.pk, actor=leader, expert_id=expert.pk
            )
            services.vote_cast(
                programme_id=programme.pk,
                actor=expert,
                decision="approve",
                note="Complete and well documented.",
            )
        self.go(programme, "approve", leader)
        return programme

    def audit(self, programme, *, finding=None, passed=True):
        today = timezone.localdate()
        auditor = self.u["auditor"]
        audit = services.audit_schedule(
            programme_id=programme.pk,
            actor=auditor,
            kind="certification",
            audit_body="Sample Certification Body (sample)",
            lead_auditor="Li Wei",
            stage1_date=today - timedelta(days=40),
            stage2_date=today - timedelta(days=10),
        )
        if finding:
            grade, text = finding
            services.finding_add(
                audit_id=audit.pk,
                actor=auditor,
                grade=grade,
                description=text,
                corrective_action="Hold and minute the review; add it to the plan.",
                owner="Quality manager",
                due=today + timedelta(days=30),
            )
        if passed:
            services.audit_complete(
                audit_id=audit.pk,
                actor=auditor,
                outcome="passed",
                report="Stage 2 passed (sample).",
            )
        return audit

    def load(self) -> int:
        made = 0
        pku = Organisation.objects.filter(name="Peking University").first()
        thu = Organisation.objects.filter(name="Tsinghua University").first()
        if pku:
            p = self.to_external_audit(
                pku, self.u["member"], "Evaluation of medical LLMs (sample)"
            )
            self.audit(p)
            self.go(p, "certify", self.u["leader"])
            made += 1
        if thu:
            p = self.to_external_audit(
                thu, self.u["member2"], "Benchmark data services (sample)"
            )
            self.audit(p)
            self.go(p, "certify", self.u["leader"])
            self.go(
                p,
                "suspend",
                self.u["deputy"],
                comment="The surveillance audit was not held (sample).",
            )
            made += 1
        rep = _third_representative()
        if rep is not None:
            organisation = Organisation.objects.get(name=THIRD_ORGANISATION)
            p = self.to_external_audit(
                organisation, rep, "Clinical decision-support models (sample)"
            )
            self.audit(
                p,
                finding=("major", "No management review held in the last year."),
                passed=False,
            )
            made += 1
        return made


def load_sample_programmes(users: dict) -> int:
    """Create the sample QMS programmes unless there are some already; how
    many were made. Their certificate PDFs are rendered after commit."""
    if Programme.objects.filter(is_sample=True).exists():
        return 0
    with transaction.atomic():
        return _Samples(users).load()
