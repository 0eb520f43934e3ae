"""The rules of the QMS programme, through its services."""

import pytest

from notifications.models import Notification
from portal.errors import ApplicationError
from qms import services
from qms.models import Certificate, Finding, Status

pytestmark = pytest.mark.django_db


def test_a_representative_starts_one_programme_per_organisation(qms_world, walk):
    programme = walk.start()
    assert programme.status == Status.DEVELOPING
    with pytest.raises(ApplicationError) as refused:
        walk.start()
    assert refused.value.code == "conflict"


def test_someone_else_cannot_start_an_organisations_programme(qms_world):
    with pytest.raises(ApplicationError) as refused:
        services.programme_start(
            organisation_id=qms_world.organisation.pk, actor=qms_world.other_member
        )
    assert refused.value.code == "forbidden"


def test_declaring_the_policy_needs_scope_policy_and_objectives(qms_world, walk):
    programme = walk.start()
    with pytest.raises(ApplicationError) as refused:
        services.programme_transition(
            programme_id=programme.pk, name="declare_policy", actor=qms_world.member
        )
    assert refused.value.field == "quality_policy"


def test_processes_need_an_owner_and_documents_a_quality_manual(qms_world, walk):
    programme = walk.to(Status.PROCESSES_IDENTIFIED)
    with pytest.raises(ApplicationError) as refused:
        services.programme_transition(
            programme_id=programme.pk, name="complete_processes", actor=qms_world.member
        )
    assert refused.value.code == "conflict"
    with pytest.raises(ApplicationError) as refused:
        services.process_add(
            programme_id=programme.pk,
            actor=qms_world.member,
            name="Sales",
            owner="",
            improvement="Faster",
        )
    assert refused.value.field == "owner"
    programme = walk.to(Status.DOCUMENTED, programme)
    with pytest.raises(ApplicationError) as refused:
        services.programme_transition(
            programme_id=programme.pk,
            name="submit_for_approval",
            actor=qms_world.member,
        )
    assert "quality manual" in str(refused.value.message)


def test_an_upload_that_is_not_a_document_is_refused(qms_world, walk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    programme = walk.to(Status.PROCESSES_IDENTIFIED)
    with pytest.raises(ApplicationError) as refused:
        services.document_upload(
            programme_id=programme.pk,
            actor=qms_world.member,
            upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 100),
            kind="quality_manual",
            title="Manual",
        )
    assert refused.value.code == "unsupported_type"
    assert not programme.documents.filter(versions__isnull=False).exists()


def test_documents_get_numbered_versions(qms_world, walk):
    from tests.qms.conftest import manual_file

    programme = walk.to(Status.PROCESSES_IDENTIFIED)
    first = services.document_upload(
        programme_id=programme.pk,
        actor=qms_world.member,
        upload=manual_file(),
        kind="quality_manual",
        title="Manual",
    )
    second = services.document_upload(
        programme_id=programme.pk,
        actor=qms_world.member,
        upload=manual_file(),
        document_id=first.document_id,
    )
    assert (first.number, second.number) == (1, 2)
    assert first.file.name.startswith(f"qms/{programme.pk}/")


def test_an_expert_of_the_organisation_cannot_sit_on_its_committee(qms_world, walk):
    programme = walk.to(Status.EXPERT_APPROVAL)
    with pytest.raises(ApplicationError) as refused:
        services.committee_appoint(
            programme_id=programme.pk,
            actor=qms_world.leader,
            expert_id=qms_world.own_expert.pk,
        )
    assert refused.value.field == "expert"
    with pytest.raises(ApplicationError) as refused:
        services.committee_appoint(
            programme_id=programme.pk,
            actor=qms_world.member,
            expert_id=qms_world.expert1.pk,
        )
    assert refused.value.code == "forbidden"


def _committee(qms_world, programme, experts):
    for expert in experts:
        services.committee_appoint(
            programme_id=programme.pk, actor=qms_world.deputy, expert_id=expert.pk
        )


