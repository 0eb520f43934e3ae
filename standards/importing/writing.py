"""Writing one checked record: a standard with its versions, editions (their
PDFs kept as given, or queued for rendering), authors, replacement and its
past as history entries marked imported, and the entry that records the
import with the record's key and digest.

A record already imported is recognised by its key: the same digest means
nothing to do; another digest updates it, unless someone changed it in the
portal since (any history entry written after the import's), in which case
it is kept as it is and reported."""

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, time

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Person
from portal.markdown import render_markdown_html
from portal.public_cache import bump_public_version, bump_working_version

from ..actions import Action, action_label
from ..models import Edition, HistoryEntry, Standard, Status, Version
from ..pdf import edition_name
from ..services import history as history_hooks
from ..services.numbering import counter_reserve
from .records import Record


class RecordRefused(Exception):
    """The record cannot be written: ``kind`` is ``clash`` or ``invalid``."""

    def __init__(self, kind: str, message):
        super().__init__(message)
        self.kind = kind
        self.message = str(message)


@dataclass
class Written:
    kind: str  # created, updated, unchanged, kept
    standard: Standard
    message: str = ""


def last_import(key: str) -> HistoryEntry | None:
    """The entry that recorded the latest import of ``key``."""
    return (
        HistoryEntry.objects.filter(imported=True, import_key=key)
        .exclude(import_digest="")
        .select_related("standard")
        .order_by("-pk")
        .first()
    )


def find_standard(reference: str, resolved: dict[str, int]) -> Standard | None:
    """A standard named in a file (``replaced_by``, ``replaces``): one of
    this run by its key, else one in the portal by number, else one imported
    before under that key."""
    if reference in resolved:
        return Standard.objects.filter(pk=resolved[reference]).first()
    found = Standard.objects.filter(number=reference).first()
    if found is None:
        entry = last_import(reference)
        found = entry.standard if entry else None
    return found


