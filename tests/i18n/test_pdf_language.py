"""PDFs in the language of the standard: a Chinese standard's edition and
certificate carry Chinese fixed labels, names and dates, whoever renders them;
an English one keeps English labels and shows both titles on its cover."""

import io

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from standards import pdf, services
from standards.models import Audit
from tests.standards.conftest import lifecycle, world  # noqa: F401

pytestmark = pytest.mark.django_db

TITLE = "大模型安全对齐指南"
BODY = "# 总则\n\n本标准规定了大模型安全对齐的要求。\n\n# 要求\n\n应当记录评测结果。\n"
# Fixed labels of the PDFs; each must have a Chinese translation in the
# catalogue (locale/zh_Hans/LC_MESSAGES/django.po).
EDITION_LABELS = ("Contents", "History of approval", "Publication date", "Field")
CERTIFICATE_LABELS = ("Audit certificate", "Submitted by", "Certified on")


def chinese(label: str) -> str:
    with translation.override("zh-hans"):
        translated = gettext(label)
    assert translated != label, (
        f"{label!r} has no Chinese in the catalogue: translate it in "
        "locale/zh_Hans/LC_MESSAGES/django.po"
    )
    return translated


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def publish(flow, **kwargs):
    standard = flow.draft(with_version=False, **kwargs)
    services.version_create(standard_id=standard.pk, actor=flow.w.member, body=BODY)
    flow.go(standard, "submit", flow.w.member)
    services.experts_assign(
        standard_id=standard.pk,
        actor=flow.w.deputy,
        experts=[flow.w.expert1, flow.w.expert2],
    )
    for expert in (flow.w.expert1, flow.w.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    flow.go(standard, "advance_to_audit", flow.w.deputy)
    flow.go(standard, "certify", flow.w.auditor)
    flow.go(standard, "publish", flow.w.leader)
    return standard.editions.get()


@pytest.fixture
def chinese_names(world):  # noqa: F811
    world.subfield.name_zh = "重症医学子领域"
    world.subfield.save()
    world.field.name_zh = "医疗领域"
    world.field.save()
    world.organisation.name_zh = "北京大学"
    world.organisation.save()


def test_a_chinese_standards_pdf_has_chinese_labels_names_and_title(
    lifecycle,  # noqa: F811
    chinese_names,
):
    edition = publish(
        lifecycle, title=TITLE, scope="规定大模型安全对齐的要求。", language="zh-hans"
    )
    # Rendered by an English-speaking worker: the standard's language wins.
    with translation.override("en"):
        rendered = pdf.render_pdf(pdf.edition_html(edition))
    text = text_of(rendered.data)
    flat = "".join(text.split())
    for label in EDITION_LABELS:
        assert "".join(chinese(label).split()) in flat, label
    assert TITLE in flat
    assert "重症医学子领域" in flat and "北京大学" in flat
    # "page X of Y" from the catalogue, in the margin boxes.
    page_of = chinese("page {page} of {pages}").format(page=1, pages=rendered.pages)
    assert "".join(page_of.split()) in flat
    # The date as Chinese writes it (2026年12月2日).
    published = edition.published_on
    assert f"{published.year}年{published.month}月{published.day}日" in flat
    assert "History of approval" not in text


def test_an_english_standards_pdf_keeps_english_labels_and_both_titles(
    lifecycle,  # noqa: F811
    chinese_names,
):
    edition = publish(
        lifecycle,
        title="Safety alignment of large models",
        title_zh=TITLE,
        scope="Requirements for safety alignment.",
    )
    with translation.override("zh-hans"):
        html = pdf.edition_html(edition)
    text = text_of(pdf.render_pdf(html).data)
    flat = "".join(text.split())
    assert "History of approval" in text and "Contents" in text
    assert "Safetyalignmentoflargemodels" in flat and TITLE in flat
    # The English title first, the Chinese beside it.
    assert flat.index("Safetyalignment") < flat.index(TITLE)
    assert "Medical Field" in text or "Critical Care Subfield" in text


def test_a_chinese_standards_certificate_is_in_chinese(
    lifecycle,  # noqa: F811
    chinese_names,
):
    standard = lifecycle.certified(title=TITLE, language="zh-hans")
    audit = Audit.objects.filter(standard=standard).latest("pk")
    text = text_of(pdf.render_pdf(pdf.certificate_html(audit)).data)
    flat = "".join(text.split())
    for label in CERTIFICATE_LABELS:
        assert "".join(chinese(label).split()) in flat, label
    assert TITLE in flat