def test_approval_needs_a_majority_of_the_committee(qms_world, walk):
    w = qms_world
    programme = walk.to(Status.EXPERT_APPROVAL)
    _committee(w, programme, [w.expert1, w.expert2, w.expert3])
    assert Notification.objects.filter(
        recipient=w.expert1, kind="qms_committee_appointed"
    ).exists()
    services.vote_cast(programme_id=programme.pk, actor=w.expert1, decision="approve")
    services.vote_cast(programme_id=programme.pk, actor=w.expert2, decision="changes")
    with pytest.raises(ApplicationError) as refused:
        services.programme_transition(
            programme_id=programme.pk, name="approve", actor=w.leader
        )
    assert refused.value.code == "conflict"
    assert "1 of 3" in str(refused.value.message)
    # An expert changes their mind: their vote is replaced, not added.
    services.vote_cast(programme_id=programme.pk, actor=w.expert2, decision="approve")
    programme = services.programme_transition(
        programme_id=programme.pk, name="approve", actor=w.leader
    )
    assert programme.status == Status.EXTERNAL_AUDIT


def test_an_open_blocking_concern_stops_approval(qms_world, walk):
    w = qms_world
    programme = walk.to(Status.EXPERT_APPROVAL)
    _committee(w, programme, [w.expert1, w.expert2])
    concern = services.concern_raise(
        programme_id=programme.pk,
        actor=w.expert1,
        text="No risk register",
        blocking=True,
    )
    for expert in (w.expert1, w.expert2):
        services.vote_cast(programme_id=programme.pk, actor=expert, decision="approve")
    with pytest.raises(ApplicationError) as refused:
        services.programme_transition(
            programme_id=programme.pk, name="approve", actor=w.deputy
        )
    assert "blocking" in str(refused.value.message)
    with pytest.raises(ApplicationError) as refused:
        services.concern_resolve(concern_id=concern.pk, actor=w.expert2)
    assert refused.value.code == "forbidden"
    services.concern_resolve(concern_id=concern.pk, actor=w.expert1)
    services.programme_transition(
        programme_id=programme.pk, name="approve", actor=w.deputy
    )


def test_changes_requested_send_it_back_and_start_a_new_round(qms_world, walk):
    w = qms_world
    programme = walk.to(Status.EXPERT_APPROVAL)
    _committee(w, programme, [w.expert1])
    services.vote_cast(programme_id=programme.pk, actor=w.expert1, decision="approve")
    with pytest.raises(ApplicationError) as refused:
        services.programme_transition(
            programme_id=programme.pk, name="request_changes", actor=w.leader
        )
    assert refused.value.field == "comment"
    programme = services.programme_transition(
        programme_id=programme.pk,
        name="request_changes",
        actor=w.leader,
        comment="Add the supplier process.",
    )
    assert programme.status == Status.DOCUMENTED
    assert Notification.objects.filter(
        recipient=w.member, kind="qms_changes_requested"
    ).exists()
    programme = services.programme_transition(
        programme_id=programme.pk, name="submit_for_approval", actor=w.member
    )
    # The vote of the first round does not count any more.
    with pytest.raises(ApplicationError):
        services.programme_transition(
            programme_id=programme.pk, name="approve", actor=w.leader
        )


def test_a_major_finding_blocks_the_certification_decision(qms_world, walk):
    w = qms_world
    programme = walk.to(Status.EXTERNAL_AUDIT)
    audit = services.audit_schedule(
        programme_id=programme.pk,
        actor=w.auditor,
        kind="certification",
        audit_body="CQC",
        lead_auditor="Li Wei",
        stage1_date="2026-01-10",
        stage2_date="2026-02-10",
    )
    major = services.finding_add(
        audit_id=audit.pk,
        actor=w.auditor,
        grade=Finding.Grade.MAJOR,
        description="No management review held",
        corrective_action="Hold one",
        owner="Quality manager",
        due="2026-03-01",
    )
    assert Notification.objects.filter(recipient=w.member, kind="qms_finding_due")
    services.audit_complete(audit_id=audit.pk, actor=w.auditor, outcome="passed")
    with pytest.raises(ApplicationError) as refused:
        services.programme_transition(
            programme_id=programme.pk, name="certify", actor=w.leader
        )
    assert "major" in str(refused.value.message)
    services.finding_close(finding_id=major.pk, actor=w.auditor, note="Held on 1 March")
    programme = services.programme_transition(
        programme_id=programme.pk, name="certify", actor=w.leader
    )
    certificate = programme.certificates.get()
    year = certificate.issued_on.year
    assert certificate.number == f"LLMSWG-QMS 0001:{year}"
    assert certificate.expires_on.year == year + 3
    assert certificate.status == "valid"


