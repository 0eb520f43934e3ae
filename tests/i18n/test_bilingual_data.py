"""The working group's own names in both languages: loaded from the seed's
translation file, kept when editors change them, shown in the reader's
language on the pages, in selects and in the API."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import translation

from committees.management.commands.load_working_group import (
    PROCEDURE_DESCRIPTIONS,
    SEED_PATH,
    WORKING_GROUP_NAME,
    chinese_path,
    load_chinese,
    parse_seed,
)
from committees.models import (
    Field,
    Organisation,
    Person,
    ProcedureStep,
    SeedRecord,
    WorkingGroup,
)
from portal.localized import LocalizedModelChoiceField, both, localized
from qms.models import QmsStep
from tests.factories import UserFactory
from workplan.models import WorkItem


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _seed():
    return parse_seed(SEED_PATH.read_text(encoding="utf-8"))


def _all_fields(fields):
    for field in fields:
        yield field
        yield from _all_fields(field.subfields)


def _organisations(seed) -> list[str]:
    names = list(seed.members)
    people = [seed.leader]
    for field in _all_fields(seed.fields):
        people += field.deputies
    names += [p.organisation for p in people if p.organisation]
    return list(dict.fromkeys(names))


@pytest.fixture
def working_group(db):
    call_command("load_working_group", verbosity=0)


# --- the translation file ---------------------------------------------------


def test_the_translation_file_has_chinese_for_every_name_in_the_seed():
    seed = _seed()
    zh = load_chinese(chinese_path(SEED_PATH))
    group = zh["working_group"][WORKING_GROUP_NAME]
    assert group["name"] == "大模型标准工作组"
    assert _is_chinese(group["goal"]) and _is_chinese(group["vision"])
    missing = [f.name for f in _all_fields(seed.fields) if f.name not in zh["fields"]]
    missing += [o for o in _organisations(seed) if o not in zh["organisations"]]
    missing += [t for t in seed.work_items if t not in zh["work_items"]]
    missing += [
        s
        for s in seed.procedure_steps
        if not (
            zh["procedure_steps"].get(s, {}).get("title")
            and zh["procedure_steps"][s].get("description")
        )
    ]
    missing += [
        label
        for label, _title in seed.qms_steps
        if not (zh["qms_steps"].get(label, {}).get("label"))
        or not zh["qms_steps"][label].get("title")
    ]
    assert missing == []
    assert set(PROCEDURE_DESCRIPTIONS) <= set(zh["procedure_steps"])


def test_official_chinese_names_of_member_organisations():
    zh = load_chinese(chinese_path(SEED_PATH))["organisations"]
    assert zh["Peking University"] == "北京大学"
    assert zh["Tsinghua University"] == "清华大学"
    assert (
        zh["Institute of Computing Technology, Chinese Academy of Sciences"]
        == "中国科学院计算技术研究所"
    )
    assert (
        zh["China Academy of Information and Communications Technology"]
        == "中国信息通信研究院"
    )
    assert zh["The International Open Benchmark Council"] == "国际开放基准委员会"
    assert zh["Amazon"] == "亚马逊"


def test_the_translation_file_is_valid_json_beside_the_seed():
    path = chinese_path(SEED_PATH)
    assert path.parent == SEED_PATH.parent
    json.loads(path.read_text(encoding="utf-8"))


# --- loading ----------------------------------------------------------------


@pytest.mark.django_db
def test_every_seeded_row_gets_its_chinese(working_group):
    seed = _seed()
    group = WorkingGroup.objects.get()
    assert group.name_zh == "大模型标准工作组"
    assert _is_chinese(group.goal_zh) and _is_chinese(group.vision_zh)

    field_names = [f.name for f in _all_fields(seed.fields)]
    fields = Field.objects.filter(name__in=field_names)
    assert fields.count() == len(field_names)
    assert [f.name for f in fields if not _is_chinese(f.name_zh)] == []
    assert Field.objects.filter(parent__isnull=False, name_zh="").count() == 0

    organisations = Organisation.objects.filter(name__in=_organisations(seed))
    assert organisations.count() == len(_organisations(seed))
    assert [o.name for o in organisations if not o.name_zh] == []
    assert Organisation.objects.get(name="Peking University").name_zh == "北京大学"

    items = WorkItem.objects.all()
    assert items.count() == len(seed.work_items)
    assert [i.title for i in items if not _is_chinese(i.title_zh)] == []

    steps = ProcedureStep.objects.all()
    assert steps.count() == len(seed.procedure_steps)
    assert [
        s.title
        for s in steps
        if not (_is_chinese(s.title_zh) and _is_chinese(s.description_zh))
    ] == []

    qms = QmsStep.objects.order_by("order")
    assert qms.count() == 6
    assert [s.label_zh for s in qms] == [
        "第一步",
        "第二步",
        "第三步",
        "第四步",
        "第五步",
        "第六步",
    ]
    assert all(_is_chinese(s.title_zh) for s in qms)

    # People keep their names; their job titles have a Chinese one.
    zhan = Person.objects.get(name="Jianfeng Zhan")
    assert zhan.title == "Founding Chair" and zhan.title_zh == "创始主席"
    assert not Person.objects.exclude(title="").filter(title_zh="").exists()


@pytest.mark.django_db
def test_loading_reports_no_missing_chinese(db):
    err = io.StringIO()
    call_command("load_working_group", verbosity=0, stderr=err)
    assert "No Chinese" not in err.getvalue()


@pytest.mark.django_db
def test_a_rerun_keeps_the_chinese_an_editor_changed(working_group):
    peking = Organisation.objects.get(name="Peking University")
    peking.name_zh = "北京大学（编辑）"
    peking.save()
    WorkItem.objects.filter(title="General LLM").update(title_zh="")

    call_command("load_working_group", verbosity=0)

    peking.refresh_from_db()
    assert peking.name_zh == "北京大学（编辑）"
    # An emptied column is filled again.
    assert WorkItem.objects.get(title="General LLM").title_zh == "通用大模型"


@pytest.mark.django_db
def test_a_corrected_translation_file_reaches_only_unedited_columns(
    working_group, tmp_path
):
    tsinghua = Organisation.objects.get(name="Tsinghua University")
    tsinghua.name_zh = "清华（编辑）"
    tsinghua.save()
    data = json.loads(chinese_path(SEED_PATH).read_text(encoding="utf-8"))
    data["organisations"]["Peking University"] = "北京大学（新）"
    data["organisations"]["Tsinghua University"] = "清华大学（新）"
    data["fields"]["Medical Field"] = "医学领域"
    corrected = tmp_path / "zh.json"
    corrected.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    call_command("load_working_group", chinese=corrected, verbosity=0)

    assert (
        Organisation.objects.get(name="Peking University").name_zh == "北京大学（新）"
    )
    assert Organisation.objects.get(name="Tsinghua University").name_zh == (
        "清华（编辑）"
    )
    assert Field.objects.get(name="Medical Field").name_zh == "医学领域"
    # The English rows were not touched: no row counts as edited.
    record = SeedRecord.objects.get(key="organisation:peking-university")
    assert record.chinese_hashes["name_zh"]

    # --force puts the file's Chinese back over the editor's.
    call_command("load_working_group", chinese=corrected, force=True, verbosity=0)
    assert Organisation.objects.get(name="Tsinghua University").name_zh == (
        "清华大学（新）"
    )


@pytest.mark.django_db
def test_the_chinese_columns_leave_the_english_seed_rows_kept(working_group):
    out = io.StringIO()
    call_command("load_working_group", stdout=out)
    assert "0 skipped as edited" in out.getvalue()
    assert "0 written" in out.getvalue()


# --- showing ----------------------------------------------------------------


@pytest.mark.django_db
def test_localized_gives_chinese_to_readers_of_chinese_else_english(working_group):
    field = Field.objects.get(name="Medical Field")
    assert localized(field, "name") == "Medical Field"
    with translation.override("zh-hans"):
        assert localized(field, "name") == "医疗领域"
    field.name_zh = ""
    with translation.override("zh-hans"):
        assert localized(field, "name") == "Medical Field"


@pytest.mark.django_db
def test_both_gives_the_readers_language_first(working_group):
    item = WorkItem.objects.get(title="General LLM")
    assert [t.text for t in both(item, "title")] == ["General LLM", "通用大模型"]
    with translation.override("zh-hans"):
        values = both(item, "title")
    assert [t.text for t in values] == ["通用大模型", "General LLM"]
    assert values[0].lang == "zh-Hans"


@pytest.mark.django_db
def test_selects_name_their_options_in_the_readers_language(working_group):
    choice = LocalizedModelChoiceField(queryset=Organisation.objects.all())
    with translation.override("zh-hans"):
        labels = [label for _value, label in choice.choices]
    assert "北京大学" in labels


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected", "english"),
    [
        (
            "/committees/",
            ["医疗领域", "眼科子领域", "国际开放基准委员会", "创始主席"],
            "Ophthalmology Subfield",
        ),
        (
            "/committees/fields/medical-field/",
            ["医疗领域", "药学子领域"],
            "Pharmaceutical Subfield",
        ),
        (
            "/members/",
            ["北京大学", "中国科学院计算技术研究所", "亚马逊"],
            "Peking University",
        ),
        ("/procedures/", ["准备与编写", "审核与认证"], "Prepare and document"),
        ("/workplan/", ["通用大模型", "大模型评测科学与工程"], "General LLM"),
        ("/workplan/medical-llm/", ["医疗大模型", "医疗领域"], "Medical LLM"),
        ("/qms/", ["第一步", "评审与发证"], "First Step"),
        ("/", ["大模型标准工作组"], "The LLM Standards Working Group aims"),
        ("/standards/", ["医疗领域", "眼科子领域"], None),
    ],
)
def test_chinese_pages_show_the_chinese_names(
    client, working_group, path, expected, english
):
    html = client.get("/zh-hans" + path).content.decode()
    for text in expected:
        assert text in html, (path, text)
    if english:
        assert english not in html
    # The English page keeps the English.
    english_page = client.get(path).content.decode()
    assert expected[0] not in english_page or path == "/"


@pytest.mark.django_db
def test_the_api_gives_both_names(client, working_group):
    fields = client.get("/api/v1/fields/").json()
    rows = fields["results"] if isinstance(fields, dict) else fields
    medical = next(f for f in rows if f["name"] == "Medical Field")
    assert medical["name_zh"] == "医疗领域"
    assert {s["name_zh"] for s in medical["subfields"]} >= {"药学子领域"}
    orgs = client.get("/api/v1/organisations/?is_member=true").json()
    rows = orgs["results"] if isinstance(orgs, dict) else orgs
    assert any(o["name_zh"] == "北京大学" for o in rows)
    items = client.get("/api/v1/work-items/").json()
    rows = items["results"] if isinstance(items, dict) else items
    assert any(i["title_zh"] == "通用大模型" for i in rows)


@pytest.mark.django_db
def test_a_seed_without_a_translation_file_loads_its_english_quietly(tmp_path):
    seed = tmp_path / "seed.txt"
    seed.write_text(SEED_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    err = io.StringIO()
    call_command("load_working_group", seed=seed, verbosity=0, stderr=err)
    assert err.getvalue() == ""
    assert Organisation.objects.get(name="Peking University").name_zh == ""
    # The translation file given by hand.
    call_command(
        "load_working_group", seed=seed, chinese=chinese_path(SEED_PATH), verbosity=0
    )
    assert Organisation.objects.get(name="Peking University").name_zh == "北京大学"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "pairs"),
    [
        (Organisation, [("name", "name_zh")]),
        (Field, [("name", "name_zh"), ("description", "description_zh")]),
        (WorkingGroup, [("goal", "goal_zh"), ("vision", "vision_zh")]),
        (ProcedureStep, [("title", "title_zh")]),
        (WorkItem, [("title", "title_zh"), ("description", "description_zh")]),
        (QmsStep, [("label", "label_zh"), ("title", "title_zh")]),
    ],
)
def test_the_admin_edits_the_chinese_beside_the_english(
    client, working_group, model, pairs
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    obj = model.objects.order_by("pk").first()
    meta = model._meta
    html = client.get(
        f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/"
    ).content.decode()
    for english, chinese in pairs:
        # One row of the form holds both (Django's field-box pairs).
        row = re.search(rf'<div class="form-row[^"]*field-{english}\b[^"]*"', html)
        assert row and f"field-{chinese}" in row.group(0), (english, chinese)
        assert f'name="{chinese}"' in html
