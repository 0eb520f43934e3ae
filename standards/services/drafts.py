"""A draft's own material: opening it, editing or correcting its details,
and uploading versions of its text (with their files)."""

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from committees.models import Person
from committees.selectors import user_roles
from portal.errors import ApplicationError, Forbidden
from portal.markdown import render_markdown_html, validate_markdown_length

from .. import permissions
from ..models import Attachment, Standard, Status, Version
from ..uploads import attachment_check
from .common import (
    _authors_or_error,
    _check_expected,
    _clean_text,
    _field_or_error,
    _language_or_error,
    _lock,
    _work_item_or_error,
)
from .history import history_record


# Not durable: standards.demo opens its sample drafts inside one transaction.
@transaction.atomic
def standard_create(
    *,
    actor,
    title: str,
    scope: str = "",
    title_zh: str = "",
    scope_zh: str = "",
    language: str = "en",
    field,
    work_item=None,
    organisation=None,
    authors: Iterable = (),
    is_sample: bool = False,
) -> Standard:
    """A member representative opens a draft for their organisation."""
    permissions.require(permissions.can_create_draft(actor))
    roles = user_roles(actor)
    represented = roles.representative_organisation_ids
    if organisation is None:
        organisation_id = min(represented)
    else:
        organisation_id = getattr(organisation, "pk", organisation)
        if organisation_id not in represented:
            raise Forbidden(_("You do not represent that organisation."))
    standard = Standard(
        title=_clean_text(title, field="title", required=True, limit=300),
        scope=_clean_text(scope, field="scope", required=False, limit=20000),
        title_zh=_clean_text(title_zh, field="title_zh", required=False, limit=300),
        scope_zh=_clean_text(scope_zh, field="scope_zh", required=False, limit=20000),
        language=_language_or_error(language),
        field=_field_or_error(field),
        work_item=_work_item_or_error(work_item),
        organisation_id=organisation_id,
        created_by=actor,
        is_sample=is_sample,
    )
    standard.save()
    people = _authors_or_error(authors)
    if roles.person_id and roles.person_id not in {p.pk for p in people}:
        people.append(Person.objects.get(pk=roles.person_id))
    standard.authors.set(people)
    history_record(
        standard=standard, actor=actor, action="created", to_state=standard.status
    )
    return standard


@transaction.atomic(durable=True)
def standard_update(
    *,
    standard_id,
    actor,
    expected_status: str | None = None,
    **changes,
) -> Standard:
    """The submitting organisation edits title, scope (in both languages),
    the language, field, work item and authors while the standard is a draft
    (during a renewal too: the public record keeps the in-force edition's
    until the next one)."""
    standard = _lock(standard_id, actor)
    _check_expected(standard, expected_status)
    permissions.require(permissions.can_edit(standard, actor))
    return _apply_details(standard, actor, changes)


# Not durable: the admin calls it from save_model, inside the transaction
# of its change form.
@transaction.atomic
def standard_correct(*, standard_id, actor, note: str = "", **changes) -> Standard:
    """The leader or the secretariat corrects a draft's details (the admin)."""
    standard = _lock(standard_id, actor)
    permissions.require(permissions.can_correct(standard, actor))
    return _apply_details(standard, actor, changes, note=note)


def _apply_details(standard: Standard, actor, changes: dict, note: str = ""):
    changed = []
    if "title" in changes:
        standard.title = _clean_text(
            changes["title"], field="title", required=True, limit=300
        )
        changed.append("title")
    if "scope" in changes:
        standard.scope = _clean_text(
            changes["scope"], field="scope", required=False, limit=20000
        )
        changed.append("scope")
    for name, limit in (("title_zh", 300), ("scope_zh", 20000)):
        if name in changes:
            setattr(
                standard,
                name,
                _clean_text(changes[name], field=name, required=False, limit=limit),
            )
            changed.append(name)
    if "language" in changes:
        standard.language = _language_or_error(changes["language"])
        changed.append("language")
    if "field" in changes:
        standard.field = _field_or_error(changes["field"])
        changed.append("field")
    if "work_item" in changes:
        standard.work_item = _work_item_or_error(changes["work_item"])
        changed.append("work_item")
    unknown = set(changes) - {
        "title",
        "title_zh",
        "scope",
        "scope_zh",
        "language",
        "field",
        "work_item",
        "authors",
    }
    if unknown:
        raise ApplicationError(
            _("Unknown field: %(name)s") % {"name": ", ".join(sorted(unknown))}
        )
    standard.save()
    if "authors" in changes:
        standard.authors.set(_authors_or_error(changes["authors"]))
        changed.append("authors")
    if changed:
        # The fields by their names in the reader's language, not their codes.
        fields = ", ".join(
            str(Standard._meta.get_field(name).verbose_name) for name in changed
        )
        history_record(
            standard=standard,
            actor=actor,
            action="edited",
            comment=(
                _("%(note)s: %(fields)s") % {"note": note, "fields": fields}
                if note
                else fields
            ),
        )
    return standard


# Not durable: standards.demo uploads its sample versions inside one transaction.
@transaction.atomic
def version_create(
    *,
    standard_id,
    actor,
    body: str,
    change_summary: str = "",
    files: Iterable = (),
) -> Version:
    """A representative of the submitting organisation uploads a new version
    of a draft, or of a draft in expert review (a revision answering the
    experts). Files are checked by content and stored under server names.

    A version uploaded during expert review is under review at once, so it
    is frozen as a submitted one is; the recommendations on earlier versions
    stop counting (``permissions.recommendation_counts``) and the assigned
    experts are told (the ``version_uploaded`` history entry)."""
    standard = _lock(standard_id, actor)
    permissions.require(permissions.can_upload(standard, actor))
    under_review = standard.status == Status.EXPERT_REVIEW
    body = _clean_text(body, field="body", required=True, limit=len(body or ""))
    try:
        validate_markdown_length(body)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], field="body") from None
    change_summary = _clean_text(
        change_summary, field="change_summary", required=False, limit=500
    )
    files = list(files)
    checked = [attachment_check(upload) for upload in files]
    last = standard.versions.aggregate(n=Max("number"))["n"] or 0
    version = Version.objects.create(
        standard=standard,
        number=last + 1,
        body=body,
        # Rendered once, here; pages and PDFs show this (Version.body_html).
        body_html=render_markdown_html(body),
        change_summary=change_summary,
        author=actor,
        frozen=under_review,
    )
    for upload, check in zip(files, checked, strict=True):
        attachment = Attachment(
            version=version,
            token=secrets.token_hex(16),
            original_name=(upload.name or "file")[-255:],
            extension=check.extension,
            content_type=check.content_type,
            size=check.size,
            sha256=check.sha256,
        )
        attachment.file.save("upload", upload, save=False)
        attachment.save()
    comment = _("Version %(number)d. %(summary)s") % {
        "number": version.number,
        "summary": change_summary,
    }
    if under_review:
        note = _(
            "Uploaded during expert review: recommendations on earlier "
            "versions count again once confirmed on this one."
        )
        comment = f"{comment.strip()} {note}"
    history_record(
        standard=standard,
        actor=actor,
        action="version_uploaded",
        comment=comment,
    )
    standard.save(update_fields=["updated"])
    return version
