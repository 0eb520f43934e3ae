from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def select_options(options, selected) -> SafeString:
    """``<option>`` elements of ``(value, label)`` pairs, the one whose value
    is ``selected`` marked so: written in Python, where a template loop over
    the catalogue's hundred filter options cost milliseconds on every page."""
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) == chosen else "", label)
            for value, label in options
        ),
    )


@register.simple_tag
def result_rows(rows) -> SafeString:
    """The ``<li>`` of each result (``catalogue.selectors.ResultRow``).

    Written with ``format_html``, not a template loop: a page of 20 results
    took about 7 ms to render in the template engine (some 15 lookups,
    escapes and filters per row), 0.5 ms this way, on every search nobody
    made before. What a row shows is unchanged (tests/catalogue)."""
    return format_html_join("", "{}", ((_row(row),) for row in rows))


def _row(row) -> SafeString:
    head = format_html(
        '<p class="meta">{}{}</p><h2 class="h3"><a href="{}">{}</a></h2>',
        format_html('<span class="catalogue-number">{}</span> ', row.number)
        if row.number
        else "",
        format_html(
            '<span class="badge public-status status-{}">{}</span>',
            row.public_status,
            row.status_label,
        )
        if row.public_status
        else "",
        row.url,
        row.title,
    )
    snippet = (
        format_html('<p class="catalogue-snippet">{}</p>', row.snippet)
        if row.snippet
        else ""
    )
    meta = [
        format_html("{} › {}", row.field_parent, row.field)
        if row.field_parent
        else row.field
    ]
    if row.work_item:
        meta.append(row.work_item)
    meta.append(row.organisation)
    if row.published_on:
        meta.append(
            format_html(
                '<time datetime="{}">{}</time>',
                row.published_on.isoformat(),
                date_format(row.published_on, "DATE_FORMAT"),
            )
        )
    if row.edition_number and row.edition_number > 1:
        meta.append(_("edition %(n)s") % {"n": row.edition_number})
    return format_html(
        '<li class="card catalogue-result">{}{}<p class="meta">{}</p></li>',
        head,
        snippet,
        format_html_join(" · ", "{}", ((part,) for part in meta)),
    )
