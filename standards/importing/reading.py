"""Reading an import: a JSON document, or a CSV file with the files it names
(docs/import-format.md), into one ``Entry`` per standard: where it was read
(``standards[2]``, ``line 5``), its fields as plain values, the bytes of its
PDFs, and a digest of it all, so that a second run of the same file can
tell the standards it brought in already.

Nothing here touches the database."""

import base64
import binascii
import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# The fields of a standard and of an edition a file may give (anything else
# is refused, so that a misspelt field is not silently ignored).
STANDARD_FIELDS = {
    "key",
    "number",
    "language",
    "title",
    "title_zh",
    "scope",
    "scope_zh",
    "field",
    "work_item",
    "organisation",
    "authors",
    "status",
    "review_due",
    "replaces",
    "replaced_by",
    "abolition_reason",
    "withdrawn_on",
    "editions",
    "draft_text",
    "draft_text_file",
    "history",
}
EDITION_FIELDS = {
    "edition",
    "published_on",
    "text",
    "text_file",
    "pdf",
    "pdf_base64",
    "title",
    "title_zh",
    "scope",
    "scope_zh",
}
HISTORY_FIELDS = {"action", "date", "comment"}

# A CSV file: one row per edition (or one row for a standard without any);
# rows with the same key (or number) are one standard.
CSV_STANDARD_COLUMNS = [
    "key",
    "number",
    "language",
    "title",
    "title_zh",
    "scope",
    "scope_zh",
    "field",
    "work_item",
    "organisation",
    "authors",
    "status",
    "review_due",
    "replaces",
    "replaced_by",
    "abolition_reason",
    "withdrawn_on",
    "draft_text_file",
]
CSV_EDITION_COLUMNS = ["edition", "published_on", "text_file", "pdf"]
CSV_LIST_SEPARATOR = ";"

