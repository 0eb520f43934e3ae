import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.errors import ApplicationError
from standards import selectors, services
from standards.models import Attachment, Edition, HistoryEntry, Standard, Status

from .conftest import markdown_file


def test_member_creates_a_draft_of_their_organisation(world):
    standard = services.standard_create(
        actor=world.member, title="Evaluating LLMs", scope="Scope", field=world.field
    )
    assert standard.status == Status.DRAFT
    assert standard.organisation == world.organisation
    assert list(standard.history.values_list("action", flat=True)) == ["created"]


def test_someone_who_represents_no_organisation_cannot_create_a_draft(world):
    with pytest.raises(ApplicationError) as error:
        services.standard_create(actor=world.expert1, title="X", field=world.field)
    assert error.value.status == 403


def test_empty_title_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ApplicationError) as error:
        services.standard_create(actor=world.member, title="   ", field=world.field)
    assert error.value.field == "title"
    assert not Standard.objects.exists()


def test_whole_lifecycle_publishes_with_a_number_and_an_edition(lifecycle, world):
    standard = lifecycle.published()
    standard.refresh_from_db()
    assert standard.status == Status.PUBLISHED
    assert standard.number.startswith("LLMSWG 0001:")
    edition = Edition.objects.get(standard=standard)
    assert edition.edition == 1 and edition.in_force
    assert standard.review_due is not None
    actions = list(standard.history.values_list("action", flat=True))
    assert actions[-5:] == [
        "recommendation_given",
        "recommendation_given",
        "advance_to_audit",
        "certify",
        "publish",
    ]
    assert standard.audits.get().certificate_number


def test_submit_without_a_version_is_refused_with_its_reason(lifecycle, world):
    standard = lifecycle.draft(with_version=False)
    with pytest.raises(ApplicationError) as error:
        lifecycle.go(standard, "submit", world.member)
    assert error.value.status == 409
    assert "version" in str(error.value.message)
    standard.refresh_from_db()
    assert standard.status == Status.DRAFT


def test_submitting_freezes_the_version(lifecycle, world):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)
    assert standard.versions.get().frozen


def test_advance_needs_enough_recommendations(lifecycle, world):
    standard = lifecycle.in_review()
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert1, decision="approve"
    )
    with pytest.raises(ApplicationError) as error:
        lifecycle.go(standard, "advance_to_audit", world.deputy)
    assert "2 expert recommendations" in str(error.value.message)


def test_advance_is_refused_after_a_reject(lifecycle, world):
    standard = lifecycle.in_review()
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert1, decision="approve"
    )
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert2, decision="reject"
    )
    with pytest.raises(ApplicationError) as error:
        lifecycle.go(standard, "advance_to_audit", world.deputy)
    assert "reject" in str(error.value.message)


def test_advance_is_refused_with_an_unanswered_comment(lifecycle, world):
    standard = lifecycle.reviewed()
    services.comment_create(standard_id=standard.pk, actor=world.expert1, text="Why?")
    with pytest.raises(ApplicationError) as error:
        lifecycle.go(standard, "advance_to_audit", world.deputy)
    assert "answered" in str(error.value.message)


def test_open_blocking_comment_blocks_until_its_expert_resolves_it(lifecycle, world):
    standard = lifecycle.reviewed()
    comment = services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="Wrong", blocking=True
    )
    services.comment_answer(
        comment_id=comment.pk, actor=world.member, reply="accepted", reply_text="Fixed"
    )
    with pytest.raises(ApplicationError) as error:
        lifecycle.go(standard, "advance_to_audit", world.deputy)
    assert "blocking" in str(error.value.message)
    with pytest.raises(ApplicationError) as error:
        services.comment_resolve(comment_id=comment.pk, actor=world.expert2)
    assert error.value.status == 403
    services.comment_resolve(comment_id=comment.pk, actor=world.expert1)
    # Reviews belong to a version: "accepted" holds the draft until a newer
    # version than the one the comment was raised on carries the change,
    # and the recommendations on the old one are then confirmed on it.
    with pytest.raises(ApplicationError) as error:
        lifecycle.go(standard, "advance_to_audit", world.deputy)
    assert "upload a new version" in str(error.value.message)
    services.version_create(
        standard_id=standard.pk, actor=world.member, body="# Scope\n\nRight.\n"
    )
    for expert in (world.expert1, world.expert2):
        services.recommendation_confirm(standard_id=standard.pk, actor=expert)
    lifecycle.go(standard, "advance_to_audit", world.deputy)
    standard.refresh_from_db()
    assert standard.status == Status.AUDIT


def test_request_changes_needs_a_comment(lifecycle, world):
    standard = lifecycle.in_review()
    with pytest.raises(ApplicationError) as error:
        lifecycle.go(standard, "request_changes", world.deputy, comment="  ")
    assert error.value.field == "comment"


def test_fail_audit_records_findings(lifecycle, world):
    standard = lifecycle.in_audit()
    lifecycle.go(standard, "fail_audit", world.auditor, comment="Section 3 unclear")
    standard.refresh_from_db()
    assert standard.status == Status.DRAFT
    assert standard.audits.get().findings == "Section 3 unclear"


def test_deputy_of_parent_field_acts_on_subfield(lifecycle, world):
    standard = lifecycle.reviewed(field=world.subfield)
    # The deputy leader holds a role on the parent field only.
    assert not world.deputy.person.roles.filter(field=world.subfield).exists()
    with pytest.raises(ApplicationError) as error:
        lifecycle.go(standard, "advance_to_audit", world.other_deputy)
    assert error.value.status == 404  # another field's draft is not theirs to see

    lifecycle.go(standard, "advance_to_audit", world.deputy)

    standard.refresh_from_db()
    assert standard.status == Status.AUDIT
    entry = standard.history.last()
    assert (entry.action, entry.actor) == ("advance_to_audit", world.deputy)


