"""Keeping the search index in step with the public standards."""

import logging

from django.db import connection, transaction
from django.utils import timezone

from standards import permissions
from standards.models import Edition, HistoryEntry, Standard, public_status_of

from . import analysis
from .models import SearchDocument

logger = logging.getLogger(__name__)

# Both vectors in one statement, for one document or all of them; the WHERE
# clause is appended by the caller.
VECTORS_SQL = """
UPDATE catalogue_searchdocument SET
    english_head_vector =
        setweight(
            to_tsvector('english', number || ' ' || title || ' ' || title_zh), 'A'
        )
        || setweight(to_tsvector('english', scope || ' ' || scope_zh), 'B'),
    english_vector =
        setweight(
            to_tsvector('english', number || ' ' || title || ' ' || title_zh), 'A'
        )
        || setweight(to_tsvector('english', scope || ' ' || scope_zh), 'B')
        || setweight(to_tsvector('english', body), 'D'),
    cjk_head_vector = setweight(to_tsvector('simple', head_cjk), 'A'),
    cjk_vector =
        setweight(to_tsvector('simple', head_cjk), 'A')
        || setweight(to_tsvector('simple', body_cjk), 'D')
"""


def uses_tsvector() -> bool:
    return connection.vendor == "postgresql"


def in_force_edition(standard: Standard) -> Edition | None:
    editions = list(
        Edition.objects.filter(standard=standard)
        .select_related("version")
        .order_by("-edition")
    )
    return next((e for e in editions if e.in_force), None) or (
        editions[0] if editions else None
    )


def document_fields(
    *, number, title, scope, body, stems: bool, title_zh="", scope_zh=""
) -> dict:
    """The analysed columns of a document; ``body`` is plain text. The head
    holds the title and scope in both languages, so either finds it."""
    head = f"{number} {title}\n{title_zh}\n{scope}\n{scope_zh}"
    fields = {
        "head_cjk": analysis.terms_field(analysis.cjk_terms(head)),
        "body_cjk": analysis.terms_field(analysis.cjk_terms(body)),
        "head_stems": "",
        "body_stems": "",
    }
    if stems:
        fields["head_stems"] = analysis.terms_field(analysis.english_stems(head))
        fields["body_stems"] = analysis.terms_field(analysis.english_stems(body))
    return fields


def filter_columns(standard: Standard) -> dict:
    """The catalogue's filters of ``standard``, as its document holds them."""
    return {
        "field_key": standard.field_id,
        "field_parent_key": standard.field.parent_id if standard.field_id else None,
        "organisation_key": standard.organisation_id,
        "work_item_key": standard.work_item_id,
        "public_state": public_status_of(
            status=standard.status, has_edition=standard.has_edition
        )
        or "",
    }


def document_follow_standard(standard: Standard) -> None:
    """A standard was saved: its document (if it has one) takes its filters
    (its field, organisation or work item may have been edited, its state
    may have changed), in one UPDATE that touches nothing for a draft."""
    SearchDocument.objects.filter(standard_id=standard.pk).update(
        **filter_columns(standard)
    )


# The filters of every document from its standard, in one statement
# (catalogue migration 0006, bench/generate.py).
FILTER_COLUMNS_SQL = """
UPDATE catalogue_searchdocument d SET
    field_key = s.field_id,
    field_parent_key = f.parent_id,
    organisation_key = s.organisation_id,
    work_item_key = s.work_item_id,
    public_state = CASE
        WHEN NOT s.has_edition THEN ''
        WHEN s.status = 'abolished' THEN 'abolished'
        WHEN s.status = 'published' THEN 'in_force'
        ELSE 'under_renewal' END
FROM standards_standard s LEFT JOIN committees_field f ON f.id = s.field_id
WHERE s.id = d.standard_id
"""


def search_index_standard(standard_id: int) -> SearchDocument | None:
    """Index a public standard (its number, and its in-force edition's title,
    scope and text); drop the document of one that is not public (any more)."""
    with transaction.atomic():
        document = _write_document(standard_id)
        if document is not None and uses_tsvector():
            with connection.cursor() as cursor:
                cursor.execute(VECTORS_SQL + " WHERE standard_id = %s", [standard_id])
    return document


def search_reindex() -> int:
    """Rebuild the whole index: every public standard, nothing else. On
    PostgreSQL the vectors are computed by one SQL statement at the end."""
    public_ids = list(
        Standard.objects.public().order_by("pk").values_list("pk", flat=True)
    )
    SearchDocument.objects.exclude(standard_id__in=public_ids).delete()
    for standard_id in public_ids:
        _write_document(standard_id)
    search_refresh_vectors()
    return len(public_ids)


def _write_document(standard_id: int) -> SearchDocument | None:
    standard = Standard.objects.public().filter(pk=standard_id).first()
    edition = in_force_edition(standard) if standard else None
    if edition is None:
        SearchDocument.objects.filter(standard_id=standard_id).delete()
        return None
    body = analysis.markdown_to_text(edition.version.body)
    number = standard.number or edition.number or ""
    # The public record: the edition's title and scope, never the ones a
    # renewal's draft is given meanwhile.
    title, title_zh = edition.title, edition.title_zh
    scope, scope_zh = edition.scope, edition.scope_zh
    document, _created = SearchDocument.objects.update_or_create(
        standard=standard,
        defaults={
            "number": number,
            "title": title,
            "title_zh": title_zh,
            "scope": scope,
            "scope_zh": scope_zh,
            "body": body,
            "edition": edition.edition,
            "published_on": edition.published_on,
            "indexed": timezone.now(),
            **filter_columns(standard),
            **document_fields(
                number=number,
                title=title,
                scope=scope,
                title_zh=title_zh,
                scope_zh=scope_zh,
                body=body,
                stems=not uses_tsvector(),
            ),
        },
    )
    return document


def search_refresh_vectors() -> None:
    """Recompute every document's vectors from its columns (PostgreSQL)."""
    if uses_tsvector():
        with connection.cursor() as cursor:
            cursor.execute(VECTORS_SQL)


def _index_safely(standard_id: int) -> None:
    # Runs after the lifecycle transaction committed: a failure here must not
    # turn a successful publication into an error page. `search_reindex`
    # repairs whatever was missed.
    try:
        search_index_standard(standard_id)
    except Exception:
        logger.exception("Could not index standard %s for search", standard_id)


def index_edition(edition_id: int) -> None:
    """Hook: an edition was published (called after commit)."""
    standard_id = (
        Edition.objects.filter(pk=edition_id)
        .values_list("standard_id", flat=True)
        .first()
    )
    if standard_id is not None:
        _index_safely(standard_id)


def index_after_history(entry: HistoryEntry) -> None:
    """Hook: a history entry is being written, inside the lifecycle
    transaction, after the change it records (a publication's edition exists
    by then). A public standard is re-indexed in that same transaction, so
    the index never disagrees with the catalogue; a failure is logged and
    rolled back alone, never the change itself."""
    if not permissions.has_public_record(entry.standard):
        return
    try:
        with transaction.atomic():
            search_index_standard(entry.standard_id)
    except Exception:
        logger.exception("Could not index standard %s for search", entry.standard_id)
