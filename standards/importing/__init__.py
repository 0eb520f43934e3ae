"""Bringing existing standards in: published ones with their numbers,
editions and PDFs, and drafts in progress, from one file
(docs/import-format.md); ``manage.py import_standards`` and
``POST /api/v1/standards/import/`` both call ``standards_import``.

- ``reading``: the JSON or CSV file (and the files it names) into entries;
- ``records``: each entry checked and typed, its field, work item and
  organisation found;
- ``writing``: one record written: standard, versions, editions, authors,
  replacement, its past as history entries marked imported.

Rules: a dry run checks and writes everything in a transaction that is
rolled back (so it finds what a real run would: clashes, invalid records),
and changes nothing; a real run writes each standard in a transaction of its
own, so one bad record costs only itself. A record already imported (its
key) with the same content is left alone: running a file twice creates
nothing new; one changed in the portal since it was imported is never
overwritten. Every number brought in raises its counter, so publishing
afterwards gives the next free number.
"""

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from committees.selectors import user_roles
from portal.errors import ApplicationError

from .. import permissions
from ..services.common import integrity_error_told
from .reading import Entry, ImportFileError, read_csv, read_json, read_path
from .records import Lookups, Record, check_entry
from .writing import RecordRefused, write_record

logger = logging.getLogger(__name__)

__all__ = [
    "Entry",
    "ImportFileError",
    "ImportReport",
    "can_import",
    "read_csv",
    "read_json",
    "read_path",
    "standards_import",
]

KINDS = {
    "created": pgettext_lazy("import result", "created"),
    "updated": pgettext_lazy("import result", "updated"),
    "unchanged": pgettext_lazy("import result", "unchanged"),
    "kept": pgettext_lazy("import result", "kept"),
    "clash": pgettext_lazy("import result", "clash"),
    "invalid": pgettext_lazy("import result", "invalid"),
}
DRY_RUN_KINDS = {
    "created": pgettext_lazy("import result", "would be created"),
    "updated": pgettext_lazy("import result", "would be updated"),
}


def can_import(user) -> permissions.Decision:
    """The leader and the secretariat bring standards in (they publish and
    abolish; an import writes published standards)."""
    if getattr(user, "is_authenticated", False):
        roles = user_roles(user)
        if permissions.is_leader(None, user) or roles.secretariat:
            return permissions.ALLOWED
    return permissions.Decision(
        False,
        "forbidden",
        str(_("Only the leader and the secretariat import standards.")),
    )


@dataclass
class Outcome:
    kind: str
    location: str
    key: str
    messages: list[str] = field(default_factory=list)
    standard_id: int | None = None


@dataclass
class ImportReport:
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for o in self.outcomes if o.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in KINDS}

    def label(self, kind: str) -> str:
        labels = DRY_RUN_KINDS if self.dry_run else {}
        return str(labels.get(kind, KINDS[kind]))

    def as_text(self) -> str:
        lines = []
        if self.dry_run:
            lines.append(_("Dry run: nothing was changed."))
        for outcome in self.outcomes:
            where = (
                f"{outcome.location} ({outcome.key})"
                if outcome.key
                else outcome.location
            )
            lines.append(f"{self.label(outcome.kind):<18} {where}")
            lines += [f"{'':<18}   {message}" for message in outcome.messages]
        lines.append(
            ", ".join(
                f"{self.label(kind)}: {count}" for kind, count in self.counts.items()
            )
        )
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "counts": self.counts,
            "results": [
                {
                    "result": outcome.kind,
                    "location": outcome.location,
                    "key": outcome.key,
                    "messages": outcome.messages,
                    "standard": outcome.standard_id,
                }
                for outcome in self.outcomes
            ],
        }


