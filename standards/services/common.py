"""What every action starts with: the standard locked for the transaction
(or a 404 when the actor may not see it), the check that it did not change
meanwhile, its current version, the checks of input that turn a bad
value into an ``ApplicationError`` on the field it came from, and the one
place that tells what an ``IntegrityError`` means."""

import logging
import re

from django.conf import settings
from django.db import IntegrityError
from django.utils.translation import gettext as _

from committees.models import Field, Person
from portal.errors import ApplicationError, Conflict
from workplan.models import WorkItem

from .. import permissions
from ..models import Standard, Version

logger = logging.getLogger(__name__)


def _not_found() -> ApplicationError:
    return ApplicationError(_("No such standard."), code="not_found")


def _lock(standard_id, actor) -> Standard:
    """The standard, locked for this transaction, if the actor may see
    something of it (each action's rule then says whether they may act)."""
    try:
        standard = Standard.objects.select_for_update().get(pk=standard_id)
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise _not_found() from None
    if not permissions.can_see_standard(standard, actor):
        raise _not_found()
    return standard


def _check_expected(standard: Standard, expected_status: str | None) -> None:
    if expected_status and standard.status != expected_status:
        raise Conflict(
            _(
                "This standard changed meanwhile: it is now “%(status)s”. "
                "Reload the page to see what happened."
            )
            % {"status": standard.get_status_display()}
        )


# --- integrity errors --------------------------------------------------------

# The unique constraints a second person doing the same thing at the same
# moment trips (the loser of the race): only these are "changed meanwhile".
CONCURRENT_CONSTRAINTS = frozenset(
    {
        "edition_unique",
        "version_number_unique",
        "assignment_unique",
        "recommendation_one_per_expert",
        "counter_unique",
    }
)

# SQLite names no constraint, only the columns: those of the ones above.
_SQLITE_COLUMNS = {
    "standards_edition.standard_id, standards_edition.edition": "edition_unique",
    "standards_version.standard_id, standards_version.number": (
        "version_number_unique"
    ),
    "standards_expertassignment.standard_id, standards_expertassignment.expert_id": (
        "assignment_unique"
    ),
    "standards_recommendation.version_id, standards_recommendation.expert_id": (
        "recommendation_one_per_expert"
    ),
    "standards_numbercounter.prefix, standards_numbercounter.year": "counter_unique",
    "standards_standard.number": "standards_standard_number_key",
}


def constraint_name(exc: IntegrityError) -> str:
    """The name of the constraint ``exc`` broke (PostgreSQL reports it; on
    SQLite, the name of the one on the columns it reports, else those)."""
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name
    text = str(exc)
    _kind, _sep, columns = text.partition(" constraint failed: ")
    columns = columns.strip()
    return _SQLITE_COLUMNS.get(columns, columns or text)


def is_concurrent_change(exc: IntegrityError) -> bool:
    """Did ``exc`` come from someone else doing the same thing at once?"""
    return constraint_name(exc) in CONCURRENT_CONSTRAINTS


def _taken_number(exc: IntegrityError) -> str:
    """The number of a "number already exists" error (PostgreSQL's detail
    reads ``Key (number)=(LLMSWG 0001:2026) already exists.``)."""
    diag = getattr(exc.__cause__, "diag", None)
    detail = getattr(diag, "message_detail", None) or ""
    match = re.search(r"\(number\)=\((?P<number>[^)]*)\)", detail)
    return match["number"] if match else ""


def integrity_error_told(exc: IntegrityError) -> ApplicationError:
    """The error to answer for ``exc``, told truly: only a real concurrent
    change is "changed meanwhile"; anything else is logged with its
    constraint and answered with what is wrong (still a 409, never a 500).

    A service wraps its transaction with ``except IntegrityError as exc:
    raise integrity_error_told(exc) from None``."""
    constraint = constraint_name(exc)
    if constraint in CONCURRENT_CONSTRAINTS:
        logger.info("Concurrent change refused by constraint %s", constraint)
        return Conflict()
    logger.error(
        "Integrity error on constraint %s: %s",
        constraint,
        exc,
        extra={"integrity_constraint": constraint},
    )
    if "number" in constraint and "standard" in constraint:
        from .numbering import REPAIR_COMMAND

        number = _taken_number(exc)
        if not number:
            return ApplicationError(
                _(
                    "The number is already given to another standard, so nothing "
                    "was saved. The number counters are behind the numbers in "
                    "use: the secretariat can bring them up to date with "
                    "“%(command)s”, then try again."
                )
                % {"command": REPAIR_COMMAND},
                code="conflict",
            )
        return ApplicationError(
            _(
                "The number %(number)s is already given to another standard, so "
                "nothing was saved. The number counters are behind the numbers "
                "in use: the secretariat can bring them up to date with "
                "“%(command)s”, then try again."
            )
            % {"number": number, "command": REPAIR_COMMAND},
            code="conflict",
        )
    return ApplicationError(
        _(
            "This change could not be saved: it contradicts data already stored "
            "(rule “%(constraint)s”). Nothing was changed; reloading will not "
            "help, so please tell the secretariat."
        )
        % {"constraint": constraint},
        code="conflict",
    )


def current_version(standard: Standard) -> Version | None:
    return standard.versions.order_by("-number").first()


# --- input ------------------------------------------------------------------


def _clean_text(value: str | None, *, field: str, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("This field is required."), field=field)
    if len(value) > limit:
        raise ApplicationError(
            _("At most %(limit)d characters.") % {"limit": limit}, field=field
        )
    return value


def _language_or_error(language) -> str:
    """One of the portal's languages (``settings.LANGUAGES``)."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language in codes:
        return language
    raise ApplicationError(_("Choose a language."), field="language")


def _field_or_error(field) -> Field:
    if isinstance(field, Field):
        return field
    try:
        return Field.objects.get(pk=field)
    except (Field.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("Choose a field."), field="field") from None


def _work_item_or_error(work_item) -> WorkItem | None:
    if work_item in (None, ""):
        return None
    if isinstance(work_item, WorkItem):
        return work_item
    try:
        return WorkItem.objects.get(pk=work_item)
    except (WorkItem.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(
            _("Choose a work item of the work plan."), field="work_item"
        ) from None


def _authors_or_error(authors) -> list[Person]:
    ids = {getattr(a, "pk", a) for a in authors}
    people = list(Person.objects.filter(pk__in=ids))
    if len(people) != len(ids):
        raise ApplicationError(_("Unknown author."), field="authors")
    return people


def _replacement_or_error(replaced_by) -> Standard | None:
    if replaced_by in (None, ""):
        return None
    if isinstance(replaced_by, Standard):
        return replaced_by
    try:
        return Standard.objects.get(pk=replaced_by)
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(
            _("The replacement must be a published standard."), field="replaced_by"
        ) from None
