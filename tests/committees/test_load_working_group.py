"""The loaded working group matches the seed text, fact by fact.

The expected facts are read from the seed here, independently of the
loader's parser: every "•" line, by its section and indentation.
"""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from committees.models import (
    Field,
    Meeting,
    Organisation,
    Person,
    ProcedureStep,
    Role,
    SeedRecord,
    WorkingGroup,
)
from qms.models import QmsStep
from workplan.models import WorkItem

SHARED_SEED = Path("/work/shared/seed/llm-standards-working-group.txt")
REPO_SEED = (
    Path(__file__).resolve().parents[2]
    / "committees"
    / "data"
    / "llm-standards-working-group.txt"
)
SEED = SHARED_SEED if SHARED_SEED.exists() else REPO_SEED
BULLET = re.compile(r"^( *)• ?(.*?)\s*$")


def _between(lines, start, end):
    begin = next(i for i, line in enumerate(lines) if line.strip().startswith(start))
    stop = next(
        i for i, line in enumerate(lines[begin + 1 :], begin + 1) if line.strip() == end
    )
    return lines[begin + 1 : stop]


def _bullets(lines):
    return [
        (len(m.group(1)), m.group(2)) for m in map(BULLET.match, lines) if m is not None
    ]


def _paragraph(lines, heading, next_heading):
    body = _between(lines, heading, next_heading)
    return " ".join(line.strip() for line in body if line.strip())


@pytest.fixture(scope="module")
def seed():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    # The leader's bullet, then the deputy leaders' tree.
    committees = _bullets(
        _between(lines, "Leader of the Working Group", "Current Members")
    )
    deputies, fields, subfields = [], [], []
    stack = []  # (indent, field name)
    for indent, text in committees[1:]:
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if "," in text:
            name, rest = text.split(",", 1)
            deputies.append((name.strip(), rest.strip(), stack[-1][1]))
        else:
            (subfields if stack else fields).append(
                (text, stack[-1][1] if stack else None)
            )
            stack.append((indent, text))
    qms = [
        tuple(part.strip() for part in text.split(":", 1))
        for _, text in _bullets(
            _between(lines, "Quality Management System", "Work Plan for Standards")
        )
    ]
    meetings = [
        line for line in lines if line.strip().startswith("Meeting Minutes of the")
    ]
    return {
        "goal": _paragraph(lines, "Goal", "Vision"),
        "vision": _paragraph(lines, "Vision", "Committees"),
        "leader": committees[0][1],
        "deputies": deputies,
        "fields": fields,
        "subfields": subfields,
        "members": [
            t
            for _, t in _bullets(
                _between(lines, "Current Members", "Rules of Procedure")
            )
        ],
        "procedure": [
            t
            for _, t in _bullets(
                _between(
                    lines,
                    "Process for Submitting Standards",
                    "Quality Management System",
                )
            )
        ],
        "qms": qms,
        "work_items": [
            t
            for _, t in _bullets(
                _between(lines, "Work Plan for Standards", "Meeting Minutes")
            )
        ],
        "meetings": meetings,
    }


def _title_and_organisation(person):
    """The text after the name, as the seed writes it: "Title, Organisation"."""
    return ", ".join(part for part in [person.title, person.organisation.name] if part)


def _normalised(text):
    return re.sub(r",\s*", ", ", text)


def _counts():
    models = [
        WorkingGroup,
        Organisation,
        Field,
        Person,
        Role,
        ProcedureStep,
        Meeting,
        QmsStep,
        WorkItem,
    ]
    counts = {m._meta.label: m.objects.count() for m in models}
    through = apps.get_model("workplan", "WorkItem").fields.through
    counts["work item fields"] = through.objects.count()
    # An item's owner and description: a seed row of its own on the item.
    counts["work item plans"] = SeedRecord.objects.filter(
        key__startswith="work_item_plan:"
    ).count()
    counts["seed records"] = SeedRecord.objects.count()
    return counts


def test_the_seed_has_the_expected_shape(seed):
    assert len(seed["members"]) == 38
    assert len(seed["fields"]) == 11
    assert len(seed["subfields"]) == 13
    assert len(seed["deputies"]) == 29
    assert len(seed["work_items"]) == 17
    assert len(seed["qms"]) == 6
    assert len(seed["procedure"]) == 5
    assert len(seed["meetings"]) == 1


