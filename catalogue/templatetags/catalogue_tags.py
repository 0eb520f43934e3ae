"""The catalogue page's longest parts, written in Python.

A template loop (and even ``format_html``, whose escaping checks every
argument for a lazy string) costs microseconds per value: the filters'
hundred options and a page of 20 results took about 10 ms of every search
nobody made before. Here every value is escaped as Django's ``escape`` does
(``html.escape``), except those already safe (a snippet's marks), and the
whole is marked safe once."""

import html

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _e(value) -> str:
    """``value`` escaped for HTML, unless it is safe already."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


@register.simple_tag
def select_options(options, selected) -> SafeString:
    """``<option>`` elements of ``(value, label)`` pairs, the one whose value
    is ``selected`` marked so."""
    chosen = "" if selected is None else str(selected)
    return mark_safe(  # noqa: S308 — every value escaped by _e
        "".join(
            f'<option value="{_e(value)}"'
            f"{' selected' if str(value) == chosen else ''}>{_e(label)}</option>"
            for value, label in options
        )
    )


@register.simple_tag
def result_rows(rows) -> SafeString:
    """The ``<li>`` of each result (``catalogue.selectors.ResultRow``); what
    a row shows is tested in tests/catalogue/test_result_rows.py."""
    return mark_safe("".join(_row(row) for row in rows))  # noqa: S308 — _row escapes


def _row(row) -> str:
    number = (
        f'<span class="catalogue-number">{_e(row.number)}</span> ' if row.number else ""
    )
    badge = (
        f'<span class="badge public-status status-{_e(row.public_status)}">'
        f"{_e(row.status_label)}</span>"
        if row.public_status
        else ""
    )
    snippet = (
        f'<p class="catalogue-snippet">{_e(row.snippet)}</p>' if row.snippet else ""
    )
    field = _e(row.field)
    meta = [f"{_e(row.field_parent)} › {field}" if row.field_parent else field]
    if row.work_item:
        meta.append(_e(row.work_item))
    meta.append(_e(row.organisation))
    if row.published_on:
        meta.append(
            f'<time datetime="{row.published_on.isoformat()}">'
            f"{_e(date_format(row.published_on, 'DATE_FORMAT'))}</time>"
        )
    if row.edition_number and row.edition_number > 1:
        meta.append(_e(_("edition %(n)s") % {"n": row.edition_number}))
    return (
        f'<li class="card catalogue-result"><p class="meta">{number}{badge}</p>'
        f'<h2 class="h3"><a href="{_e(row.url)}">{_e(row.title)}</a></h2>'
        f'{snippet}<p class="meta">{" · ".join(meta)}</p></li>'
    )
