"""The working pages of a QMS programme, as each role meets them."""

import pytest
from django.urls import reverse

from qms.models import Status
from tests.qms.conftest import manual_file

pytestmark = pytest.mark.django_db


def url(programme, action=None):
    if action is None:
        return reverse("qms:programme", args=[programme.pk])
    return reverse("qms:action", args=[programme.pk, action])


def test_a_representative_starts_and_runs_the_first_steps(client, qms_world):
    w = qms_world
    client.force_login(w.member)
    page = client.get(reverse("committees:organisation", args=[w.organisation.slug]))
    assert "Start the QMS programme" in page.content.decode()
    response = client.post(reverse("qms:start"), {"organisation": w.organisation.pk})
    programme = w.organisation.qms_programme
    assert response.status_code == 302 and response.url == url(programme)
    client.post(
        url(programme, "edit"),
        {
            "scope": "Evaluation services",
            "quality_policy": "Reliable",
            "quality_objectives": "Few re-runs",
        },
    )
    response = client.post(
        reverse("qms:transition", args=[programme.pk, "declare_policy"]),
        {"expected_status": "developing"},
    )
    assert response.status_code == 302
    response = client.post(
        url(programme, "process"),
        {"name": "Runs", "owner": "Head", "improvement": "Reproducible"},
    )
    client.post(reverse("qms:transition", args=[programme.pk, "complete_processes"]))
    response = client.post(
        url(programme, "upload"),
        {"kind": "quality_manual", "title": "Manual", "file": manual_file()},
    )
    assert response.status_code == 302
    client.post(reverse("qms:transition", args=[programme.pk, "submit_for_approval"]))
    programme.refresh_from_db()
    assert programme.status == Status.EXPERT_APPROVAL
    html = client.get(url(programme)).content.decode()
    assert "Expert committee approval" in html and "Manual" in html
    version = programme.documents.get().versions.get()
    download = client.get(reverse("qms:document", args=[version.pk]))
    assert download.status_code == 200


def test_a_refusal_shows_the_page_with_its_reason_and_status(client, qms_world, walk):
    programme = walk.start()
    client.force_login(qms_world.member)
    response = client.post(
        reverse("qms:transition", args=[programme.pk, "declare_policy"])
    )
    assert response.status_code == 400
    assert "Set the scope" in response.content.decode()
    response = client.post(url(programme, "process"), {"name": "x"})
    assert response.status_code == 400
    client.force_login(qms_world.auditor)
    response = client.post(url(programme, "edit"), {"scope": "x"})
    assert response.status_code == 403
    response = client.post(reverse("qms:transition", args=[programme.pk, "approve"]))
    assert response.status_code == 409


def test_outsiders_do_not_find_a_programme(client, qms_world, walk):
    programme = walk.start()
    for user in (qms_world.stranger, qms_world.other_member):
        client.force_login(user)
        assert client.get(url(programme)).status_code == 404
        assert client.post(url(programme, "edit"), {"scope": "x"}).status_code == 404
    client.logout()
    response = client.get(url(programme))
    assert response.status_code == 302  # to sign in
    client.force_login(qms_world.member)
    assert client.post(url(programme, "nonsense")).status_code == 404
    assert client.get(reverse("qms:document", args=[999])).status_code == 404


def test_the_committee_appoints_votes_and_comments(client, qms_world, walk):
    w = qms_world
    programme = walk.to(Status.EXPERT_APPROVAL)
    client.force_login(w.deputy)
    html = client.get(url(programme)).content.decode()
    assert 'id="appoint-form"' in html
    client.post(url(programme, "appoint"), {"expert": w.expert1.pk})
    response = client.post(url(programme, "appoint"), {"expert": "abc"})
    assert response.status_code == 400
    client.force_login(w.expert1)
    html = client.get(url(programme)).content.decode()
    assert 'id="vote-form"' in html and 'id="appoint-form"' not in html
    client.post(url(programme, "comment"), {"text": "Fine", "blocking": ""})
    client.post(url(programme, "vote"), {"decision": "approve"})
    response = client.post(url(programme, "vote"), {"decision": "maybe"})
    assert response.status_code == 400
    client.force_login(w.leader)
    response = client.post(reverse("qms:transition", args=[programme.pk, "approve"]))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == Status.EXTERNAL_AUDIT


