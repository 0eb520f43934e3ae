"""Load the working group's published facts from the seed text.

The seed (``committees/data/llm-standards-working-group.txt``) is the working
group's own page as plain text. Every fact in it is loaded: goal and vision,
the leader, the field tree with its deputy leaders, the member organisations,
the rules of procedure, the QMS steps, the work plan and the first meeting.

Running the command again changes nothing: rows are found by their natural
keys and only the facts of the seed are written, so what editors added later
(descriptions, minutes, user accounts) is kept.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from committees.models import (
    Field,
    Meeting,
    Organisation,
    Person,
    ProcedureStep,
    Role,
    WorkingGroup,
)
from qms.models import QmsStep
from workplan.models import WorkItem

SEED_PATH = (
    Path(__file__).resolve().parents[2] / "data" / "llm-standards-working-group.txt"
)
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


class Loader:
    """Writes a parsed seed, counting what it created."""

    def __init__(self):
        self.created: dict[str, int] = {}
        self.organisations: dict[str, Organisation] = {}
        self.fields: dict[str, Field] = {}

    def _count(self, obj, created: bool):
        if created:
            name = obj._meta.verbose_name_plural
            self.created[str(name)] = self.created.get(str(name), 0) + 1
        return obj

    def organisation(self, name: str) -> Organisation:
        """An organisation named in the committees; not a member unless listed."""
        if name not in self.organisations:
            org, created = Organisation.objects.get_or_create(
                name=name, defaults={"slug": slugify(name)[:200], "is_member": False}
            )
            self.organisations[name] = self._count(org, created)
        return self.organisations[name]

    def person(self, seed_person: SeedPerson) -> Person:
        org = (
            self.organisation(seed_person.organisation)
            if seed_person.organisation
            else None
        )
        person, created = Person.objects.update_or_create(
            name=seed_person.name,
            organisation=org,
            defaults={"title": seed_person.title},
        )
        return self._count(person, created)

    def role(self, **kwargs) -> Role:
        order = kwargs.pop("order", 0)
        role, created = Role.objects.update_or_create(
            **kwargs, defaults={"order": order}
        )
        return self._count(role, created)

    def field(self, seed_field: SeedField, order: int, parent=None) -> Field:
        obj, created = Field.objects.update_or_create(
            name=seed_field.name,
            defaults={
                "slug": slugify(seed_field.name)[:200],
                "parent": parent,
                "order": order,
            },
        )
        self.fields[obj.name] = self._count(obj, created)
        for position, seed_person in enumerate(seed_field.deputies, start=1):
            self.role(
                person=self.person(seed_person),
                kind=Role.Kind.DEPUTY_LEADER,
                field=obj,
                order=position,
            )
        for position, sub in enumerate(seed_field.subfields, start=1):
            self.field(sub, position, parent=obj)
        return obj

    def load(self, seed: Seed) -> None:
        group, created = WorkingGroup.objects.update_or_create(
            name=WORKING_GROUP_NAME,
            defaults={"goal": seed.goal, "vision": seed.vision},
        )
        self._count(group, created)

        # Members first, so that people's organisations resolve to them.
        for position, name in enumerate(seed.members, start=1):
            org, created = Organisation.objects.update_or_create(
                name=name,
                defaults={
                    "slug": slugify(name)[:200],
                    "is_member": True,
                    "member_order": position,
                },
            )
            self.organisations[name] = self._count(org, created)

        self.role(person=self.person(seed.leader), kind=Role.Kind.LEADER)
        for position, seed_field in enumerate(seed.fields, start=1):
            self.field(seed_field, position)

        for position, title in enumerate(seed.procedure_steps, start=1):
            step, created = ProcedureStep.objects.update_or_create(
                order=position,
                defaults={
                    "title": title,
                    "description": PROCEDURE_DESCRIPTIONS.get(title, ""),
                },
            )
            self._count(step, created)

        for position, (label, title) in enumerate(seed.qms_steps, start=1):
            step, created = QmsStep.objects.update_or_create(
                order=position, defaults={"label": label, "title": title}
            )
            self._count(step, created)

        for position, title in enumerate(seed.work_items, start=1):
            item, created = WorkItem.objects.update_or_create(
                title=title,
                defaults={"order": position, "slug": slugify(title)[:200]},
            )
            self._count(item, created)
            names = WORK_ITEM_FIELDS.get(title, [])
            unknown = [name for name in names if name not in self.fields]
            if unknown:
                raise CommandError(f"Unknown fields for {title}: {unknown}")
            item.fields.set([self.fields[name] for name in names])

        for seed_meeting in seed.meetings:
            # Only the seed's facts: minutes added later by editors stay.
            meeting, created = Meeting.objects.update_or_create(
                slug=f"{seed_meeting.date:%Y-%m-%d}-{slugify(seed_meeting.title)}",
                defaults={"title": seed_meeting.title, "date": seed_meeting.date},
            )
            self._count(meeting, created)


class Command(BaseCommand):
    help = "Load the working group's facts from the seed text (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=Path,
            default=SEED_PATH,
            help="Seed text to load (default: the copy in committees/data/).",
        )

    def handle(self, *args, seed: Path, **options):
        try:
            text = seed.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read the seed {seed}: {exc}") from exc
        parsed = parse_seed(text)
        loader = Loader()
        with transaction.atomic():
            loader.load(parsed)
        if loader.created:
            summary = ", ".join(f"{n} {name}" for name, n in loader.created.items())
            self.stdout.write(
                self.style.SUCCESS(f"Loaded the working group: {summary}.")
            )
        else:
            self.stdout.write(
                "The working group was loaded already; no rows were added."
            )
