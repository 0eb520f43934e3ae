import pytest
from django.core.management import call_command


@pytest.fixture
def working_group(db):
    """The working group loaded from the seed text, as `make run` does."""
    call_command("load_working_group", verbosity=0)


@pytest.fixture
def demo(working_group, settings):
    settings.DEBUG = True
    call_command("load_demo", password="demo-pass-1", verbosity=0)


# --- a working QMS world ---------------------------------------------------------

import datetime as _dt  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from committees.models import Role  # noqa: E402
from qms import services  # noqa: E402
from qms.models import Audit, Document, Programme, Status  # noqa: E402
from tests.factories import (  # noqa: E402
    FieldFactory,
    OrganisationFactory,
    UserFactory,
    user_with_role,
)


@dataclass
class QmsWorld:
    organisation: object
    other_organisation: object
    leader: object
    deputy: object
    member: object
    colleague: object
    other_member: object
    expert1: object
    expert2: object
    expert3: object
    own_expert: object
    auditor: object
    secretariat: object
    stranger: object


@pytest.fixture
def qms_world(db):
    field = FieldFactory(name="Medical Field")
    organisation = OrganisationFactory(name="Peking University")
    other = OrganisationFactory(name="Tsinghua University")
    Kind = Role.Kind
    colleague = UserFactory(username="colleague")
    from tests.factories import PersonFactory

    PersonFactory(user=colleague, organisation=organisation)
    return QmsWorld(
        organisation=organisation,
        other_organisation=other,
        leader=user_with_role(Kind.LEADER, username="leader"),
        deputy=user_with_role(Kind.DEPUTY_LEADER, field=field, username="deputy"),
        member=user_with_role(
            Kind.MEMBER_REPRESENTATIVE, organisation=organisation, username="member"
        ),
        colleague=colleague,
        other_member=user_with_role(
            Kind.MEMBER_REPRESENTATIVE, organisation=other, username="other_member"
        ),
        expert1=user_with_role(
            Kind.EXPERT, field=field, organisation=other, username="expert1"
        ),
        expert2=user_with_role(
            Kind.EXPERT, field=field, organisation=other, username="expert2"
        ),
        expert3=user_with_role(
            Kind.EXPERT, field=field, organisation=other, username="expert3"
        ),
        own_expert=user_with_role(
            Kind.EXPERT, field=field, organisation=organisation, username="own_expert"
        ),
        auditor=user_with_role(Kind.AUDITOR, username="auditor"),
        secretariat=user_with_role(Kind.SECRETARIAT, username="secretariat"),
        stranger=UserFactory(username="stranger"),
    )


def manual_file(name="manual.md"):
    return SimpleUploadedFile(
        name, b"# Quality manual\n\nOur QMS.\n", content_type="text/markdown"
    )


class Walk:
    """Takes a programme through its states by the services, as its people
    would."""

    def __init__(self, world):
        self.w = world

    def start(self) -> Programme:
        return services.programme_start(
            organisation_id=self.w.organisation.pk, actor=self.w.member
        )

    def to(self, state: str, programme: Programme | None = None) -> Programme:
        w = self.w
        p = programme or self.start()
        order = [
            Status.DEVELOPING,
            Status.PROCESSES_IDENTIFIED,
            Status.DOCUMENTED,
            Status.EXPERT_APPROVAL,
            Status.EXTERNAL_AUDIT,
            Status.CERTIFIED,
        ]
        extra = {
            Status.SUSPENDED: ("suspend", w.leader),
            Status.WITHDRAWN: ("withdraw", w.leader),
        }
        after_certified = state in extra or state == Status.EXPIRED
        target = Status.CERTIFIED if after_certified else state
        while p.status != target:
            p = self.step(p)
        if state in extra:
            name, actor = extra[state]
            p = services.programme_transition(
                programme_id=p.pk, name=name, actor=actor, comment="Because."
            )
        if state == Status.EXPIRED:
            services.qms_daily(
                today=p.certificates.get().expires_on + _dt.timedelta(days=1)
            )
            p.refresh_from_db()
        assert p.status == state, (p.status, state, order)
        return p

    def step(self, p: Programme) -> Programme:
        w = self.w
        if p.status == Status.DEVELOPING:
            services.programme_update(
                programme_id=p.pk,
                actor=w.member,
                scope="Design and delivery of LLM evaluation services",
                quality_policy="We deliver reliable evaluations.",
                quality_objectives="Fewer than 1% re-runs.",
            )
            name = "declare_policy"
        elif p.status == Status.PROCESSES_IDENTIFIED:
            services.process_add(
                programme_id=p.pk,
                actor=w.member,
                name="Evaluation runs",
                owner="Head of evaluation",
                improvement="Reproducible results",
            )
            name = "complete_processes"
        elif p.status == Status.DOCUMENTED:
            services.document_upload(
                programme_id=p.pk,
                actor=w.member,
                upload=manual_file(),
                kind=Document.Kind.QUALITY_MANUAL,
                title="Quality manual",
            )
            name = "submit_for_approval"
        elif p.status == Status.EXPERT_APPROVAL:
            for expert in (w.expert1, w.expert2):
                services.committee_appoint(
                    programme_id=p.pk, actor=w.leader, expert_id=expert.pk
                )
                services.vote_cast(programme_id=p.pk, actor=expert, decision="approve")
            name = "approve"
        elif p.status == Status.EXTERNAL_AUDIT:
            self.passed_audit(p)
            name = "certify"
        else:
            raise AssertionError(p.status)
        actor = w.leader if name in ("approve", "certify") else w.member
        return services.programme_transition(programme_id=p.pk, name=name, actor=actor)

    def passed_audit(self, p, *, kind=Audit.Kind.CERTIFICATION, outcome="passed"):
        audit = services.audit_schedule(
            programme_id=p.pk,
            actor=self.w.auditor,
            kind=kind,
            audit_body="China Quality Certification Centre",
            lead_auditor="Li Wei",
            stage1_date="2026-01-10",
            stage2_date="2026-02-10",
        )
        return services.audit_complete(
            audit_id=audit.pk, actor=self.w.auditor, outcome=outcome
        )


@pytest.fixture
def walk(qms_world):
    return Walk(qms_world)
