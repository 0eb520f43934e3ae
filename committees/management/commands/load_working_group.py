"""Load the working group's published facts from the seed text.

The seed (``committees/data/llm-standards-working-group.txt``) is the working
group's own page as plain text. Every fact in it is loaded: goal and vision,
the leader, the field tree with its deputy leaders, the member organisations,
the rules of procedure, the QMS steps, the work plan and the first meeting.

The seed is loaded once. Every seed row has a key ("organisation:<slug>",
"role:<person>:<kind>:<field>", ...) recorded in ``SeedRecord`` when it is
loaded; running the command again skips every recorded key, whether its row was
since changed or deleted by an editor, and creates only the rows of keys never
recorded (new lines of a later seed). Rows loaded before keys were recorded are
adopted: found by their natural key, recorded, and left as they are.
``--force`` re-applies the seed on purpose: it re-creates deleted rows and puts
the seeded values back, printing each change.

The Chinese of the seed's names (``llm-standards-working-group.zh-hans.json``
beside it, keyed by the English) goes into the rows' ``*_zh`` columns, the
hash of each value written kept in the row's ``SeedRecord.chinese_hashes``: a
later run fills a column only while it is empty or still holds what the
loader last wrote there, so an editor's Chinese is never overwritten (except
by ``--force``), while a corrected translation file reaches the rows nobody
edited.
"""

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from committees.models import (
    Field,
    Meeting,
    MeetingStatus,
    Organisation,
    Person,
    ProcedureStep,
    Role,
    SeedRecord,
    WorkingGroup,
)
from qms.models import QmsStep
from workplan.models import WorkItem
from workplan.seed import WORK_PLAN, PlannedItem

SEED_PATH = (
    Path(__file__).resolve().parents[2] / "data" / "llm-standards-working-group.txt"
)
# The Chinese of the seed's names: beside the seed, same stem.
CHINESE_SUFFIX = ".zh-hans.json"
WORKING_GROUP_NAME = "LLM Standards Working Group"

SECTIONS = (
    "Goal",
    "Vision",
    "Committees",
    "Current Members",
    "Rules of Procedure",
    "Quality Management System",
    "Work Plan for Standards",
    "Meeting Minutes",
)

# Words that make the second part of "Name, Title, Organisation" a title. A
# part without any of them is the start of the organisation's name
# ("Feng Wang, Institute of Big Data …, China Telecom Research Institute").
TITLE_WORDS = frozenset(
    {
        "professor",
        "director",
        "chair",
        "chairman",
        "founder",
        "president",
        "dean",
        "head",
        "lead",
        "manager",
        "engineer",
        "scientist",
        "researcher",
        "fellow",
        "officer",
        "ceo",
        "cto",
        "principal",
    }
)

# The seed's work plan names topics, not fields; these links are the ones the
# names make clear. The others concern the working group as a whole.
WORK_ITEM_FIELDS = {
    "Astronomy and Space LLM": ["Astronomy and Space Field"],
    "Materials Science LLM": ["Materials Science Field"],
    "Sovereign LLM": ["Sovereign LLM Field"],
    "Large-scale Code Generation": ["Large-scale Code Generation Subfield"],
    "AI Inference System": ["AI Inference Systems Subfield"],
    "Medical LLM": ["Medical Field"],
    "Industrial LLM": ["Industrial Field"],
    "Power Consumption LLM": ["Energy Efficiency Subfield"],
}

# How each step of the rules of procedure maps to the lifecycle of a standard
# (DESIGN.md, "Lifecycle of a standard").
PROCEDURE_DESCRIPTIONS = {
    "Prepare and document": (
        "A member representative writes the draft and uploads its versions while "
        "the standard is in Draft, then submits it (draft → expert review)."
    ),
    "Feedback from Experts": (
        "Assigned experts comment on the current version and recommend during "
        "Expert review; the field's deputy leader returns the draft with changes "
        "requested (expert review → draft) or advances it (expert review → audit)."
    ),
    "Audit and certification": (
        "An auditor examines the draft in Audit and certifies it (audit → "
        "certified) or fails the audit with findings (audit → draft)."
    ),
    "Publish and renew": (
        "The leader publishes a certified standard as a numbered edition "
        "(certified → published); at its systematic review it is reaffirmed or a "
        "renewal starts (published → draft) while the edition stays in force."
    ),
    "Abolish and renew": (
        "The leader abolishes an obsolete standard with a reason, optionally "
        "naming the standard that replaces it (any state → abolished)."
    ),
}

