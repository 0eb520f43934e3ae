"""Labels for the lifecycle's states and history entries, and the rows of
the lists of drafts, for the templates."""

from functools import lru_cache
from typing import NamedTuple

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from standards.models import Status
from standards.services import TRANSITIONS

register = template.Library()

ACTION_LABELS = {
    "created": _("Draft created"),
    "edited": _("Details edited"),
    "version_uploaded": _("Version uploaded"),
    "experts_assigned": _("Experts assigned"),
    "comment_added": _("Expert comment"),
    "comment_answered": _("Comment answered"),
    "comment_resolved": _("Blocking comment resolved"),
    "recommendation_given": _("Recommendation given"),
    **TRANSITIONS,
}


@register.filter
def action_label(action: str):
    """``{{ entry.action|action_label }}``: a history entry's action in words."""
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


@register.filter
def status_label(value: str):
    """``{{ "expert_review"|status_label }}`` → "Expert review"."""
    try:
        return Status(value).label
    except ValueError:
        return value


@register.filter
def person_name(user):
    """A user's full name, or their username when they have none."""
    if user is None:
        return _("someone no longer registered")
    return user.get_full_name() or user.username


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


# Rows kept rendered in each process: about 1 kB each.
DRAFT_ROWS_KEPT = 4096


def _render_row(row: DraftRow) -> str:
    return render_to_string("standards/includes/draft_row.html", {"row": row})


_render_row_kept = lru_cache(maxsize=DRAFT_ROWS_KEPT)(_render_row)


@register.simple_tag
def draft_rows(standards, show_organisation=False):
    """``{% draft_rows standards %}``: the rows of ``includes/draft_table.html``
    for standards of ``selectors._with_turns``.

    A row is the same for every reader and most rows are shown again
    unchanged (a queue reloaded, the deputy leaders of one field), while
    the template engine took a third of the review queue's time to write
    its 40 rows. So a rendered row is kept, keyed by everything it shows;
    a row that changes in any way is a new key. With DEBUG on, as with
    Django's cached template loader, every row is rendered afresh so that
    edits of the templates show at once."""
    render = _render_row if settings.DEBUG else _render_row_kept
    language = get_language()
    prefix = get_script_prefix()
    return mark_safe(  # noqa: S308 - each row is an autoescaped template
        "".join(
            render(
                DraftRow(
                    language=language,
                    script_prefix=prefix,
                    pk=standard.pk,
                    title=standard.title,
                    number=standard.number or "",
                    organisation=(
                        standard.organisation.name if show_organisation else ""
                    ),
                    field=standard.field.name,
                    status=standard.status,
                    renewal=standard.has_edition,
                    turns=tuple(
                        TurnRow(str(turn.who), tuple(turn.people), str(turn.action))
                        for turn in standard.turns
                    ),
                    days_waiting=standard.days_waiting,
                )
            )
            for standard in standards
        )
    )