def _noon(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise RecordRefused(
            "invalid", _("A PDF cannot be read: %(error)s") % {"error": exc}
        ) from None


def _people(record: Record) -> list[Person]:
    """The authors by name: the person of the record's organisation, else
    the one person of that name, else a new person of the organisation."""
    people = []
    for name in record.authors:
        person = Person.objects.filter(
            name=name, organisation=record.organisation
        ).first()
        if person is None:
            matches = list(Person.objects.filter(name=name)[:2])
            person = matches[0] if len(matches) == 1 else None
        if person is None:
            person = Person.objects.create(name=name, organisation=record.organisation)
        people.append(person)
    return people


def _standard_values(record: Record, replaced_by: Standard | None) -> dict:
    withdrawn = record.status == Status.ABOLISHED
    return {
        "title": record.title,
        "title_zh": record.title_zh,
        "scope": record.scope,
        "scope_zh": record.scope_zh,
        "language": record.language,
        "field": record.field,
        "work_item": record.work_item,
        "organisation": record.organisation,
        "number": record.number,
        "has_edition": record.has_edition,
        "review_due": None if withdrawn else record.review_due,
        "replaced_by": replaced_by,
        "abolition_reason": record.abolition_reason,
        "status": record.status,
        "status_changed": record.history[-1].when if record.history else timezone.now(),
    }


def _withdrawn_on(record: Record):
    """When an abolished standard's last edition was withdrawn: as the file
    says, else the date of its abolition in its history, else today."""
    if record.status != Status.ABOLISHED:
        return None
    if record.withdrawn_on:
        return record.withdrawn_on
    abolished = [h.when for h in record.history if h.action == Action.ABOLISH]
    return (
        timezone.localtime(abolished[-1]).date()
        if abolished
        else (timezone.localdate())
    )


def _write_editions(standard: Standard, record: Record, *, store_files: bool):
    """Create or update the editions (and their versions); the ids of the
    editions written."""
    existing = {e.edition: e for e in standard.editions.select_related("version")}
    next_version = (standard.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    written = []
    withdrawn_on = _withdrawn_on(record)
    for index, data in enumerate(record.editions):
        following = (
            record.editions[index + 1] if index + 1 < len(record.editions) else None
        )
        edition = existing.get(data.edition)
        text_changed = edition is not None and edition.version.body != data.text
        if edition is None:
            version = Version.objects.create(
                standard=standard,
                number=next_version,
                body=data.text,
                body_html=render_markdown_html(data.text) if data.text else "",
                change_summary=_("Edition %(edition)d, imported")
                % {"edition": data.edition},
                frozen=True,
                created=_noon(data.published_on),
            )
            next_version += 1
            edition = Edition(standard=standard, edition=data.edition, version=version)
        elif text_changed:
            Version.objects.filter(pk=edition.version_id).update(
                body=data.text,
                body_html=render_markdown_html(data.text) if data.text else "",
            )
        edition.number = record.number
        edition.title, edition.title_zh = data.title, data.title_zh
        edition.scope, edition.scope_zh = data.scope, data.scope_zh
        edition.published_on = data.published_on
        edition.superseded_on = following.published_on if following else None
        edition.withdrawn_on = withdrawn_on if following is None else None
        if data.pdf is not None:
            pages = _pdf_pages(data.pdf)
            if store_files:
                edition.save()  # an id for the PDF's name
                storage = edition.pdf.storage
                name = edition_name(edition)
                if storage.exists(name):
                    storage.delete(name)
                edition.pdf.name = storage.save(name, ContentFile(data.pdf))
            edition.pdf_state = Edition.PdfState.READY
            edition.pdf_sha256 = hashlib.sha256(data.pdf).hexdigest()
            edition.pdf_size = len(data.pdf)
            edition.pdf_pages = pages
            edition.pdf_error = ""
        elif (
            not edition.pk
            or text_changed
            or edition.pdf_state != Edition.PdfState.READY
        ):
            # Rendered by the worker, as a publication's is.
            edition.pdf_state = Edition.PdfState.PENDING
        edition.save()
        written.append(edition.pk)
    return written


def _write_draft(standard: Standard, record: Record) -> None:
    """The text under work of a draft cycle, as its current version."""
    text = record.draft_text
    if text is None or not text.strip():
        return
    current = standard.versions.order_by("-number").first()
    in_edition = current and standard.editions.filter(version=current).exists()
    if current and current.body == text:
        return
    frozen = record.status != Status.DRAFT
    if current and not in_edition:
        Version.objects.filter(pk=current.pk).update(
            body=text, body_html=render_markdown_html(text), frozen=frozen
        )
        return
    Version.objects.create(
        standard=standard,
        number=(current.number + 1) if current else 1,
        body=text,
        body_html=render_markdown_html(text),
        change_summary=_("Draft text, imported"),
        frozen=frozen,
    )


def _moves(record: Record) -> list[tuple[str, str]]:
    """The states each entry of the record's past went from and to, as the
    state machine has them (a transition's entry shows them, as a native
    one does; other actions have none)."""
    from ..lifecycle import transitions

    by_name = {t.name: t for t in transitions()}
    state, moves = None, []
    for entry in record.history:
        move = by_name.get(entry.action)
        if move is None:
            moves.append(("", ""))
            continue
        if state in move.sources:
            source = state
        elif Status.PUBLISHED in move.sources:
            source = Status.PUBLISHED
        else:
            source = move.sources[0]
        moves.append((source, move.target))
        state = move.target
    return moves


def _write_history(standard: Standard, record: Record) -> None:
    """The standard's past, marked imported (an entry already there from an
    earlier import is not written twice)."""
    there = set(
        standard.history.filter(imported=True).values_list(
            "action", "created", "comment"
        )
    )
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(
                standard=standard,
                actor=None,
                created=h.when,
                action=h.action,
                from_state=source,
                to_state=target,
                comment=h.comment,
                imported=True,
            )
            for h, (source, target) in zip(record.history, _moves(record), strict=True)
            if (h.action, h.when, h.comment) not in there
        ]
    )