BULLET = re.compile(r"^(?P<indent>\s*)•\s*(?P<text>.+?)\s*$")
MEETING = re.compile(
    r"^Meeting Minutes of the (?P<title>.+?)\s+[-–]\s+"
    r"(?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})"
)


@dataclass
class SeedPerson:
    name: str
    title: str
    organisation: str


@dataclass
class SeedField:
    name: str
    deputies: list[SeedPerson] = field(default_factory=list)
    subfields: list["SeedField"] = field(default_factory=list)


@dataclass
class SeedMeeting:
    title: str
    date: date


@dataclass
class Seed:
    goal: str = ""
    vision: str = ""
    leader: SeedPerson | None = None
    fields: list[SeedField] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    procedure_steps: list[str] = field(default_factory=list)
    qms_steps: list[tuple[str, str]] = field(default_factory=list)
    work_items: list[str] = field(default_factory=list)
    meetings: list[SeedMeeting] = field(default_factory=list)


def looks_like_title(text: str) -> bool:
    words = re.findall(r"[A-Za-z]+", text.lower())
    return any(word in TITLE_WORDS for word in words)


def parse_person(text: str) -> SeedPerson:
    """Split "Name, Title, Organisation"; title and organisation are optional.

    Organisations may themselves contain commas, so only the first comma after
    the name, and after a title, separates parts.
    """
    name, _, rest = (part.strip() for part in text.partition(","))
    title = ""
    head, comma, tail = rest.partition(",")
    if comma and looks_like_title(head):
        title, rest = head.strip(), tail.strip()
    return SeedPerson(name=name, title=title, organisation=rest)


def _sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in SECTIONS:
            current = stripped
            sections[current] = []
        elif current is not None:
            sections[current].append(line.rstrip())
    missing = [name for name in SECTIONS if name not in sections]
    if missing:
        raise CommandError(f"The seed lacks the sections: {', '.join(missing)}")
    return sections


def _paragraph(lines: list[str]) -> str:
    return " ".join(line.strip() for line in lines if line.strip())


def _bullets(lines: list[str]) -> list[tuple[int, str]]:
    found = []
    for line in lines:
        match = BULLET.match(line)
        if match:
            found.append((len(match["indent"]), match["text"]))
    return found


def _parse_committees(lines: list[str], seed: Seed) -> None:
    leader_lines, deputy_lines, target = [], [], None
    for line in lines:
        if line.strip().startswith("Leader of the Working Group"):
            target = leader_lines
        elif line.strip().startswith("Deputy Leaders of the Working Group"):
            target = deputy_lines
        elif target is not None:
            target.append(line)
    leaders = _bullets(leader_lines)
    if len(leaders) != 1:
        raise CommandError("The seed should name exactly one leader.")
    seed.leader = parse_person(leaders[0][1])

    bullets = _bullets(deputy_lines)
    # A bullet followed by a deeper one heads a field; the others are people.
    stack: list[tuple[int, SeedField]] = []
    for index, (indent, text) in enumerate(bullets):
        while stack and stack[-1][0] >= indent:
            stack.pop()
        deeper_next = index + 1 < len(bullets) and bullets[index + 1][0] > indent
        if deeper_next:
            node = SeedField(name=text)
            if stack:
                stack[-1][1].subfields.append(node)
            else:
                seed.fields.append(node)
            stack.append((indent, node))
        elif stack:
            stack[-1][1].deputies.append(parse_person(text))
        else:
            raise CommandError(f"Deputy leader outside any field: {text}")


