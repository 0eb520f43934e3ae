"""What every action starts with: the standard locked for the transaction
(or a 404 when the actor may not see it), the check that it did not change
meanwhile, its current version, and the checks of input that turn a bad
value into an ``ApplicationError`` on the field it came from."""

from django.conf import settings
from django.utils.translation import gettext as _

from committees.models import Field, Person
from portal.errors import ApplicationError, Conflict
from workplan.models import WorkItem

from .. import permissions
from ..models import Standard, Version


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
