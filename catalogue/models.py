from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PostgresGinIndex(GinIndex):
    """A GIN index on PostgreSQL. SQLite has no GIN (nor ``tsvector``: the
    vector columns stay empty there), so it gets a plain index instead."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class NewestFirstIndex(models.Index):
    """``published_on DESC NULLS LAST``, the catalogue's order by date; SQLite
    has no NULLS LAST in an index, so it gets ``published_on DESC``."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            plain = models.Index(fields=["-published_on"], name=self.name)
            return plain.create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


# The search document's copy of the catalogue's filters, in its vectors'
# GIN index (SearchDocument.Meta.indexes).
FILTER_KEYS = [
    "field_key",
    "field_parent_key",
    "organisation_key",
    "work_item_key",
    "public_state",
]


class SearchDocument(models.Model):
    """What search knows of one public standard: its number, title, scope
    (each in both languages when it has both) and the text of its in-force
    edition, analysed by ``catalogue.analysis``.

    On PostgreSQL the two vectors are what a search reads, through their GIN
    indexes: ``english_vector`` (``to_tsvector('english', ...)``, weighted
    A number and title, B scope, D body) and ``cjk_vector`` (the CJK bigrams
    parsed with the ``simple`` configuration, A from the head, D from the
    body); a search matches on them and ranks on the ``*_head_vector`` of the
    number, title and scope. The ``head_*`` and ``body_*`` text columns hold
    the analysed terms: the CJK bigrams on every backend (PostgreSQL builds
    the CJK vectors from them), and the English stems only where there is no
    ``tsvector`` (SQLite), which searches them with ``LIKE``.
    """

    standard = models.OneToOneField(
        "standards.Standard",
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    number = models.CharField(_("number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    scope_zh = models.TextField(_("scope (Chinese)"), blank=True)
    body = models.TextField(_("text"), blank=True)
    edition = models.PositiveIntegerField(_("edition"), null=True)
    published_on = models.DateField(_("publication date"), null=True, db_index=True)
    head_cjk = models.TextField(blank=True)
    body_cjk = models.TextField(blank=True)
    head_stems = models.TextField(blank=True)
    body_stems = models.TextField(blank=True)
    english_vector = SearchVectorField(null=True, editable=False)
    cjk_vector = SearchVectorField(null=True, editable=False)
    # The same of the head alone (number, title, scope), small enough to be
    # stored inline: ranking reads these, never the long vectors, so that it
    # costs little however many standards match.
    english_head_vector = SearchVectorField(null=True, editable=False)
    cjk_head_vector = SearchVectorField(null=True, editable=False)
    indexed = models.DateTimeField(_("indexed"), default=timezone.now)
    # The catalogue's filters, copied from the standard (``_write_document``,
    # and again whenever a standard is saved: catalogue.apps), so that a
    # search and its filters are answered from one index together: the GIN
    # index of the long vectors holds them too (``FILTER_KEYS``). Where a
    # filter had an index of its own, the planner started from it and
    # checked each candidate's long vector, read whole from TOAST, which it
    # does not cost (a state and a common word at 10,000 standards: 13–18
    # ms, 5 ms from the one index; an organisation and a common word: 6 ms,
    # 2 ms).
    field_key = models.IntegerField(null=True, editable=False)
    field_parent_key = models.IntegerField(null=True, editable=False)
    organisation_key = models.IntegerField(null=True, editable=False)
    work_item_key = models.IntegerField(null=True, editable=False)
    public_state = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            # The matches of a search with its filters, in either language:
            # one index, so that the planner never takes a filter from it
            # alone and then checks the long vectors of its candidates
            # (btree_gin indexes the filters' values beside the words).
            # Written into at once (no pending list, which every search would
            # read through until a vacuum): the catalogue is read far more
            # often than a standard is published, and the planner costs the
            # index by its size, pending pages included.
            PostgresGinIndex(
                fields=["english_vector", "cjk_vector", *FILTER_KEYS],
                name="search_gin",
                fastupdate=False,
            ),
            # Which heads hold a term searched for: the candidates a large
            # search ranks (catalogue.selectors._ranked_page).
            PostgresGinIndex(
                fields=["english_head_vector"], name="search_english_head_gin"
            ),
            PostgresGinIndex(fields=["cjk_head_vector"], name="search_cjk_head_gin"),
            # The catalogue's orders by date and by title, walked for a page
            # (catalogue.selectors._ORDERINGS).
            NewestFirstIndex(
                models.OrderBy(
                    models.F("published_on"), descending=True, nulls_last=True
                ),
                name="search_published_desc_idx",
            ),
            models.Index(Lower("title"), name="search_title_lower_idx"),
        ]

    def __str__(self):
        return self.number or self.title