def parse_seed(text: str) -> Seed:
    sections = _sections(text)
    seed = Seed(
        goal=_paragraph(sections["Goal"]),
        vision=_paragraph(sections["Vision"]),
    )
    _parse_committees(sections["Committees"], seed)
    seed.members = [text for _, text in _bullets(sections["Current Members"])]
    seed.procedure_steps = [
        text for _, text in _bullets(sections["Rules of Procedure"])
    ]
    for _, text in _bullets(sections["Quality Management System"]):
        label, _, title = text.partition(":")
        seed.qms_steps.append((label.strip(), title.strip()))
    seed.work_items = [
        text for _, text in _bullets(sections["Work Plan for Standards"])
    ]
    for line in sections["Meeting Minutes"]:
        match = MEETING.match(line.strip())
        if match:
            seed.meetings.append(
                SeedMeeting(
                    title=match["title"],
                    date=datetime.strptime(match["date"], "%B %d, %Y").date(),
                )
            )
    return seed


class Outcome:
    """What loading one seed row did."""

    CREATED = "created"
    ADOPTED = "adopted"  # found by its natural key, recorded, left unchanged
    KEPT = "kept"  # recorded before; the row still holds the seeded values
    EDITED = "edited"  # recorded before; an editor changed it since: skipped
    DELETED = "deleted"  # recorded before; an editor deleted it: skipped
    RESTORED = "restored"  # --force put seeded values back or re-created it
    BLOCKED = "blocked"  # a row it refers to was deleted: not loaded
    CONFLICT = "conflict"  # another row holds one of its unique values
    # Chinese columns (one outcome per column)
    TRANSLATED = "translated"  # filled, or updated from the file
    TRANSLATION_EDITED = "translation edited"  # an editor's Chinese: kept
    UNTRANSLATED = "untranslated"  # the file has no Chinese for it


@dataclass
class SeedRow:
    """One row of the seed: its key, the values the seed gives it, and how to
    find it in a database loaded before keys were recorded."""

    key: str
    model: type[models.Model]
    values: dict[str, Any]
    lookups: tuple[dict[str, Any], ...]
    needs: tuple[Any, ...] = ()  # rows it refers to; None when deleted
    create: Callable[[], models.Model] | None = None
    # What the summary counts it as (default: the model's plural name).
    label: str = ""


def _plain(value):
    return value.pk if isinstance(value, models.Model) else value


def _hash(values: dict[str, Any]) -> str:
    text = json.dumps(
        {name: _plain(value) for name, value in values.items()},
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode()).hexdigest()


def chinese_path(seed: Path) -> Path:
    """The translation file of a seed: ``<seed stem>.zh-hans.json``."""
    return seed.with_name(seed.stem + CHINESE_SUFFIX)


def load_chinese(path: Path) -> dict[str, dict]:
    """The translation file's sections; none at all when there is no file
    (a seed of another place may come without one)."""
    sections = (
        "working_group",
        "fields",
        "organisations",
        "job_titles",
        "procedure_steps",
        "qms_steps",
        "work_items",
        "work_item_descriptions",
        "meetings",
    )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read the Chinese names {path}: {exc}") from exc
    return {name: data.get(name, {}) for name in sections}


def _current(obj: models.Model, names) -> dict[str, Any]:
    """The row's values of the seeded fields (foreign keys by id)."""
    return {name: getattr(obj, obj._meta.get_field(name).attname) for name in names}