MAX_TEXT_FILE_BYTES = 5 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read (not JSON, no ``standards`` list,
    an unknown column): nothing is imported."""


@dataclass
class Entry:
    """One standard as read from the file."""

    location: str
    data: dict
    errors: list[str] = field(default_factory=list)
    # The bytes of each edition's PDF, by the edition's index in ``data``.
    pdfs: dict[int, bytes] = field(default_factory=dict)
    digest: str = ""

    @property
    def key(self) -> str:
        value = self.data.get("key") or self.data.get("number") or ""
        return str(value).strip()

    @property
    def label(self) -> str:
        """Where it is, and which: ``standards[2] (LLMSWG 0003:2026)``."""
        return f"{self.location} ({self.key})" if self.key else self.location


def _digest(entry: Entry) -> str:
    """The digest of what the entry says (its PDFs by their own digests): the
    same file read again gives the same digest."""
    data = json.loads(json.dumps(entry.data, default=str))
    for index, edition in enumerate(data.get("editions") or []):
        if isinstance(edition, dict):
            edition.pop("pdf", None)
            edition.pop("pdf_base64", None)
            if index in entry.pdfs:
                edition["pdf_sha256"] = hashlib.sha256(entry.pdfs[index]).hexdigest()
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _read_file(base_dir: Path | None, name, *, limit: int, what: str) -> bytes:
    """The bytes of a file named in the import, relative to the import's own
    folder and never outside it."""
    if base_dir is None:
        raise ValueError(
            _(
                "%(what)s “%(name)s” is a file name, which only the command "
                "line reads; over the API, give the content itself."
            )
            % {"what": what, "name": name}
        )
    root = base_dir.resolve()
    path = (root / str(name)).resolve()
    if root not in path.parents:
        raise ValueError(
            _("%(what)s “%(name)s” is outside the import's folder.")
            % {"what": what, "name": name}
        )
    if not path.is_file():
        raise ValueError(
            _("%(what)s “%(name)s” does not exist.") % {"what": what, "name": name}
        )
    if path.stat().st_size > limit:
        raise ValueError(
            _("%(what)s “%(name)s” is larger than %(limit)d bytes.")
            % {"what": what, "name": name, "limit": limit}
        )
    return path.read_bytes()


def _text_of(base_dir, name, *, what) -> str:
    data = _read_file(base_dir, name, limit=MAX_TEXT_FILE_BYTES, what=what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            _("%(what)s “%(name)s” is not UTF-8 text.") % {"what": what, "name": name}
        ) from None


def _resolve_files(entry: Entry, base_dir: Path | None) -> None:
    """Replace the file names of an entry by their contents (texts) or keep
    their bytes aside (PDFs); each problem is an error of the entry."""
    data = entry.data
    if data.get("draft_text_file"):
        try:
            data["draft_text"] = _text_of(
                base_dir, data.pop("draft_text_file"), what=_("The draft text")
            )
        except ValueError as exc:
            entry.errors.append(f"draft_text_file: {exc}")
    else:
        data.pop("draft_text_file", None)
    editions = data.get("editions")
    if not isinstance(editions, list):
        return
    for index, edition in enumerate(editions):
        if not isinstance(edition, dict):
            continue
        where = f"editions[{index}]"
        if edition.get("text_file"):
            try:
                edition["text"] = _text_of(
                    base_dir, edition.pop("text_file"), what=_("The text")
                )
            except ValueError as exc:
                entry.errors.append(f"{where}.text_file: {exc}")
        else:
            edition.pop("text_file", None)
        try:
            if edition.get("pdf_base64"):
                entry.pdfs[index] = base64.b64decode(
                    edition["pdf_base64"], validate=True
                )
            elif edition.get("pdf"):
                entry.pdfs[index] = _read_file(
                    base_dir,
                    edition["pdf"],
                    limit=settings.PDF_MAX_BYTES,
                    what=_("The PDF"),
                )
        except (binascii.Error, ValueError) as exc:
            message = (
                _("pdf_base64 is not valid Base64.")
                if isinstance(exc, binascii.Error)
                else str(exc)
            )
            entry.errors.append(f"{where}.pdf: {message}")


def _finish(entries: list[Entry], base_dir: Path | None) -> list[Entry]:
    for entry in entries:
        _resolve_files(entry, base_dir)
        entry.digest = _digest(entry)
    return entries


def read_json(content, *, base_dir: Path | None = None) -> list[Entry]:
    """The entries of a JSON import: ``{"standards": [...]}`` (or the list
    alone), as text, bytes or already parsed."""
    if isinstance(content, bytes | str):
        try:
            content = json.loads(content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ImportFileError(
                _("The file is not valid JSON: %(error)s") % {"error": exc}
            ) from None
    standards = content.get("standards") if isinstance(content, dict) else content
    if not isinstance(standards, list):
        raise ImportFileError(_("The file must hold a list “standards”."))
    entries = []
    for index, item in enumerate(standards):
        location = f"standards[{index}]"
        if not isinstance(item, dict):
            entries.append(
                Entry(location, {}, errors=[_("Each standard must be an object.")])
            )
            continue
        entry = Entry(location, dict(item))
        unknown = sorted(set(item) - STANDARD_FIELDS)
        if unknown:
            entry.errors.append(
                _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}
            )
        for e_index, edition in enumerate(item.get("editions") or []):
            if isinstance(edition, dict):
                edition_unknown = sorted(set(edition) - EDITION_FIELDS)
                if edition_unknown:
                    entry.errors.append(
                        _("editions[%(index)d]: unknown fields: %(fields)s.")
                        % {"index": e_index, "fields": ", ".join(edition_unknown)}
                    )
        entry.data["editions"] = [
            dict(e) if isinstance(e, dict) else e for e in item.get("editions") or []
        ]
        entries.append(entry)
    return _finish(entries, base_dir)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(CSV_LIST_SEPARATOR) if part.strip()]


def read_csv(content, *, base_dir: Path | None = None) -> list[Entry]:
    """The entries of a CSV import (UTF-8, a header row): one row per
    edition, rows of one standard sharing its key or number; texts and PDFs
    are files named relative to the CSV file."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(_("The CSV file is not UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(content))
    columns = reader.fieldnames or []
    unknown = sorted(set(columns) - set(CSV_STANDARD_COLUMNS + CSV_EDITION_COLUMNS))
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    if "title" not in columns:
        raise ImportFileError(_("The CSV file needs a header row with “title”."))
    entries: dict[str, Entry] = {}
    order: list[Entry] = []
    for row in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in row.items() if k}
        group = row.get("key") or row.get("number") or f"line {line}"
        entry = entries.get(group)
        if entry is None:
            data = {
                name: row.get(name, "")
                for name in CSV_STANDARD_COLUMNS
                if row.get(name, "")
            }
            for name in ("authors", "replaces"):
                if name in data:
                    data[name] = _split(data[name])
            data["editions"] = []
            entry = Entry(f"line {line}", data)
            entries[group] = entry
            order.append(entry)
        else:
            for name in CSV_STANDARD_COLUMNS:
                value = row.get(name, "")
                if name in ("authors", "replaces"):
                    differs = value and _split(value) != entry.data.get(name)
                else:
                    differs = value and value != entry.data.get(name, "")
                if differs:
                    entry.errors.append(
                        _(
                            "line %(line)d: “%(column)s” differs from the "
                            "standard's first line."
                        )
                        % {"line": line, "column": name}
                    )
        if any(row.get(name) for name in CSV_EDITION_COLUMNS):
            edition = {name: row[name] for name in CSV_EDITION_COLUMNS if row.get(name)}
            entry.data["editions"].append(edition)
    return _finish(order, base_dir)


def read_path(path: Path) -> list[Entry]:
    """The entries of the file at ``path`` (``.csv`` or JSON)."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(str(exc)) from None
    reader = read_csv if path.suffix.lower() == ".csv" else read_json
    return reader(content, base_dir=path.parent)
