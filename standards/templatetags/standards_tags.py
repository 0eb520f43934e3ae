"""Labels for the lifecycle's states and history entries, and the rows of
the lists of drafts, for the templates."""

import hashlib
import logging
from typing import NamedTuple

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from committees.templatetags import people
from portal.localized import localized
from portal.markdown import shift_heading_levels
from standards import actions
from standards.models import Status

logger = logging.getLogger(__name__)
register = template.Library()


@register.filter
def action_label(action: str):
    """``{{ entry.action|action_label }}``: a history entry's action in words."""
    return actions.action_label(action)


@register.filter
def public_action_label(action: str):
    """``{{ entry.action|public_action_label }}``: as the public record says it."""
    return actions.public_action_label(action)


@register.filter
def status_label(value: str):
    """``{{ "expert_review"|status_label }}`` → "Expert review"."""
    try:
        return Status(value).label
    except ValueError:
        return value


# The one way a template names a user, for the templates that load these
# tags rather than ``people``.
register.filter("person_name", people.person_name)


class TurnRow(NamedTuple):
    who: str
    people: tuple[str, ...]
    action: str


class DraftRow(NamedTuple):
    """Everything a row of a list of drafts shows, and the language and
    address prefix it is written for: equal rows render alike, whoever reads
    them."""

    language: str
    script_prefix: str
    pk: int
    title: str
    number: str
    organisation: str
    field: str
    status: str
    renewal: bool
    turns: tuple[TurnRow, ...]
    days_waiting: int


# Seconds a rendered row is kept: a changed row is a new key at once; this
# bounds how long rows written by an older template are still shown.
DRAFT_ROW_TIMEOUT = 600


@register.simple_tag
def draft_rows(standards, show_organisation=False):
    """``{% draft_rows standards %}``: the rows of ``includes/draft_table.html``
    for standards of ``selectors._with_turns``.

    A row is the same for every reader and most rows are shown again
    unchanged (a queue reloaded, the deputy leaders of one field), while
    writing them is slow: on the bench's data, the 40 rows of /review/ take
    13-18 ms of CPU to render and 1.6-3.4 ms to read from Redis, and the
    page 54-68 ms of CPU against 44-52 ms (issue 11). So rendered rows are
    kept in the cache, keyed by everything they show, and a table's rows are
    read in one round trip (a ``{% cache %}`` per row would be one each: 40
    of about 0.4 ms). A row that changes in any way is a new key. With DEBUG
    on, every row is rendered afresh so that edits of the templates show at
    once."""
    language = get_language()
    prefix = get_script_prefix()
    rows = [
        DraftRow(
            language=language,
            script_prefix=prefix,
            pk=standard.pk,
            title=localized(standard, "title"),
            number=standard.number or "",
            organisation=(
                localized(standard.organisation, "name") if show_organisation else ""
            ),
            field=localized(standard.field, "name"),
            status=standard.status,
            renewal=standard.has_edition,
            turns=tuple(
                TurnRow(str(turn.who), tuple(turn.people), str(turn.action))
                for turn in standard.turns
            ),
            days_waiting=standard.days_waiting,
        )
        for standard in standards
    ]
    keys = [_draft_row_key(row) for row in rows]
    kept = {} if settings.DEBUG else _kept_rows(keys)
    template = get_template("standards/includes/draft_row.html")
    fresh = {
        key: template.render({"row": row})
        for key, row in zip(keys, rows, strict=True)
        if key not in kept
    }
    if fresh and not settings.DEBUG:
        _keep_rows(fresh)
    return mark_safe(  # noqa: S308 - each row is an autoescaped template
        "".join(kept[key] if key in kept else fresh[key] for key in keys)
    )


def _draft_row_key(row: DraftRow) -> str:
    return (
        "draft-row:" + hashlib.blake2b(repr(row).encode(), digest_size=16).hexdigest()
    )


def _kept_rows(keys: list[str]) -> dict[str, str]:
    try:
        return cache.get_many(keys)
    except Exception:  # any backend's connection error: render them all
        logger.warning("Could not read kept draft rows", exc_info=True)
        return {}


def _keep_rows(rows: dict[str, str]) -> None:
    try:
        cache.set_many(rows, DRAFT_ROW_TIMEOUT)
    except Exception:
        logger.warning("Could not keep draft rows", exc_info=True)


@register.filter
def version_body(version):
    """``{{ version|version_body }}``: the version's text as stored when it
    was uploaded (rendered and sanitised once, ``Version.body_html``), its
    headings one level below the page's own title. Never renders Markdown
    on a page view."""
    if version is None:
        return ""
    html = shift_heading_levels(version.rendered_body(), 1)
    return mark_safe(html)  # noqa: S308 — sanitised by nh3 when stored


_DIFF_MARKS = {"delete": "−", "insert": "+"}


@register.simple_tag
def diff_rows(diff) -> str:
    """The rows of an inline diff (``standards.diff.Diff``), written in
    Python: a long diff has hundreds of rows, and the template loop took
    most of a diff page's time once the comparison was compiled (cydifflib).
    Each row's ``html`` is escaped by standards.diff, its changed words
    marked; the rest are numbers and fixed words."""
    rows = []
    for row in diff.rows:
        if row.kind == "gap":
            rows.append('<tr class="diff-gap"><td colspan="4">…</td></tr>')
            continue
        old = "" if row.old_number is None else int(row.old_number)
        new = "" if row.new_number is None else int(row.new_number)
        rows.append(
            f'<tr class="diff-{row.kind}"><td class="diff-number">{old}</td>'
            f'<td class="diff-number">{new}</td>'
            f'<td class="diff-mark">{_DIFF_MARKS.get(row.kind, "")}</td>'
            f'<td class="diff-text">{row.html}</td></tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 — numbers, fixed words, escaped html