class Loader:
    """Writes a parsed seed once, recording every row it loads by its key."""

    def __init__(self, *, force: bool = False, chinese: dict | None = None):
        self.force = force
        self.chinese = chinese or {}
        self.records = {record.key: record for record in SeedRecord.objects.all()}
        self.outcomes: dict[str, list[str]] = {}
        self.created: Counter[str] = Counter()
        self.changes: list[str] = []
        self.organisations: dict[str, Organisation | None] = {}
        self.people: dict[str, Person | None] = {}
        self.fields: dict[str, Field | None] = {}

    def count(self, outcome: str) -> int:
        return len(self.outcomes.get(outcome, []))

    def _note(self, outcome: str, row: SeedRow) -> None:
        self.outcomes.setdefault(outcome, []).append(row.key)

    def _find(self, row: SeedRow):
        manager = row.model._default_manager
        for lookup in row.lookups:
            obj = manager.filter(**lookup).order_by("pk").first()
            if obj is not None:
                return obj
        return None

    def _record(self, row: SeedRow, obj: models.Model) -> None:
        record = self.records.get(row.key) or SeedRecord(key=row.key)
        record.model = row.model._meta.label
        record.object_pk = str(obj.pk)
        record.values_hash = _hash(row.values)
        record.loaded_at = timezone.now()
        record.save()
        self.records[row.key] = record

    def _create(self, row: SeedRow) -> models.Model:
        if row.create is not None:
            return row.create()
        return row.model._default_manager.create(**row.values)

    def _reapply(self, row: SeedRow, obj: models.Model) -> list[str]:
        """Puts the seeded values back; returns what it changed."""
        current = _current(obj, row.values)
        changed = []
        for name, value in row.values.items():
            if current[name] != _plain(value):
                changed.append(f"{name}: {getattr(obj, name)!s} → {value!s}")
                setattr(obj, name, value)
        if changed:
            obj.save(update_fields=list(row.values.keys()))
        return changed

    def apply(self, row: SeedRow):
        """Loads one seed row unless its key was loaded already.

        Returns the row's object (None when it cannot be had), so that the rows
        that refer to it can be loaded.
        """
        record = self.records.get(row.key)
        manager = row.model._default_manager
        if record is not None and not self.force:
            obj = manager.filter(pk=record.object_pk).first()
            if obj is None:
                self._note(Outcome.DELETED, row)
                # Rows of later seeds may still refer to a row recreated by hand.
                return (
                    self._find(row) if all(n is not None for n in row.needs) else None
                )
            if _hash(_current(obj, row.values)) == record.values_hash:
                self._note(Outcome.KEPT, row)
            else:
                self._note(Outcome.EDITED, row)
            return obj

        if any(need is None for need in row.needs):
            self._note(Outcome.BLOCKED, row)
            return None
        obj = None
        if record is not None:
            obj = manager.filter(pk=record.object_pk).first()
        if obj is None:
            obj = self._find(row)
        try:
            with transaction.atomic():
                if obj is None:
                    obj = self._create(row)
                    if record is None:
                        outcome = Outcome.CREATED
                        name = row.label or str(row.model._meta.verbose_name_plural)
                        self.created[name] += 1
                    else:
                        outcome = Outcome.RESTORED
                        self.changes.append(f"{row.key}: re-created")
                elif self.force:
                    changed = self._reapply(row, obj)
                    outcome = Outcome.RESTORED if changed else Outcome.KEPT
                    self.changes.extend(f"{row.key}: {change}" for change in changed)
                else:
                    outcome = Outcome.ADOPTED
        except IntegrityError:
            self._note(Outcome.CONFLICT, row)
            return None
        self._record(row, obj)
        self._note(outcome, row)
        return obj

    def translate(self, obj, key: str, values: dict[str, str | None]) -> None:
        """Fill the Chinese columns ``values`` of the seed row ``key``.

        A column is written while it is empty or still holds what the loader
        last wrote there (its hash in the row's record), so an editor's
        Chinese stays; with ``--force`` the file's Chinese is put back over
        it. A row the loader does not hold (deleted, or not loaded) is left.
        """
        record = self.records.get(key)
        if not self.chinese or obj is None:
            return
        if record is None or record.object_pk != str(obj.pk):
            return
        hashes = dict(record.chinese_hashes or {})
        changed = []
        for column, value in values.items():
            column_key = f"{key}:{column}"
            if not value:
                self.outcomes.setdefault(Outcome.UNTRANSLATED, []).append(column_key)
                continue
            current = getattr(obj, column)
            if current != value:
                ours = hashes.get(column) == _hash({column: current})
                if current and not ours and not self.force:
                    self.outcomes.setdefault(Outcome.TRANSLATION_EDITED, []).append(
                        column_key
                    )
                    continue
                if current and not ours:
                    self.changes.append(f"{column_key}: {current} → {value}")
                setattr(obj, column, value)
                changed.append(column)
                self.outcomes.setdefault(Outcome.TRANSLATED, []).append(column_key)
            hashes[column] = _hash({column: value})
        if changed:
            obj.save(update_fields=changed)
        if hashes != record.chinese_hashes:
            record.chinese_hashes = hashes
            record.save(update_fields=["chinese_hashes"])

    # The seed's rows, in the order that lets each refer to the ones before.

    def organisation(self, name: str, *, position: int | None = None):
        """A member organisation (with its position in the member list), or
        one named only in the committees, which is not a member."""
        if name in self.organisations:
            return self.organisations[name]
        slug = slugify(name)[:200]
        values = {"name": name, "slug": slug, "is_member": position is not None}
        if position is not None:
            values["member_order"] = position
        self.organisations[name] = self.apply(
            SeedRow(
                key=f"organisation:{slug}",
                model=Organisation,
                values=values,
                lookups=({"name": name}, {"slug": slug}),
            )
        )
        self.translate(
            self.organisations[name],
            f"organisation:{slug}",
            {"name_zh": self.chinese.get("organisations", {}).get(name)},
        )
        return self.organisations[name]

    def person(self, seed_person: SeedPerson):
        org = (
            self.organisation(seed_person.organisation)
            if seed_person.organisation
            else None
        )
        org_slug = slugify(seed_person.organisation)[:200]
        key = f"person:{seed_person.name}:{org_slug}"
        if key not in self.people:
            self.people[key] = self.apply(
                SeedRow(
                    key=key,
                    model=Person,
                    values={
                        "name": seed_person.name,
                        "organisation": org,
                        "title": seed_person.title,
                    },
                    lookups=({"name": seed_person.name, "organisation": org},),
                    needs=(org,) if seed_person.organisation else (),
                )
            )
            if seed_person.title:
                titles = self.chinese.get("job_titles", {})
                self.translate(
                    self.people[key], key, {"title_zh": titles.get(seed_person.title)}
                )
        return self.people[key]

    def role(self, seed_person: SeedPerson, kind: str, *, field=None, order=0):
        """The leader's role, or a deputy leader's role in the field ``field``
        (a ``(name, Field or None)`` pair: None when the field was deleted)."""
        person = self.person(seed_person)
        field_name, field_obj = field or ("", None)
        key = ":".join(
            part
            for part in ["role", seed_person.name, kind, slugify(field_name)[:200]]
            if part
        )
        return self.apply(
            SeedRow(
                key=key,
                model=Role,
                values={
                    "person": person,
                    "kind": kind,
                    "field": field_obj,
                    "order": order,
                },
                lookups=({"person": person, "kind": kind, "field": field_obj},),
                needs=(person, field_obj) if field else (person,),
            )
        )

    def field(self, seed_field: SeedField, order: int, parent_name=None):
        parent = self.fields[parent_name] if parent_name else None
        slug = slugify(seed_field.name)[:200]
        obj = self.apply(
            SeedRow(
                key=f"field:{slug}",
                model=Field,
                values={
                    "name": seed_field.name,
                    "slug": slug,
                    "parent": parent,
                    "order": order,
                },
                lookups=({"name": seed_field.name}, {"slug": slug}),
                needs=(parent,) if parent_name else (),
            )
        )
        self.translate(
            obj,
            f"field:{slug}",
            {"name_zh": self.chinese.get("fields", {}).get(seed_field.name)},
        )
        self.fields[seed_field.name] = obj
        for position, seed_person in enumerate(seed_field.deputies, start=1):
            self.role(
                seed_person,
                Role.Kind.DEPUTY_LEADER,
                field=(seed_field.name, obj),
                order=position,
            )
        for position, sub in enumerate(seed_field.subfields, start=1):
            self.field(sub, position, parent_name=seed_field.name)
        return obj

    def work_item_field(self, item: WorkItem | None, item_slug: str, name: str):
        through = WorkItem.fields.through
        field_obj = self.fields[name]

        def link():
            item.fields.add(field_obj)
            return through.objects.get(workitem=item, field=field_obj)

        self.apply(
            SeedRow(
                key=f"work_item_field:{item_slug}:{slugify(name)[:200]}",
                model=through,
                values={"workitem": item, "field": field_obj},
                lookups=({"workitem": item, "field": field_obj},),
                needs=(item, field_obj),
                create=link,
            )
        )

    def deputy(self, seed: Seed, field_name: str, name: str):
        """The person of the seed's deputy leader ``name`` of ``field_name``
        (a field or subfield); None when the seed has no such deputy."""
        fields = list(seed.fields)
        while fields:
            seed_field = fields.pop(0)
            fields += seed_field.subfields
            if seed_field.name != field_name:
                continue
            for seed_person in seed_field.deputies:
                if seed_person.name == name:
                    return self.person(seed_person)
        return None

    def work_item_plan(
        self, item, item_slug: str, title: str, plan: PlannedItem, seed: Seed
    ):
        """A work item's owner and description (``workplan.seed``), a seed
        row of its own on the item: set once, an editor's kept."""
        if item is None:
            return
        owner = self.deputy(seed, plan.owner_field, plan.owner)
        key = f"work_item_plan:{item_slug}"

        def fill():
            # The item is loaded already; what an editor gave it stays.
            if item.owner_id is None:
                item.owner = owner
            if not item.description:
                item.description = plan.description
            item.save(update_fields=["owner", "description"])
            return item

        self.apply(
            SeedRow(
                key=key,
                model=WorkItem,
                values={"owner": owner, "description": plan.description},
                # An item that has an owner or a description has its plan
                # already (loaded before keys were recorded): adopted as is.
                lookups=(
                    {"pk": item.pk, "owner__isnull": False},
                    {"pk": item.pk, "description__gt": ""},
                ),
                needs=(item,),
                create=fill,
                label="work item plans",
            )
        )
        descriptions = self.chinese.get("work_item_descriptions", {})
        self.translate(item, key, {"description_zh": descriptions.get(title)})

    def load(self, seed: Seed) -> None:
        key = f"working_group:{slugify(WORKING_GROUP_NAME)}"
        group = self.apply(
            SeedRow(
                key=key,
                model=WorkingGroup,
                values={
                    "name": WORKING_GROUP_NAME,
                    "goal": seed.goal,
                    "vision": seed.vision,
                },
                lookups=({"name": WORKING_GROUP_NAME},),
            )
        )
        zh = self.chinese.get("working_group", {}).get(WORKING_GROUP_NAME, {})
        self.translate(
            group,
            key,
            {
                "name_zh": zh.get("name"),
                "goal_zh": zh.get("goal"),
                "vision_zh": zh.get("vision"),
            },
        )

        # Members first, so that people's organisations resolve to them.
        for position, name in enumerate(seed.members, start=1):
            self.organisation(name, position=position)

        self.role(seed.leader, Role.Kind.LEADER)
        for position, seed_field in enumerate(seed.fields, start=1):
            self.field(seed_field, position)

        for position, title in enumerate(seed.procedure_steps, start=1):
            step = self.apply(
                SeedRow(
                    key=f"procedure_step:{position}",
                    model=ProcedureStep,
                    values={
                        "order": position,
                        "title": title,
                        "description": PROCEDURE_DESCRIPTIONS.get(title, ""),
                    },
                    lookups=({"order": position},),
                )
            )
            zh = self.chinese.get("procedure_steps", {}).get(title, {})
            self.translate(
                step,
                f"procedure_step:{position}",
                {"title_zh": zh.get("title"), "description_zh": zh.get("description")},
            )

        for position, (label, title) in enumerate(seed.qms_steps, start=1):
            step = self.apply(
                SeedRow(
                    key=f"qms_step:{position}",
                    model=QmsStep,
                    values={"order": position, "label": label, "title": title},
                    lookups=({"order": position},),
                )
            )
            zh = self.chinese.get("qms_steps", {}).get(label, {})
            self.translate(
                step,
                f"qms_step:{position}",
                {"label_zh": zh.get("label"), "title_zh": zh.get("title")},
            )

        for position, title in enumerate(seed.work_items, start=1):
            names = WORK_ITEM_FIELDS.get(title, [])
            unknown = [name for name in names if name not in self.fields]
            if unknown:
                raise CommandError(f"Unknown fields for {title}: {unknown}")
            slug = slugify(title)[:200]
            item = self.apply(
                SeedRow(
                    key=f"work_item:{slug}",
                    model=WorkItem,
                    values={"order": position, "title": title, "slug": slug},
                    lookups=({"title": title}, {"slug": slug}),
                )
            )
            self.translate(
                item,
                f"work_item:{slug}",
                {"title_zh": self.chinese.get("work_items", {}).get(title)},
            )
            for name in names:
                self.work_item_field(item, slug, name)
            if title in WORK_PLAN:
                self.work_item_plan(item, slug, title, WORK_PLAN[title], seed)

        for seed_meeting in seed.meetings:
            # Only the seed's facts: minutes added later by editors stay.
            slug = f"{seed_meeting.date:%Y-%m-%d}-{slugify(seed_meeting.title)}"
            meeting = self.apply(
                SeedRow(
                    key=f"meeting:{slug}",
                    model=Meeting,
                    values={
                        "slug": slug,
                        "title": seed_meeting.title,
                        "date": seed_meeting.date,
                    },
                    lookups=({"slug": slug},),
                )
            )
            self.translate(
                meeting,
                f"meeting:{slug}",
                {"title_zh": self.chinese.get("meetings", {}).get(seed_meeting.title)},
            )
            # The seed records the meeting's minutes, so it was held; its
            # state moves on only in the portal (the state machine's field
            # is protected, hence the update).
            if meeting is not None:
                Meeting.objects.filter(
                    pk=meeting.pk, status=MeetingStatus.PLANNED
                ).update(status=MeetingStatus.HELD)