def test_the_auditor_records_the_audit_and_the_leader_certifies(
    client, qms_world, walk
):
    w = qms_world
    programme = walk.to(Status.EXTERNAL_AUDIT)
    client.force_login(w.auditor)
    client.post(
        url(programme, "audit"),
        {
            "kind": "certification",
            "audit_body": "CQC",
            "lead_auditor": "Li",
            "stage1_date": "2026-01-05",
            "stage2_date": "2026-02-05",
        },
    )
    audit = programme.audits.get()
    client.post(
        url(programme, "finding"),
        {
            "audit": audit.pk,
            "grade": "minor",
            "description": "Old form in use",
            "corrective_action": "Replace it",
            "owner": "QM",
            "due": "2026-03-01",
        },
    )
    finding = audit.findings.get()
    client.post(
        url(programme, "finding-close"), {"finding": finding.pk, "note": "Done"}
    )
    client.post(
        url(programme, "audit-complete"), {"audit": audit.pk, "outcome": "passed"}
    )
    client.force_login(w.leader)
    client.post(reverse("qms:transition", args=[programme.pk, "certify"]))
    programme.refresh_from_db()
    assert programme.status == Status.CERTIFIED
    certificate = programme.certificates.get()
    org_page = client.get(
        reverse("committees:organisation", args=[w.organisation.slug])
    ).content.decode()
    assert certificate.number in org_page and "Certified" in org_page


def test_the_organisation_page_is_public(client, qms_world, walk):
    walk.to(Status.DOCUMENTED)
    response = client.get(
        reverse("committees:organisation", args=[qms_world.organisation.slug])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Documented" in html and "Open the QMS programme" not in html
    assert (
        client.get(reverse("committees:organisation", args=["nope"])).status_code == 404
    )


def test_the_working_page_costs_a_bounded_number_of_queries(
    client, qms_world, walk, django_assert_max_num_queries
):
    programme = walk.to(Status.CERTIFIED)
    client.force_login(qms_world.leader)
    with django_assert_max_num_queries(40):
        response = client.get(url(programme))
    assert response.status_code == 200


def test_a_decision_not_yet_possible_is_shown_disabled_with_its_reason(
    client, qms_world, walk
):
    programme = walk.to(Status.EXTERNAL_AUDIT)
    client.force_login(qms_world.leader)
    html = client.get(url(programme)).content.decode()
    form = html[html.index('id="transition-certify"') :]
    form = form[: form.index("</form>")]
    assert "disabled" in form
    assert "A passed stage 2 audit must be recorded" in form


def test_a_blocking_concern_is_resolved_by_its_expert_or_the_leader(
    client, qms_world, walk
):
    from qms import services

    w = qms_world
    programme = walk.to(Status.EXPERT_APPROVAL)
    services.committee_appoint(
        programme_id=programme.pk, actor=w.leader, expert_id=w.expert1.pk
    )
    concern = services.concern_raise(
        programme_id=programme.pk, actor=w.expert1, text="No risks", blocking=True
    )
    client.force_login(w.member)
    assert 'name="concern"' not in client.get(url(programme)).content.decode()
    response = client.post(url(programme, "resolve"), {"concern": concern.pk})
    assert response.status_code == 403
    client.force_login(w.leader)
    assert 'name="concern"' in client.get(url(programme)).content.decode()
    client.post(url(programme, "resolve"), {"concern": concern.pk})
    concern.refresh_from_db()
    assert concern.resolved_at is not None
