"""Bringing existing standards in (issue 20): ``manage.py import_standards``
with the sample files of tests/standards/data, as a secretariat would on a
fresh clone."""

import hashlib
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from catalogue.selectors import catalogue_search
from committees.models import Person
from standards import importing, services
from standards.models import Edition, HistoryEntry, NumberCounter, Standard, Status
from tests.factories import WorkItemFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "import_sample.json"
SAMPLE_CSV = DATA / "import_sample.csv"
PDF = DATA / "files" / "llmswg-0003-2025-edition-1.pdf"


@pytest.fixture
def catalogue_world(world, only_search_hooks):
    """The world's fields and organisations with the Chinese names the sample
    file uses, and the work item it names (as load_working_group has them)."""
    world.other_field.name_zh = "伦理领域"
    world.other_field.save()
    world.other_organisation.name_zh = "清华大学"
    world.other_organisation.save()
    WorkItemFactory(title="General LLM", slug="general-llm")
    return world


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the command; what it leaves for after its commits (PDFs, search)
    runs too. Answers its output and its error, if any."""

    def run(path=SAMPLE, *args):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            try:
                call_command("import_standards", str(path), *args, stdout=out)
            except CommandError as exc:
                return out.getvalue(), exc
        return out.getvalue(), None

    return run


def snapshot():
    """Everything an import writes, counted."""
    return (
        Standard.objects.count(),
        Edition.objects.count(),
        HistoryEntry.objects.count(),
        Person.objects.count(),
        list(
            NumberCounter.objects.order_by("pk").values_list("prefix", "year", "last")
        ),
    )


def by_number(number) -> Standard:
    return Standard.objects.get(number=number)


def test_the_sample_brings_in_english_and_chinese_standards(catalogue_world, run):
    out, error = run()

    assert error is None, out
    assert "created: 5" in out
    clinical = by_number("LLMSWG 0003:2025")
    assert clinical.title == "Evaluation of clinical LLM assistants"
    assert clinical.title_zh == "临床大模型助手评测"
    assert clinical.scope_zh == "临床医疗中大模型助手的评测方法与指标。"
    assert clinical.language == "en"
    assert clinical.field == catalogue_world.subfield
    assert clinical.work_item.slug == "general-llm"
    assert clinical.organisation == catalogue_world.organisation
    assert sorted(clinical.authors.values_list("name", flat=True)) == [
        "Li Wei",
        "Wang Fang",
    ]
    assert clinical.status == Status.PUBLISHED
    assert clinical.public_status == "in_force"
    assert str(clinical.review_due) == "2028-09-01"
    chinese = by_number("LLMSWG 0004:2025")
    assert chinese.language == "zh-hans"
    assert chinese.title == "医疗大模型评测规范"
    assert chinese.field == catalogue_world.other_field  # found by "伦理领域"
    assert chinese.organisation == catalogue_world.other_organisation
    draft = Standard.objects.get(title="Ethics review of LLM deployments")
    assert draft.number is None
    assert draft.status == Status.EXPERT_REVIEW
    assert not draft.has_edition
    assert draft.versions.get().body.startswith("# Scope")
    assert draft.versions.get().frozen


def test_editions_keep_a_given_pdf_as_it_is_and_queue_the_others(
    catalogue_world, monkeypatch, run
):
    rendered = []
    monkeypatch.setattr(services.history, "edition_published_hooks", [rendered.append])
    out, error = run()

    assert error is None, out
    first, second = by_number("LLMSWG 0003:2025").editions.order_by("edition")
    assert first.pdf_state == Edition.PdfState.READY
    assert first.pdf_sha256 == hashlib.sha256(PDF.read_bytes()).hexdigest()
    assert first.pdf_size == PDF.stat().st_size
    assert first.pdf_pages == 2
    with first.pdf.open("rb") as stored:
        assert stored.read() == PDF.read_bytes()
    assert second.pdf_state == Edition.PdfState.PENDING
    assert not second.pdf
    # Rendered (and indexed) as after a publication, once the import commits.
    assert second.pk in rendered
    assert first.superseded_on == second.published_on
    assert second.in_force
    assert first.version.body.startswith("# Scope")
    assert "hallucination" in second.version.body
    assert first.number == second.number == "LLMSWG 0003:2025"


def test_replaced_by_chain_is_linked_whichever_side_names_it(catalogue_world, run):
    out, error = run()

    assert error is None, out
    oldest = by_number("LLMSWG 0001:2023")
    middle = by_number("LLMSWG 0002:2024")
    newest = by_number("LLMSWG 0003:2025")
    assert oldest.replaced_by == middle  # its own "replaced_by"
    assert middle.replaced_by == newest  # the newest one's "replaces"
    assert newest.replaced_by is None
    assert oldest.status == middle.status == Status.ABOLISHED
    assert oldest.public_status == "abolished"
    assert str(oldest.editions.get().withdrawn_on) == "2024-05-01"
    assert middle.abolition_reason == "Replaced by LLMSWG 0003:2025."
    page = Client().get(oldest.get_absolute_url())
    assert page.status_code == 200
    assert "LLMSWG 0002:2024" in page.content.decode()


def test_history_is_marked_imported_with_its_dates(catalogue_world, run):
    run()

    clinical = by_number("LLMSWG 0003:2025")
    entries = list(clinical.history.order_by("created", "pk"))
    assert [(e.action, e.imported) for e in entries] == [
        ("publish", True),
        ("start_renewal", True),
        ("publish", True),
        ("created", True),
    ]
    assert [(e.from_state, e.to_state) for e in entries] == [
        ("certified", "published"),
        ("published", "draft"),
        ("certified", "published"),
        ("", ""),
    ]
    assert str(timezone.localtime(entries[0].created).date()) == "2025-09-01"
    assert entries[0].comment == "First edition."
    record = entries[-1]
    assert record.import_key == "LLMSWG 0003:2025"
    assert record.import_digest
    assert "import_sample.json" in record.comment
    # A standard without history in the file gets its publications.
    chinese = by_number("LLMSWG 0004:2025")
    assert list(
        chinese.history.filter(action="publish").values_list("imported", flat=True)
    ) == [True]


def test_imported_standards_look_and_search_like_native_ones(catalogue_world, run):
    run()

    clinical = by_number("LLMSWG 0003:2025")
    chinese = by_number("LLMSWG 0004:2025")
    assert clinical in catalogue_search(q="hallucination")
    assert clinical in catalogue_search(q="临床")
    assert chinese in catalogue_search(q="评测")
    assert by_number("LLMSWG 0001:2023") not in catalogue_search(q="clinical")
    assert by_number("LLMSWG 0001:2023") in catalogue_search(
        q="clinical", include_abolished=True
    )
    page = Client().get(clinical.get_absolute_url())
    assert page.status_code == 200
    assert "Evaluation of clinical LLM assistants" in page.content.decode()
    # Its public history: publications and renewal, marked imported.
    assert page.content.decode().count('<span class="imported">imported</span>') == 3
    assert Client().get("/standards/?q=评测").status_code == 200


def test_dry_run_reports_and_changes_nothing(catalogue_world, run):
    before = snapshot()

    out, error = run(SAMPLE, "--dry-run")

    assert error is None, out
    assert "Dry run: nothing was changed." in out
    assert "would be created   standards[2] (LLMSWG 0003:2025)" in out
    assert "would be created: 5" in out
    assert snapshot() == before


def test_a_second_run_creates_nothing(catalogue_world, run):
    run()
    before = snapshot()

    out, error = run()

    assert error is None, out
    assert "unchanged: 5" in out
    assert "created: 0" in out
    assert snapshot() == before


def test_clashes_and_invalid_records_are_reported_with_their_place(
    catalogue_world, lifecycle, tmp_path, run
):
    native = lifecycle.published(title="A native standard")
    taken = native.number
    records = [
        {
            "number": taken,
            "title": "Clashing",
            "field": "medical-field",
            "organisation": "peking-university",
            "editions": [{"published_on": "2025-01-01", "text": "x"}],
        },
        {"number": "LLMSWG 0100:2025", "title": "", "field": "nowhere"},
        {
            "number": "LLMSWG 0101:2025",
            "title": "Bad edition",
            "field": "medical-field",
            "organisation": "peking-university",
            "editions": [{"published_on": "1 May 2025", "text": "x"}],
        },
        {"title": "No number", "field": "medical-field", "colour": "red"},
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"standards": records}))
    before = Standard.objects.count()

    out, error = run(path)

    assert error is not None and "4 standards were not imported" in str(error)
    assert f"clash              standards[0] ({taken})" in out
    assert f"already used by standard #{native.pk}" in out
    assert "standards[1] (LLMSWG 0100:2025)" in out
    assert "title: This field is required." in out
    assert "field: No field “nowhere”" in out
    assert "organisation: This field is required." in out
    assert "editions[0].published_on: Give a date as YYYY-MM-DD." in out
    assert "Unknown fields: colour." in out
    assert "Give the standard a number, or a key for a draft." in out
    assert Standard.objects.count() == before


def test_one_bad_record_costs_only_itself(catalogue_world, tmp_path, run):
    records = json.loads(SAMPLE.read_text())["standards"]
    records[3]["field"] = "no-such-field"
    path = tmp_path / "sample.json"
    path.write_text(json.dumps({"standards": records}))
    shutil.copytree(DATA / "files", tmp_path / "files")

    out, _error = run(path)

    assert "created: 4" in out and "invalid: 1" in out
    assert not Standard.objects.filter(number="LLMSWG 0004:2025").exists()
    assert Standard.objects.filter(number="LLMSWG 0003:2025").exists()


def test_csv_with_files(catalogue_world, run):
    out, error = run(SAMPLE_CSV)

    assert error is None, out
    red_team = by_number("LLMSWG 0005:2026")
    assert red_team.title_zh == "大模型红队测试"
    assert sorted(red_team.authors.values_list("name", flat=True)) == [
        "Li Wei",
        "Wang Fang",
    ]
    first, second = red_team.editions.order_by("edition")
    assert first.pdf_state == Edition.PdfState.READY
    assert second.pdf_state == Edition.PdfState.PENDING
    assert "disclosure" in second.version.body
    chinese = by_number("LLMSWG 0006:2026")
    assert chinese.language == "zh-hans"
    assert "安全测试集" in chinese.editions.get().version.body
    out, _error = run(SAMPLE_CSV)
    assert "unchanged: 2" in out


def test_a_file_name_outside_the_import_folder_is_refused(
    catalogue_world, tmp_path, run
):
    (tmp_path / "in.csv").write_text(
        "number,title,field,organisation,edition,published_on,text_file\n"
        "LLMSWG 0009:2025,Escape,medical-field,peking-university,1,2025-01-01,"
        "../../etc/passwd\n"
    )

    out, error = run(tmp_path / "in.csv")

    assert error is not None
    assert "is outside the import's folder" in out
    assert not Standard.objects.filter(number="LLMSWG 0009:2025").exists()


def test_a_file_that_is_not_an_import_is_refused_whole(tmp_path, db):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_standards", str(path), stdout=StringIO())


def test_what_editors_changed_since_is_never_overwritten(
    catalogue_world, tmp_path, run
):
    run()
    clinical = by_number("LLMSWG 0003:2025")
    services.standard_transition(
        standard_id=clinical.pk,
        name="start_renewal",
        actor=catalogue_world.leader,
        comment="Time for the third edition.",
    )
    records = json.loads(SAMPLE.read_text())["standards"]
    records[2]["title"] = "A title changed in the old system"
    records[3]["title"] = "医疗大模型评测规范（修订）"
    path = tmp_path / "sample.json"
    path.write_text(json.dumps({"standards": records}))
    shutil.copytree(DATA / "files", tmp_path / "files")

    out, error = run(path)

    assert error is None, out
    assert "kept               standards[2] (LLMSWG 0003:2025)" in out
    assert "Changed in the portal since it was imported" in out
    clinical.refresh_from_db()
    assert clinical.title == "Evaluation of clinical LLM assistants"
    assert clinical.status == Status.DRAFT  # the renewal stays
    # Nobody touched the Chinese one: the new file updates it.
    assert "updated            standards[3] (LLMSWG 0004:2025)" in out
    assert by_number("LLMSWG 0004:2025").title == "医疗大模型评测规范（修订）"
    assert (
        HistoryEntry.objects.filter(standard__number="LLMSWG 0004:2025")
        .exclude(import_digest="")
        .count()
        == 2
    )


def test_counters_are_raised_to_the_numbers_imported(catalogue_world, run):
    NumberCounter.objects.create(prefix="LLMSWG", year=2025, last=1)

    run()

    counters = dict(
        NumberCounter.objects.filter(prefix="LLMSWG").values_list("year", "last")
    )
    assert counters == {2023: 1, 2024: 2, 2025: 4}


def test_the_import_service_reports_for_the_api(catalogue_world):
    entries = importing.read_json(SAMPLE.read_bytes(), base_dir=DATA)

    report = importing.standards_import(
        entries=entries, actor=catalogue_world.leader, source="t", dry_run=True
    )

    data = report.as_dict()
    assert data["dry_run"] is True
    assert data["counts"]["created"] == 5
    assert [r["location"] for r in data["results"]] == [
        f"standards[{i}]" for i in range(5)
    ]
    assert Standard.objects.aggregate(n=Count("pk"))["n"] == 0


def test_replacements_in_a_circle_are_invalid(catalogue_world, tmp_path, run):
    def record(number, replaced_by):
        return {
            "number": number,
            "title": number,
            "field": "medical-field",
            "organisation": "peking-university",
            "status": "abolished",
            "replaced_by": replaced_by,
        }

    path = tmp_path / "circle.json"
    path.write_text(
        json.dumps(
            {
                "standards": [
                    record("LLMSWG 0001:2020", "LLMSWG 0002:2020"),
                    record("LLMSWG 0002:2020", "LLMSWG 0001:2020"),
                ]
            }
        )
    )

    out, error = run(path)

    assert error is not None
    assert out.count("Its replacements go round in a circle.") == 2
    assert not Standard.objects.exists()


def test_a_changed_edition_text_is_rendered_again(catalogue_world, tmp_path, run):
    run()
    records = json.loads(SAMPLE.read_text())["standards"]
    records[3]["editions"][0]["text"] = "# 范围\n\n修订后的文本。\n"
    path = tmp_path / "sample.json"
    path.write_text(json.dumps({"standards": records}))
    shutil.copytree(DATA / "files", tmp_path / "files")
    edition = by_number("LLMSWG 0004:2025").editions.get()
    Edition.objects.filter(pk=edition.pk).update(pdf_state=Edition.PdfState.READY)

    out, error = run(path)

    assert error is None, out
    edition.refresh_from_db()
    assert edition.version.body == "# 范围\n\n修订后的文本。\n"
    assert edition.pdf_state == Edition.PdfState.PENDING