def _order(records: list[Record], outcomes: dict) -> list[Record]:
    """The records, each after the one that replaces it (``replaced_by``
    names a standard that must exist when the record is written); a circle
    of replacements is invalid."""
    by_key = {r.key: r for r in records}
    for record in records:
        # "B replaces A" for an A of this file is A's "replaced by B".
        in_file = [reference for reference in record.replaces if reference in by_key]
        record.replaces = [r for r in record.replaces if r not in by_key]
        for reference in in_file:
            old = by_key[reference]
            if old.replaced_by not in (None, record.key):
                outcomes[old.key] = Outcome(
                    "invalid",
                    old.entry.location,
                    old.key,
                    [
                        _("replaced_by: %(key)s also says it replaces this standard.")
                        % {"key": record.key}
                    ],
                )
            old.replaced_by = record.key
    ordered, state = [], {}

    def visit(record: Record) -> bool:
        if state.get(record.key) == "done":
            return True
        if state.get(record.key) == "visiting":
            return False
        state[record.key] = "visiting"
        target = by_key.get(record.replaced_by or "")
        ok = target is None or visit(target)
        state[record.key] = "done"
        if not ok:
            outcomes.setdefault(
                record.key,
                Outcome(
                    "invalid",
                    record.entry.location,
                    record.key,
                    [_("Its replacements go round in a circle.")],
                ),
            )
            return False
        ordered.append(record)
        return True

    for record in records:
        visit(record)
    return [r for r in ordered if r.key not in outcomes]


def _check(entries: list[Entry]) -> tuple[list[Record], list[Outcome]]:
    """The records that passed their checks, and the outcomes of the
    others (a second record of the same key or number is invalid too)."""
    lookups = Lookups()
    records, invalid, seen = [], [], {}
    for entry in entries:
        record = check_entry(entry, lookups)
        duplicate = None
        for name in ("key", "number"):
            value = entry.key if name == "key" else entry.data.get("number")
            if value and (name, value) in seen:
                duplicate = seen[(name, value)]
            elif value:
                seen[(name, value)] = entry.location
        if duplicate:
            entry.errors.append(
                _("The same standard as %(other)s.") % {"other": duplicate}
            )
            record = None
        if record is None:
            invalid.append(
                Outcome("invalid", entry.location, entry.key, list(entry.errors))
            )
        else:
            records.append(record)
    return records, invalid


def _write_all(records, outcomes, *, actor, source, store_files) -> dict[str, Outcome]:
    resolved: dict[str, int] = {}
    in_file = {r.key for r in records} | {r.number for r in records if r.number}
    for record in _order(records, outcomes):
        outcome = Outcome("invalid", record.entry.location, record.key)
        outcomes[record.key] = outcome
        missing = [
            reference
            for reference in [record.replaced_by, *record.replaces]
            if reference and reference in in_file and reference not in resolved
        ]
        if missing:
            outcome.messages.append(
                _("%(reference)s, which it refers to, was not imported (see there).")
                % {"reference": missing[0]}
            )
            continue
        try:
            with transaction.atomic():
                written = write_record(
                    record,
                    actor=actor,
                    source=source,
                    resolved=resolved,
                    store_files=store_files,
                )
        except RecordRefused as exc:
            outcome.kind = exc.kind
            outcome.messages.append(exc.message)
        except ApplicationError as exc:
            outcome.messages.append(str(exc.message))
        except IntegrityError as exc:
            outcome.messages.append(str(integrity_error_told(exc).message))
        else:
            outcome.kind = written.kind
            outcome.standard_id = written.standard.pk
            if written.message:
                outcome.messages.append(written.message)
            resolved[record.key] = written.standard.pk
            if record.number:
                resolved[record.number] = written.standard.pk
    return outcomes


def standards_import(
    *,
    entries: list[Entry],
    actor,
    source: str,
    dry_run: bool = False,
) -> ImportReport:
    """Import the standards of ``entries`` (read by ``read_json``,
    ``read_csv`` or ``read_path``) and report what became of each, in the
    file's order. The caller checks ``can_import``."""
    records, invalid = _check(entries)
    outcomes: dict[str, Outcome] = {}
    if dry_run:
        with transaction.atomic():
            _write_all(records, outcomes, actor=actor, source=source, store_files=False)
            transaction.set_rollback(True)
    else:
        _write_all(records, outcomes, actor=actor, source=source, store_files=True)
    by_location = {o.location: o for o in [*outcomes.values(), *invalid]}
    report = ImportReport(dry_run=dry_run)
    report.outcomes = [
        by_location[entry.location]
        for entry in entries
        if entry.location in by_location
    ]
    logger.info(
        "Import of %s by %s%s: %s",
        source,
        getattr(actor, "pk", None),
        " (dry run)" if dry_run else "",
        report.counts,
    )
    return report