@pytest.mark.django_db
def test_every_fact_of_the_seed_is_loaded(seed):
    call_command("load_working_group", stdout=io.StringIO())

    group = WorkingGroup.objects.get()
    assert group.name == "LLM Standards Working Group"
    assert group.goal == seed["goal"]
    assert group.vision == seed["vision"]

    leader_name, leader_rest = seed["leader"].split(",", 1)
    leader = Role.objects.get(kind=Role.Kind.LEADER)
    assert leader.person.name == leader_name
    assert _title_and_organisation(leader.person) == leader_rest.strip()
    assert leader.person.title == "Founding Chair"

    top = list(Field.objects.filter(parent__isnull=True).order_by("order"))
    assert [f.name for f in top] == [name for name, _ in seed["fields"]]
    subs = Field.objects.filter(parent__isnull=False)
    assert subs.count() == 13
    for name, parent in seed["subfields"]:
        assert Field.objects.get(name=name).parent.name == parent
    assert Field.objects.get(name="Systems and Chips Field").subfields.count() == 6
    assert Field.objects.get(name="Medical Field").subfields.count() == 4
    assert Field.objects.get(name="Industrial Field").subfields.count() == 3

    deputy_roles = Role.objects.filter(kind=Role.Kind.DEPUTY_LEADER)
    assert deputy_roles.count() == 29
    for name, rest, field in seed["deputies"]:
        role = deputy_roles.select_related("person__organisation", "field").get(
            person__name=name
        )
        assert role.field.name == field, name
        assert _title_and_organisation(role.person) == _normalised(rest), name

    members = Organisation.objects.filter(is_member=True).order_by("member_order")
    assert [o.name for o in members] == seed["members"]
    assert [o.member_order for o in members] == list(range(1, 39))

    assert [s.title for s in ProcedureStep.objects.all()] == seed["procedure"]
    assert all(s.description for s in ProcedureStep.objects.all())
    assert [(s.label, s.title) for s in QmsStep.objects.all()] == seed["qms"]
    assert [w.title for w in WorkItem.objects.all()] == seed["work_items"]

    meeting = Meeting.objects.get()
    assert meeting.title in seed["meetings"][0]
    assert meeting.title == "First Work Group Meeting"
    assert meeting.date == date(2024, 12, 5)
    assert meeting.minutes == ""


@pytest.mark.django_db
def test_organisations_named_only_in_the_committees_are_not_members(working_group):
    for name in [
        "The International Open Benchmark Council",
        "National Space Science Center, Chinese Academy of Sciences",
        "Beihang University",
    ]:
        assert Organisation.objects.get(name=name).is_member is False


@pytest.mark.django_db
def test_names_with_commas_and_missing_titles_are_split_right(working_group):
    jason = Person.objects.get(name="Jason Jia")
    assert (jason.title, jason.organisation.name) == ("", "Amazon")
    feng = Person.objects.get(name="Feng Yuan")
    assert feng.title == "Professor & Founder"
    assert (
        feng.organisation.name
        == "Zhongke Zhicheng (Guangzhou) Information Technology Co., Ltd."
    )
    assert feng.organisation.is_member
    wang = Person.objects.get(name="Feng Wang")
    assert wang.title == ""
    assert wang.organisation.name == (
        "Institute of Big Data and Artificial Intelligence, "
        "China Telecom Research Institute"
    )
    kunlin = Person.objects.get(name="Kunlin Zhan")
    assert (kunlin.title, kunlin.organisation.name) == (
        "AI Technical Director",
        "58.com",
    )


@pytest.mark.django_db
def test_work_items_are_linked_to_the_fields_they_name(working_group):
    expected = {
        "Astronomy and Space LLM": {"Astronomy and Space Field"},
        "Materials Science LLM": {"Materials Science Field"},
        "Sovereign LLM": {"Sovereign LLM Field"},
        "Large-scale Code Generation": {"Large-scale Code Generation Subfield"},
        "AI Inference System": {"AI Inference Systems Subfield"},
        "Medical LLM": {"Medical Field"},
        "Industrial LLM": {"Industrial Field"},
        "Power Consumption LLM": {"Energy Efficiency Subfield"},
    }
    for item in WorkItem.objects.prefetch_related("fields"):
        assert {f.name for f in item.fields.all()} == expected.get(item.title, set())


@pytest.mark.django_db
def test_loading_twice_changes_nothing(working_group):
    before = _counts()
    out = io.StringIO()
    call_command("load_working_group", stdout=out)
    assert _counts() == before
    assert "no rows were added" in out.getvalue()
    assert before["committees.Organisation"] == 45
    assert before["committees.Person"] == 30