def test_the_decision_needs_a_passed_audit(qms_world, walk):
    programme = walk.to(Status.EXTERNAL_AUDIT)
    with pytest.raises(ApplicationError) as refused:
        services.programme_transition(
            programme_id=programme.pk, name="certify", actor=qms_world.leader
        )
    assert "stage 2" in str(refused.value.message)


def test_a_bad_audit_date_is_a_field_error(qms_world, walk):
    programme = walk.to(Status.EXTERNAL_AUDIT)
    with pytest.raises(ApplicationError) as refused:
        services.audit_schedule(
            programme_id=programme.pk,
            actor=qms_world.auditor,
            kind="certification",
            audit_body="CQC",
            lead_auditor="Li",
            stage1_date="next week",
            stage2_date="2026-02-10",
        )
    assert refused.value.field == "stage1_date"
    with pytest.raises(ApplicationError) as refused:
        services.audit_schedule(
            programme_id=programme.pk,
            actor=qms_world.auditor,
            kind="surveillance",
            audit_body="CQC",
            lead_auditor="Li",
            stage1_date="2026-01-10",
            stage2_date="2026-02-10",
        )
    assert refused.value.field == "kind"


def test_suspension_reinstatement_and_withdrawal_show_on_the_certificate(
    qms_world, walk
):
    w = qms_world
    programme = walk.to(Status.SUSPENDED)
    certificate = programme.certificates.get()
    assert certificate.status == "suspended"
    services.programme_transition(
        programme_id=programme.pk, name="reinstate", actor=w.deputy
    )
    assert Certificate.objects.get().status == "valid"
    services.programme_transition(
        programme_id=programme.pk, name="withdraw", actor=w.leader, comment="Closed."
    )
    assert Certificate.objects.get().status == "withdrawn"


def test_recertification_supersedes_the_old_certificate(qms_world, walk):
    w = qms_world
    programme = walk.to(Status.CERTIFIED)
    old = programme.certificates.get()
    programme = services.programme_transition(
        programme_id=programme.pk, name="start_recertification", actor=w.member
    )
    walk.passed_audit(programme, kind="recertification")
    services.programme_transition(
        programme_id=programme.pk, name="certify", actor=w.leader
    )
    old.refresh_from_db()
    assert old.status == "superseded"
    new = Certificate.objects.exclude(pk=old.pk).get()
    assert new.status == "valid" and new.number != old.number


def test_a_stale_page_is_told_the_programme_changed(qms_world, walk):
    programme = walk.to(Status.EXPERT_APPROVAL)
    with pytest.raises(ApplicationError) as refused:
        services.programme_transition(
            programme_id=programme.pk,
            name="approve",
            actor=qms_world.leader,
            expected_status=Status.DOCUMENTED,
        )
    assert refused.value.code == "conflict"
    assert "changed meanwhile" in str(refused.value.message)


def test_unknown_ids_are_not_found(qms_world):
    for call in (
        lambda: services.programme_transition(
            programme_id=999, name="approve", actor=qms_world.leader
        ),
        lambda: services.finding_close(
            finding_id="x", actor=qms_world.leader, note="n"
        ),
        lambda: services.audit_complete(
            audit_id=12345, actor=qms_world.leader, outcome="passed"
        ),
    ):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.code == "not_found"


def test_a_programme_is_not_found_for_those_who_may_not_see_it(qms_world, walk):
    programme = walk.start()
    with pytest.raises(ApplicationError) as refused:
        services.process_add(
            programme_id=programme.pk,
            actor=qms_world.stranger,
            name="a",
            owner="b",
            improvement="c",
        )
    assert refused.value.code == "not_found"


def test_recertification_needs_an_audit_of_its_own_cycle(qms_world, walk):
    programme = walk.to(Status.CERTIFIED)
    programme = services.programme_transition(
        programme_id=programme.pk, name="start_recertification", actor=qms_world.member
    )
    with pytest.raises(ApplicationError) as refused:
        services.programme_transition(
            programme_id=programme.pk, name="certify", actor=qms_world.leader
        )
    assert "stage 2" in str(refused.value.message)