def test_renewal_keeps_the_edition_public_and_publishing_again_supersedes(
    lifecycle, world
):
    standard = lifecycle.published()
    number = standard.number
    lifecycle.go(standard, "start_renewal", world.deputy)
    assert Standard.objects.public().filter(pk=standard.pk).exists()
    services.version_create(
        standard_id=standard.pk, actor=world.member, body="# Scope\n\nRevised.\n"
    )
    lifecycle.go(standard, "submit", world.member)
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    lifecycle.go(standard, "advance_to_audit", world.deputy)
    lifecycle.go(standard, "certify", world.auditor)
    standard = lifecycle.go(standard, "publish", world.leader)
    assert standard.number == number
    editions = list(standard.editions.order_by("edition"))
    assert [e.edition for e in editions] == [1, 2]
    assert editions[0].superseded_on is not None and editions[1].in_force


def test_reaffirm_moves_review_date(lifecycle, world):
    standard = lifecycle.published()
    Standard.objects.filter(pk=standard.pk).update(review_due="2020-01-01")
    standard = lifecycle.go(standard, "reaffirm", world.deputy)
    assert standard.review_due.year > 2025


def test_abolish_keeps_editions_readable_with_reason_and_replacement(lifecycle, world):
    old = lifecycle.published(title="Old")
    new = lifecycle.published(title="New")
    with pytest.raises(ApplicationError):
        lifecycle.go(old, "abolish", world.leader, comment="")
    standard = lifecycle.go(
        old, "abolish", world.leader, comment="Superseded", replaced_by=new.pk
    )
    assert standard.status == Status.ABOLISHED
    assert standard.replaced_by == new
    assert Standard.objects.public().filter(pk=old.pk).exists()


def test_numbers_are_sequential(lifecycle):
    numbers = [lifecycle.published(title=f"S{i}").number for i in range(3)]
    assert [n.split()[1].split(":")[0] for n in numbers] == ["0001", "0002", "0003"]


def test_changed_meanwhile_is_a_conflict(lifecycle, world):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)
    with pytest.raises(ApplicationError) as error:
        services.standard_transition(
            standard_id=standard.pk,
            name="submit",
            actor=world.member,
            expected_status="draft",
        )
    assert error.value.status == 409
    assert "changed meanwhile" in str(error.value.message)


def test_invisible_draft_is_not_found_for_outsiders(lifecycle, world):
    standard = lifecycle.draft()
    for outsider in (world.other_member, world.other_deputy, world.stranger):
        with pytest.raises(ApplicationError) as error:
            lifecycle.go(standard, "submit", outsider)
        assert error.value.status == 404


def test_history_cannot_be_changed_or_deleted(lifecycle):
    entry = HistoryEntry.objects.filter(standard=lifecycle.draft()).first()
    with pytest.raises(Exception, match="never"):
        entry.save()
    with pytest.raises(Exception, match="never"):
        entry.delete()


# --- attachments ---------------------------------------------------------


def test_markdown_attachment_is_stored_under_a_server_name(lifecycle, world):
    standard = lifecycle.draft(with_version=False)
    version = services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="Text",
        files=[markdown_file("../../etc/passwd.md")],
    )
    attachment = version.attachments.get()
    assert attachment.extension == "md"
    assert "passwd" not in attachment.file.name
    assert attachment.original_name.endswith("passwd.md")


def test_renamed_executable_is_refused(lifecycle, world):
    standard = lifecycle.draft(with_version=False)
    fake = SimpleUploadedFile(
        "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
    )
    with pytest.raises(ApplicationError) as error:
        services.version_create(
            standard_id=standard.pk, actor=world.member, body="Text", files=[fake]
        )
    assert error.value.status == 415
    assert not standard.versions.exists() and not Attachment.objects.exists()


def test_oversize_file_is_refused(lifecycle, world, settings):
    settings.MAX_ATTACHMENT_BYTES = 100
    standard = lifecycle.draft(with_version=False)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 200)
    with pytest.raises(ApplicationError) as error:
        services.version_create(
            standard_id=standard.pk, actor=world.member, body="Text", files=[big]
        )
    assert error.value.status == 413


def test_docx_and_odt_are_recognised_by_content(lifecycle, world):
    from standards.uploads import make_docx_bytes

    standard = lifecycle.draft(with_version=False)
    version = services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="Text",
        files=[SimpleUploadedFile("a.bin", make_docx_bytes())],
    )
    assert version.attachments.get().extension == "docx"


# --- whose turn ------------------------------------------------------------


def test_whose_turn_follows_the_review(lifecycle, world):
    standard = lifecycle.draft()
    assert selectors.whose_turn(standard)[0].role == "authors"
    lifecycle.go(standard, "submit", world.member)
    standard.refresh_from_db()
    assert selectors.whose_turn(standard)[0].role == "deputy"
    services.experts_assign(
        standard_id=standard.pk, actor=world.deputy, experts=[world.expert1]
    )
    turn = selectors.whose_turn(standard)[0]
    assert turn.role == "experts" and turn.people == [world.expert1.person.name]
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert1, decision="approve"
    )
    assert selectors.whose_turn(standard)[0].role == "deputy"


def test_only_experts_of_the_field_can_be_assigned(lifecycle, world):
    from committees.models import Role
    from tests.factories import user_with_role

    ethics_expert = user_with_role(Role.Kind.EXPERT, field=world.other_field)
    standard = lifecycle.draft()
    with pytest.raises(ApplicationError) as error:
        services.experts_assign(
            standard_id=standard.pk, actor=world.deputy, experts=[ethics_expert]
        )
    assert error.value.field == "experts"