@pytest.mark.django_db
def test_reloading_keeps_what_editors_added(working_group):
    meeting = Meeting.objects.get()
    meeting.minutes = "# Minutes\n\nApproved."
    meeting.save()

    call_command("load_working_group", stdout=io.StringIO())

    meeting.refresh_from_db()
    assert meeting.minutes == "# Minutes\n\nApproved."


# Seed once: a row loaded from the seed is never overwritten or re-created by
# a later run; only --force re-applies the seed.

PEKING = "Peking University"
ZIMING_ROLE = "role:Ziming Zou:deputy_leader:astronomy-and-space-field"


def _load(*args):
    out = io.StringIO()
    call_command("load_working_group", *args, stdout=out, stderr=out)
    return out.getvalue()


def _secretariat_edits():
    """Peking University is no longer a member and renamed; a deputy leader's
    role is deleted."""
    org = Organisation.objects.get(name=PEKING)
    org.name = "Peking University (former member)"
    org.is_member = False
    org.member_order = None
    org.save()
    Role.objects.get(person__name="Ziming Zou", kind=Role.Kind.DEPUTY_LEADER).delete()
    return org


def _seed_with_new_lines(tmp_path):
    """The seed of a later release: a new member, a new deputy leader of an
    existing field, a new work item."""
    text = SEED.read_text(encoding="utf-8")
    lines = text.splitlines()
    for after, new in [
        (
            "  • Institute of Psychology, Chinese Academy of Sciences",
            "  • New Member Institute",
        ),
        (
            "    • Zujie Ren, Professor, Zhejiang Lab",
            "    • Nova Deputy, Professor, New Member Institute",
        ),
        (
            "  • Continuous Monitoring and Improvement Mechanisms for LLM "
            "Standards and Specifications",
            "  • Seed Once LLM",
        ),
    ]:
        lines.insert(lines.index(after) + 1, new)
    path = tmp_path / "seed.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_every_seed_row_is_recorded_once_with_its_key(working_group):
    counts = _counts()
    seeded = sum(n for label, n in counts.items() if label != "seed records")
    assert counts["seed records"] == seeded

    record = SeedRecord.objects.get(key="organisation:peking-university")
    assert record.model == "committees.Organisation"
    assert record.object_pk == str(Organisation.objects.get(name=PEKING).pk)
    assert re.fullmatch(r"[0-9a-f]{64}", record.values_hash)
    role = SeedRecord.objects.get(key=ZIMING_ROLE)
    assert role.model == "committees.Role"
    leader = SeedRecord.objects.get(key__startswith="role:", key__endswith=":leader")
    assert leader.object_pk == str(Role.objects.get(kind=Role.Kind.LEADER).pk)
    assert SeedRecord.objects.get(
        model="workplan.WorkItem_fields", key__contains="medical"
    )


@pytest.mark.django_db
def test_rerun_after_the_secretariat_edited_and_deleted_changes_nothing(
    working_group,
):
    org = _secretariat_edits()
    before = _counts()

    out = _load()
    out += _load()

    assert _counts() == before
    org.refresh_from_db()
    assert org.name == "Peking University (former member)"
    assert org.is_member is False
    assert org.member_order is None
    assert not Role.objects.filter(
        person__name="Ziming Zou", kind=Role.Kind.DEPUTY_LEADER
    ).exists()
    assert not Organisation.objects.filter(name=PEKING).exists()
    # Its people still belong to the renamed row, not to a new "Peking University".
    assert Person.objects.filter(organisation=org).exists()
    assert "no rows were added" in out
    assert "0 created" in out
    assert "1 skipped as edited, 1 skipped as deleted" in out


@pytest.mark.django_db
def test_rerun_reports_what_it_skipped(working_group):
    _secretariat_edits()
    out = io.StringIO()
    call_command("load_working_group", verbosity=2, stdout=out)
    assert "edited: organisation:peking-university" in out.getvalue()
    assert f"deleted: {ZIMING_ROLE}" in out.getvalue()


