"""A visitor's page of the standards list, written from plain values.

``StandardSerializer`` builds a model instance for each standard, its field,
organisation, work item and editions, then walks some thirty declared fields
for each: about 13 ms of a 25-row page at 10,000 standards, where its two
queries take 2. A visitor is in no draft audience, so every row is the
public record alone; this writes the same rows, key for key and value for
value, from two ``values()`` queries (the standards, their editions).
``tests/api/test_list_rows.py`` holds the two to the same output for every
state a standard can be in; the serializer stays the schema and writes every
other caller's rows.
"""

from types import SimpleNamespace

from rest_framework import serializers

from catalogue.selectors import attach_snippets

from ..models import Edition, PublicStatus, Status, public_status_of
from .serializers import edition_pdf_addresses

# DRF's own formatting (ISO 8601, in the current time zone, "Z" for UTC).
_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()

STANDARD_VALUES = (
    "id",
    "number",
    "title",
    "title_zh",
    "scope",
    "scope_zh",
    "language",
    "status",
    "has_edition",
    "review_due",
    "replaced_by_id",
    "abolition_reason",
    "created",
    "updated",
    "status_changed",
    "field_id",
    "field__name",
    "field__name_zh",
    "field__parent_id",
    "organisation_id",
    "organisation__name",
    "organisation__name_zh",
    "work_item_id",
    "work_item__title",
    "work_item__title_zh",
)
EDITION_VALUES = (
    "id",
    "standard_id",
    "number",
    "edition",
    "title",
    "title_zh",
    "scope",
    "scope_zh",
    "published_on",
    "superseded_on",
    "withdrawn_on",
    "pdf",
    "pdf_state",
    "pdf_size",
    "pdf_pages",
    "pdf_sha256",
)


def _date(value):
    return None if value is None else _DATE.to_representation(value)


def _datetime(value):
    return None if value is None else _DATETIME.to_representation(value)


def _edition_row(edition: dict, request) -> dict:
    """An edition as ``EditionSerializer`` writes it."""
    pdf_url = pdf_download_url = None
    if edition["pdf_state"] == Edition.PdfState.READY and edition["pdf"]:
        pdf_url, pdf_download_url = (
            request.build_absolute_uri(address)
            for address in edition_pdf_addresses(
                edition["id"], edition["standard_id"], edition["edition"]
            )
        )
    return {
        "id": edition["id"],
        "standard": edition["standard_id"],
        "number": edition["number"],
        "edition": edition["edition"],
        "title": edition["title"],
        "title_zh": edition["title_zh"],
        "scope": edition["scope"],
        "scope_zh": edition["scope_zh"],
        "published_on": _date(edition["published_on"]),
        "superseded_on": _date(edition["superseded_on"]),
        "withdrawn_on": _date(edition["withdrawn_on"]),
        "in_force": edition["superseded_on"] is None
        and edition["withdrawn_on"] is None,
        "pdf_state": edition["pdf_state"],
        "pdf_url": pdf_url,
        "pdf_download_url": pdf_download_url,
        "pdf_size": edition["pdf_size"],
        "pdf_pages": edition["pdf_pages"],
        "pdf_sha256": edition["pdf_sha256"],
    }


def _row(standard: dict, edition: dict | None, request) -> dict:
    """A standard as ``StandardSerializer`` writes it for a caller outside
    its draft audience, its current edition ``edition`` (the last one)."""
    public = standard["has_edition"]
    # The public record (Standard.public_title and the rest): the current
    # edition's, else (hand-made data, public without an edition) its own.
    record = edition if public and edition is not None else standard
    public_status = public_status_of(status=standard["status"], has_edition=public)
    under_renewal = public_status == PublicStatus.UNDER_RENEWAL
    work_item = None
    if standard["work_item_id"] is not None:
        work_item = {
            "id": standard["work_item_id"],
            "title": standard["work_item__title"],
            "title_zh": standard["work_item__title_zh"],
        }
    return {
        "id": standard["id"],
        "number": standard["number"],
        "title": record["title"],
        "title_zh": record["title_zh"] or "",
        "scope": record["scope"],
        "scope_zh": record["scope_zh"] or "",
        "language": standard["language"],
        "draft_title": None,
        "draft_title_zh": None,
        "draft_scope": None,
        "draft_scope_zh": None,
        "status": Status.PUBLISHED.value if under_renewal else standard["status"],
        "public_status": None if public_status is None else public_status.value,
        "field": {
            "id": standard["field_id"],
            "name": standard["field__name"],
            "name_zh": standard["field__name_zh"],
            "parent": standard["field__parent_id"],
        },
        "work_item": work_item,
        "organisation": {
            "id": standard["organisation_id"],
            "name": standard["organisation__name"],
            "name_zh": standard["organisation__name_zh"],
        },
        "has_edition": public,
        "under_renewal": under_renewal,
        "current_edition": (
            _edition_row(edition, request) if public and edition is not None else None
        ),
        "review_due": _date(standard["review_due"]),
        "replaced_by": standard["replaced_by_id"],
        "abolition_reason": standard["abolition_reason"],
        "created": _datetime(standard["created"]),
        "updated": _datetime(standard["updated"]),
        "status_changed": _datetime(standard["status_changed"]),
        "snippet": None,
    }


def standard_values(queryset):
    """``queryset`` read as the values a row is written from."""
    return queryset.prefetch_related(None).values(*STANDARD_VALUES)


def visitor_rows(queryset, ids: list[int], request, *, snippets_for: str = "") -> list:
    """The rows of the standards ``ids`` that ``queryset`` (what the visitor
    may read) holds, in the order of ``ids`` (``rows_of``)."""
    if not ids:
        return []
    found = {
        standard["id"]: standard
        for standard in standard_values(queryset.order_by().filter(pk__in=ids))
    }
    return rows_of(
        [found[pk] for pk in ids if pk in found], request, snippets_for=snippets_for
    )


def rows_of(standards: list[dict], request, *, snippets_for: str = "") -> list:
    """The rows of ``standards`` (``standard_values``), with their current
    editions read in one query; with ``snippets_for`` (a search's words),
    each public row's ``snippet`` as the catalogue writes it
    (``catalogue.selectors.attach_snippets``), in one more."""
    if not standards:
        return []
    current = {}
    editions = (
        Edition.objects.filter(standard_id__in=[s["id"] for s in standards])
        .order_by("standard_id", "edition")
        .values(*EDITION_VALUES)
    )
    for edition in editions:  # the last edition of each standard stays
        current[edition["standard_id"]] = edition
    rows = [_row(s, current.get(s["id"]), request) for s in standards]
    if snippets_for:
        public = [
            SimpleNamespace(pk=row["id"], public_scope=row["scope"], row=row)
            for row in rows
            if row["has_edition"]
        ]
        attach_snippets(public, snippets_for)
        for standard in public:
            standard.row["snippet"] = str(standard.snippet)
    return rows
