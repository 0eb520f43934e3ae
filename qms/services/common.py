"""What every QMS action starts with: the programme locked for the
transaction (or a 404 when the actor may not see it), the checks of input
that turn a bad value into an ``ApplicationError`` on its field, the history
entry, and the transaction that turns a concurrent change into a conflict."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from portal.errors import ApplicationError, Conflict

from .. import permissions
from ..models import HistoryEntry, Programme, Vote


def _lock(programme_id, actor) -> Programme:
    try:
        programme = (
            Programme.objects.select_for_update()
            .select_related("organisation")
            .get(pk=programme_id)
        )
    except (Programme.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such QMS programme."), code="not_found") from None
    if actor is not None and not permissions.can_see_programme(programme, actor):
        raise ApplicationError(_("No such QMS programme."), code="not_found")
    return programme


def plus_years(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _row(model, pk):
    """The row of ``model`` with id ``pk``, or None for an unknown or
    malformed id."""
    try:
        return model.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def _text(value, *, field: str, required: bool = True, limit: int = 20000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("This field is required."), field=field)
    if len(value) > limit:
        raise ApplicationError(
            _("At most %(limit)d characters.") % {"limit": limit}, field=field
        )
    return value


def _date(value, *, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter a date as YYYY-MM-DD."), field=field) from None


def _choice(value, choices, *, field: str) -> str:
    if value in choices.values:
        return value
    raise ApplicationError(_("Choose one of the options."), field=field)


def history_record(
    *, programme, actor, action, from_state="", to_state="", comment=""
) -> HistoryEntry:
    return HistoryEntry.objects.create(
        programme=programme,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
    )


def _atomic(fn):
    """Run ``fn`` in a transaction; a concurrent change is a conflict."""

    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except (ConcurrentTransition, IntegrityError):
            raise Conflict(
                _("The programme changed meanwhile; reload and try again.")
            ) from None

    wrapper.__doc__ = fn.__doc__
    wrapper.__name__ = fn.__name__
    return wrapper


# --- step 1 and 2: the programme, its policy and processes ---------------------


def committee_tally(programme: Programme) -> dict:
    """The votes of the current round: how many approve, ask for changes,
    of how many members, and whether a majority approves."""
    members = {m.expert_id for m in programme.committee.all()}
    votes = [
        v
        for v in programme.votes.all()
        if v.round == programme.approval_round and v.expert_id in members
    ]
    approve = sum(1 for v in votes if v.decision == Vote.Decision.APPROVE)
    return {
        "members": len(members),
        "approve": approve,
        "changes": len(votes) - approve,
        "majority": bool(members) and approve * 2 > len(members),
    }