@pytest.mark.django_db
def test_a_new_seed_line_is_created_on_rerun_and_the_edits_stay(
    working_group, tmp_path
):
    org = _secretariat_edits()
    before = _counts()

    out = _load("--seed", str(_seed_with_new_lines(tmp_path)))

    after = _counts()
    assert after["committees.Organisation"] == before["committees.Organisation"] + 1
    assert after["committees.Person"] == before["committees.Person"] + 1
    assert after["committees.Role"] == before["committees.Role"] + 1
    assert after["workplan.WorkItem"] == before["workplan.WorkItem"] + 1
    assert after["seed records"] == before["seed records"] + 4
    new = Organisation.objects.get(name="New Member Institute")
    assert (new.is_member, new.member_order) == (True, 39)
    role = Role.objects.get(person__name="Nova Deputy")
    assert (role.kind, role.field.name, role.order) == (
        Role.Kind.DEPUTY_LEADER,
        "Astronomy and Space Field",
        3,
    )
    assert WorkItem.objects.get(title="Seed Once LLM").order == 18
    assert "Loaded the working group: 1 organisations, 1 people" in out
    assert "4 created" in out
    org.refresh_from_db()
    assert (org.name, org.is_member) == ("Peking University (former member)", False)
    assert not Role.objects.filter(person__name="Ziming Zou").exists()

    # ...and only once.
    _load("--seed", str(_seed_with_new_lines(tmp_path)))
    assert _counts() == after


@pytest.mark.django_db
def test_force_puts_the_seed_back_and_says_what_it_changed(working_group, seed):
    fresh = _counts()
    _secretariat_edits()
    deputy = Person.objects.get(name="Zujie Ren")
    deputy.title = "Emeritus"
    deputy.save()

    out = _load("--force")

    assert _counts() == fresh
    org = Organisation.objects.get(name=PEKING)
    assert (org.is_member, org.member_order) == (
        True,
        seed["members"].index(PEKING) + 1,
    )
    role = Role.objects.get(person__name="Ziming Zou", kind=Role.Kind.DEPUTY_LEADER)
    assert (role.field.name, role.order) == ("Astronomy and Space Field", 1)
    assert SeedRecord.objects.get(key=ZIMING_ROLE).object_pk == str(role.pk)
    deputy.refresh_from_db()
    assert deputy.title == "Professor"
    assert (
        "organisation:peking-university: name: Peking University (former member)"
        " → Peking University" in out
    )
    assert "organisation:peking-university: is_member: False → True" in out
    assert f"{ZIMING_ROLE}: re-created" in out
    assert "person:Zujie Ren:zhejiang-lab: title: Emeritus → Professor" in out
    assert "3 restored by --force" in out

    # The seed is the record again: a normal run keeps everything.
    out = _load()
    assert _counts() == fresh
    assert "0 skipped as edited, 0 skipped as deleted" in out


@pytest.mark.django_db
def test_rows_loaded_before_recording_began_are_adopted_unchanged(working_group):
    fresh = _counts()
    # A database loaded by an older version: the rows, no records, and an
    # organisation the secretariat had changed since.
    SeedRecord.objects.all().delete()
    org = Organisation.objects.get(name=PEKING)
    org.is_member = False
    org.save()
    meeting = Meeting.objects.get()
    meeting.title = "First Meeting"
    meeting.save()

    out = _load()

    assert _counts() == fresh
    org.refresh_from_db()
    assert org.is_member is False
    meeting.refresh_from_db()
    assert meeting.title == "First Meeting"
    assert "no rows were added" in out
    assert f"{fresh['seed records']} adopted unchanged" in out

    # Adopted rows follow the rule from now on: a deleted role stays deleted.
    Role.objects.get(person__name="Ziming Zou", kind=Role.Kind.DEPUTY_LEADER).delete()
    out = _load()
    assert not Role.objects.filter(person__name="Ziming Zou").exists()
    assert "2 skipped as edited, 1 skipped as deleted" in out


@pytest.mark.django_db
def test_running_twice_creates_nothing_new_in_any_seeded_model(db):
    _load()
    first = _counts()
    out = _load()
    assert _counts() == first
    assert f"0 created, {first['seed records']} kept, 0 skipped" in out


@pytest.mark.django_db
def test_the_admin_shows_seed_records_read_only(client, working_group):
    from django.urls import reverse

    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:committees_seedrecord_changelist"))
    assert page.status_code == 200
    assert "organisation:peking-university" in page.content.decode()
    assert client.get(reverse("admin:committees_seedrecord_add")).status_code == 403
    record = SeedRecord.objects.get(key=ZIMING_ROLE)
    url = reverse("admin:committees_seedrecord_change", args=[record.pk])
    assert client.post(url, {"key": "x"}).status_code == 403
    assert SeedRecord.objects.get(pk=record.pk).key == ZIMING_ROLE