def write_record(
    record: Record,
    *,
    actor,
    source: str,
    resolved: dict[str, int],
    store_files: bool,
) -> Written:
    """Write ``record`` in the caller's transaction, or raise ``RecordRefused``."""
    previous = last_import(record.key)
    standard = previous.standard if previous else None
    if record.number:
        taken = Standard.objects.filter(number=record.number)
        if standard is not None:
            taken = taken.exclude(pk=standard.pk)
        other = taken.first()
        if other is not None:
            raise RecordRefused(
                "clash",
                _(
                    "The number %(number)s is already used by standard "
                    "#%(id)d “%(title)s”."
                )
                % {"number": record.number, "id": other.pk, "title": other.title},
            )
    if standard is not None:
        standard = Standard.objects.select_for_update().get(pk=standard.pk)
        if previous.import_digest == record.entry.digest:
            return Written("unchanged", standard)
        changed = standard.history.filter(pk__gt=previous.pk, imported=False).first()
        if changed is not None:
            return Written(
                "kept",
                standard,
                _(
                    "Changed in the portal since it was imported (“%(action)s” on "
                    "%(date)s): kept as it is, not overwritten."
                )
                % {
                    "action": action_label(changed.action),
                    "date": timezone.localtime(changed.created).date().isoformat(),
                },
            )
    replaced_by = None
    if record.replaced_by:
        replaced_by = find_standard(record.replaced_by, resolved)
        if replaced_by is None:
            raise RecordRefused(
                "invalid",
                _(
                    "replaced_by: no standard “%(reference)s”, neither in this "
                    "file nor in the portal."
                )
                % {"reference": record.replaced_by},
            )
    replaced = []
    for reference in record.replaces:
        old = find_standard(reference, resolved)
        if old is None:
            raise RecordRefused(
                "invalid",
                _(
                    "replaces: no standard “%(reference)s”, neither in this file "
                    "nor in the portal."
                )
                % {"reference": reference},
            )
        replaced.append(old)
    if record.number:
        counter_reserve(record.number)
    values = _standard_values(record, replaced_by)
    if standard is None:
        kind = "created"
        first = min(
            [_noon(e.published_on) for e in record.editions]
            + [h.when for h in record.history]
            + [timezone.now()]
        )
        standard = Standard(created_by=_user(actor), created=first, **values)
        standard.save()
    else:
        kind = "updated"
        Standard.objects.filter(pk=standard.pk).update(updated=timezone.now(), **values)
        standard.refresh_from_db()
    standard.authors.set(_people(record))
    edition_ids = _write_editions(standard, record, store_files=store_files)
    _write_draft(standard, record)
    for old in replaced:
        if old.replaced_by_id not in (None, standard.pk):
            raise RecordRefused(
                "clash",
                _("%(old)s is already replaced by another standard.")
                % {"old": old.number or old.title},
            )
        Standard.objects.filter(pk=old.pk).update(replaced_by=standard)
    _write_history(standard, record)
    HistoryEntry.objects.create(
        standard=standard,
        actor=_user(actor),
        action=Action.CREATED if kind == "created" else Action.EDITED,
        comment=_("Imported from %(source)s (%(where)s).")
        % {"source": source, "where": record.entry.label},
        imported=True,
        import_key=record.key,
        import_digest=record.entry.digest,
    )
    # Rows changed in bulk send no signal: the public pages, and the figures
    # over every standard, are read afresh.
    bump_public_version()
    bump_working_version()
    for edition_id in edition_ids:
        # Render the PDFs still to render, and index the standard for search,
        # as after a publication (the hooks of standards.services.history).
        for hook in history_hooks.edition_published_hooks:
            transaction.on_commit(lambda hook=hook, pk=edition_id: hook(pk))
    return Written(kind, standard)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