class Command(BaseCommand):
    help = (
        "Load the working group's facts from the seed text, once: rows loaded "
        "before are never overwritten or re-created (unless --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=Path,
            default=SEED_PATH,
            help="Seed text to load (default: the copy in committees/data/).",
        )
        parser.add_argument(
            "--chinese",
            type=Path,
            default=None,
            help=(
                "The Chinese of the seed's names (default: the seed's "
                "<stem>.zh-hans.json beside it)."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Re-apply the seed: re-create deleted seed rows and put the "
                "seeded values back over editors' changes."
            ),
        )

    def handle(self, *args, seed: Path, force: bool = False, chinese=None, **options):
        try:
            text = seed.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read the seed {seed}: {exc}") from exc
        parsed = parse_seed(text)
        loader = Loader(
            force=force, chinese=load_chinese(chinese or chinese_path(seed))
        )
        with transaction.atomic():
            loader.load(parsed)
        self._report(loader, verbosity=options.get("verbosity", 1))

    def _report(self, loader: Loader, *, verbosity: int) -> None:
        for outcome, why in (
            (Outcome.BLOCKED, "a row it refers to was deleted"),
            (Outcome.CONFLICT, "another row holds one of its unique values"),
        ):
            for key in loader.outcomes.get(outcome, []):
                self.stderr.write(self.style.WARNING(f"Not loaded {key}: {why}."))
        for key in loader.outcomes.get(Outcome.UNTRANSLATED, []):
            self.stderr.write(self.style.WARNING(f"No Chinese for {key}."))
        if verbosity < 1:
            return
        for change in loader.changes:
            self.stdout.write(f"  {change}")
        if loader.created:
            summary = ", ".join(f"{n} {name}" for name, n in loader.created.items())
            self.stdout.write(
                self.style.SUCCESS(f"Loaded the working group: {summary}.")
            )
        else:
            self.stdout.write(
                "The working group was loaded already; no rows were added."
            )
        parts = [
            f"{loader.count(Outcome.CREATED)} created",
            f"{loader.count(Outcome.KEPT)} kept",
            f"{loader.count(Outcome.EDITED)} skipped as edited",
            f"{loader.count(Outcome.DELETED)} skipped as deleted",
        ]
        if loader.count(Outcome.ADOPTED):
            parts.append(f"{loader.count(Outcome.ADOPTED)} adopted unchanged")
        if loader.count(Outcome.RESTORED):
            parts.append(f"{loader.count(Outcome.RESTORED)} restored by --force")
        self.stdout.write(f"Seed rows: {', '.join(parts)}.")
        self.stdout.write(
            f"Chinese names: {loader.count(Outcome.TRANSLATED)} written, "
            f"{loader.count(Outcome.TRANSLATION_EDITED)} kept as edited."
        )
        if verbosity >= 2:
            for outcome in (Outcome.EDITED, Outcome.DELETED, Outcome.ADOPTED):
                for key in loader.outcomes.get(outcome, []):
                    self.stdout.write(f"  {outcome}: {key}")
