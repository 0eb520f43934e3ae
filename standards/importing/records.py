"""Checking an entry read from an import file, field by field, and turning
it into a ``Record``: its values typed and its field, work item and
organisation found (by slug, or name in English or Chinese). Every problem
is an error of the entry, named by its field (``editions[1].published_on``),
so the report says what to fix where. Reads the database, writes nothing."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from committees.models import Field, Organisation
from workplan.models import WorkItem

from ..actions import Action
from ..models import HistoryEntry, Standard, Status
from ..services.numbering import parse_number
from .reading import Entry

DRAFT_CYCLE = (Status.DRAFT, Status.EXPERT_REVIEW, Status.AUDIT, Status.CERTIFIED)
LIMITS = {"title": 300, "title_zh": 300, "scope": 20000, "scope_zh": 20000}
MAX_TEXT = 2_000_000
MAX_COMMENT = 20000
CJK_RE = re.compile(r"[\u3400-\u9fff]")
LANGUAGE_ALIASES = {"zh": "zh-hans", "zh-cn": "zh-hans", "zh_hans": "zh-hans"}


@dataclass
class EditionData:
    edition: int
    published_on: date
    text: str
    pdf: bytes | None
    title: str
    title_zh: str
    scope: str
    scope_zh: str


@dataclass
class HistoryData:
    action: str
    when: datetime
    comment: str


@dataclass
class Record:
    entry: Entry
    key: str
    number: str | None
    language: str
    title: str
    title_zh: str
    scope: str
    scope_zh: str
    field: Field
    work_item: WorkItem | None
    organisation: Organisation
    authors: list[str]
    status: str
    review_due: date | None
    replaces: list[str]
    replaced_by: str | None
    abolition_reason: str
    withdrawn_on: date | None
    editions: list[EditionData] = field(default_factory=list)
    draft_text: str | None = None
    history: list[HistoryData] = field(default_factory=list)

    @property
    def has_edition(self) -> bool:
        return bool(self.editions)


class Lookups:
    """The fields, work items and organisations, read once per import."""

    def __init__(self):
        self.fields = self._index(Field.objects.all(), "name", "name_zh")
        self.work_items = self._index(WorkItem.objects.all(), "title", "title_zh")
        for item in WorkItem.objects.all():
            self.work_items.setdefault(str(item.order), item)
        self.organisations = self._index(Organisation.objects.all(), "name", "name_zh")

    @staticmethod
    def _index(objects, *names) -> dict:
        found = {}
        for obj in objects:
            for name in ("slug", *names):
                value = getattr(obj, name, "")
                if value:
                    found.setdefault(value.casefold(), obj)
        return found


class _Checker:
    def __init__(self, entry: Entry):
        self.entry = entry
        self.data = entry.data

    def error(self, where: str, message) -> None:
        self.entry.errors.append(f"{where}: {message}" if where else str(message))

    def text(self, name, *, required=False, data=None, where=None) -> str:
        data = self.data if data is None else data
        where = where or name
        value = data.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(where, _("Must be text."))
            return ""
        value = value.strip()
        if required and not value:
            self.error(where, _("This field is required."))
        limit = LIMITS.get(name)
        if limit and len(value) > limit:
            self.error(where, _("At most %(limit)d characters.") % {"limit": limit})
        return value

    def day(self, value, where, *, required=False) -> date | None:
        if value in (None, ""):
            if required:
                self.error(where, _("This field is required."))
            return None
        parsed = parse_date(str(value)) if isinstance(value, str) else None
        if parsed is None:
            self.error(where, _("Give a date as YYYY-MM-DD."))
        return parsed

    def moment(self, value, where) -> datetime | None:
        if isinstance(value, str):
            try:
                moment = parse_datetime(value)
                if moment is None and parse_date(value):
                    moment = datetime.combine(parse_date(value), time(12))
            except ValueError:
                moment = None
            if moment is not None:
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment)
                return moment
        self.error(where, _("Give a date as YYYY-MM-DD (a time may follow)."))
        return None

    def names(self, name) -> list[str]:
        value = self.data.get(name) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(v, str) and v.strip() for v in value
        ):
            self.error(name, _("Give a list of names."))
            return []
        return [v.strip() for v in value]

    def choose(self, name, table: dict, message, *, required=True):
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.error(name, _("This field is required."))
            return None
        found = table.get(str(value).strip().casefold())
        if found is None:
            self.error(name, message % {"value": value})
        return found


def _editions(check: _Checker, record_titles: dict, entry: Entry) -> list:
    raw = check.data.get("editions") or []
    if not isinstance(raw, list):
        check.error("editions", _("Give a list of editions."))
        return []
    editions = []
    for index, item in enumerate(raw):
        where = f"editions[{index}]"
        if not isinstance(item, dict):
            check.error(where, _("Each edition must be an object."))
            continue
        number = item.get("edition", index + 1)
        try:
            number = int(number)
            if number < 1:
                raise ValueError
        except (TypeError, ValueError):
            check.error(f"{where}.edition", _("Give a whole number from 1."))
            continue
        published_on = check.day(
            item.get("published_on"), f"{where}.published_on", required=True
        )
        text = item.get("text") or ""
        if not isinstance(text, str):
            check.error(f"{where}.text", _("Must be text."))
            text = ""
        pdf = entry.pdfs.get(index)
        if pdf is not None and not pdf.startswith(b"%PDF-"):
            check.error(f"{where}.pdf", _("This file is not a PDF."))
        if not text.strip() and pdf is None:
            check.error(
                where, _("Give the edition's text (Markdown), or its PDF, or both.")
            )
        if len(text) > MAX_TEXT:
            check.error(
                f"{where}.text",
                _("At most %(limit)d characters.") % {"limit": MAX_TEXT},
            )
        titles = {
            name: check.text(name, data=item, where=f"{where}.{name}")
            or record_titles[name]
            for name in ("title", "title_zh", "scope", "scope_zh")
        }
        if published_on:
            editions.append(
                EditionData(
                    edition=number,
                    published_on=published_on,
                    text=text,
                    pdf=pdf,
                    **titles,
                )
            )
    editions.sort(key=lambda e: e.edition)
    numbers = [e.edition for e in editions]
    if len(set(numbers)) != len(numbers):
        check.error("editions", _("Two editions have the same number."))
    for earlier, later in zip(editions, editions[1:], strict=False):
        if later.published_on < earlier.published_on:
            check.error(
                "editions",
                _("Edition %(number)d is dated before the edition it follows.")
                % {"number": later.edition},
            )
    return editions


def _history(check: _Checker) -> list[HistoryData]:
    raw = check.data.get("history") or []
    if not isinstance(raw, list):
        check.error("history", _("Give a list of history entries."))
        return []
    actions = set(Action.values)
    entries = []
    for index, item in enumerate(raw):
        where = f"history[{index}]"
        if not isinstance(item, dict) or set(item) - {"action", "date", "comment"}:
            check.error(where, _("Give an object with action, date and comment."))
            continue
        action = item.get("action")
        if action not in actions:
            check.error(
                f"{where}.action",
                _("Unknown action “%(action)s”; one of: %(actions)s.")
                % {"action": action, "actions": ", ".join(Action.values)},
            )
            continue
        when = check.moment(item.get("date"), f"{where}.date")
        comment = check.text("comment", data=item, where=f"{where}.comment")
        if len(comment) > MAX_COMMENT:
            check.error(f"{where}.comment", _("At most 20000 characters."))
        if when:
            entries.append(HistoryData(action=action, when=when, comment=comment))
    return sorted(entries, key=lambda h: h.when)


def _default_history(record: Record) -> list[HistoryData]:
    """A standard's public past when the file gives none: a publication per
    edition, and its abolition."""
    noon = time(12)
    past = [
        HistoryData(
            action=Action.PUBLISH,
            when=timezone.make_aware(datetime.combine(e.published_on, noon)),
            comment="",
        )
        for e in record.editions
    ]
    if record.status == Status.ABOLISHED:
        day = record.withdrawn_on or timezone.localdate()
        past.append(
            HistoryData(
                action=Action.ABOLISH,
                when=timezone.make_aware(datetime.combine(day, noon)),
                comment=record.abolition_reason,
            )
        )
    return past


def check_entry(entry: Entry, lookups: Lookups) -> Record | None:
    """The entry as a ``Record``, or ``None`` with its errors recorded."""
    check = _Checker(entry)
    data = entry.data
    key = check.text("key") or check.text("number")
    if not key:
        check.error("", _("Give the standard a number, or a key for a draft."))
    number = check.text("number") or None
    if number and parse_number(number) is None:
        check.error(
            "number",
            _("“%(number)s” is not a number like “%(example)s”.")
            % {
                "number": number,
                "example": f"{settings.STANDARD_NUMBER_PREFIX} 0007:2026",
            },
        )
    if number and len(number) > Standard._meta.get_field("number").max_length:
        check.error("number", _("This number is too long."))
    titles = {
        name: check.text(name, required=name == "title")
        for name in ("title", "title_zh", "scope", "scope_zh")
    }
    languages = {code for code, _name in settings.LANGUAGES}
    language = data.get("language") or (
        "zh-hans"
        if CJK_RE.search(titles["title"]) and "zh-hans" in languages
        else settings.LANGUAGE_CODE
    )
    language = LANGUAGE_ALIASES.get(str(language).lower(), language)
    if language not in languages:
        check.error(
            "language",
            _("Unknown language “%(language)s”; one of: %(languages)s.")
            % {"language": language, "languages": ", ".join(sorted(languages))},
        )
    field_ = check.choose(
        "field", lookups.fields, _("No field “%(value)s” (give its slug or name).")
    )
    work_item = check.choose(
        "work_item",
        lookups.work_items,
        _("No work item “%(value)s” (give its slug, title or order)."),
        required=False,
    )
    organisation = check.choose(
        "organisation",
        lookups.organisations,
        _("No organisation “%(value)s” (give its slug or name)."),
    )
    status = data.get("status") or (
        Status.PUBLISHED if data.get("editions") else Status.DRAFT
    )
    if status not in Status.values:
        check.error(
            "status",
            _("Unknown status “%(status)s”; one of: %(statuses)s.")
            % {"status": status, "statuses": ", ".join(Status.values)},
        )
    editions = _editions(check, titles, entry)
    draft_text = data.get("draft_text")
    if draft_text is not None and not isinstance(draft_text, str):
        check.error("draft_text", _("Must be text."))
        draft_text = None
    if status == Status.PUBLISHED and not editions and not entry.errors:
        check.error("editions", _("A published standard needs at least one edition."))
    if editions and not number:
        check.error("number", _("A standard with editions needs its number."))
    if (
        status in (Status.EXPERT_REVIEW, Status.AUDIT, Status.CERTIFIED)
        and not editions
        and not (draft_text or "").strip()
    ):
        check.error(
            "draft_text",
            _("A draft beyond “Draft” needs its text under review (draft_text)."),
        )
    replaced_by = check.text("replaced_by") or None
    if replaced_by and replaced_by == key:
        check.error("replaced_by", _("A standard cannot replace itself."))
    record = Record(
        entry=entry,
        key=key,
        number=number,
        language=language,
        field=field_,
        work_item=work_item,
        organisation=organisation,
        authors=check.names("authors"),
        status=status,
        review_due=check.day(data.get("review_due"), "review_due"),
        replaces=check.names("replaces"),
        replaced_by=replaced_by,
        abolition_reason=check.text("abolition_reason"),
        withdrawn_on=check.day(data.get("withdrawn_on"), "withdrawn_on"),
        editions=editions,
        draft_text=draft_text,
        history=_history(check),
        **titles,
    )
    if len(key) > HistoryEntry._meta.get_field("import_key").max_length:
        check.error("key", _("This key is too long."))
    if (
        record.withdrawn_on
        and editions
        and record.withdrawn_on < editions[-1].published_on
    ):
        check.error(
            "withdrawn_on", _("The withdrawal is dated before the last edition.")
        )
    if not record.history:
        record.history = _default_history(record)
    if record.review_due is None and status == Status.PUBLISHED and editions:
        last = max(
            [editions[-1].published_on]
            + [
                timezone.localtime(h.when).date()
                for h in record.history
                if h.action == Action.REAFFIRM
            ]
        )
        record.review_due = last + timedelta(days=settings.REVIEW_PERIOD_DAYS)
    return None if entry.errors else record
